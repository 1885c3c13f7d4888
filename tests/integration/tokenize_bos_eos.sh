#!/usr/bin/env bash
# `tokrec tokenize --add-bos / --add-eos` as a user runs it: SentencePiece
# .model ids equal to sentencepiece's encode(add_bos, add_eos) (committed
# golden tests/golden/data/sentencepiece/bos_eos.json, from
# tests/golden/gen/gen_bos_eos.py), kept with --no-special-tokens, BytePiece
# ids 1 ... 2, and a one-line error for formats without BOS/EOS.
# Usage: tokenize_bos_eos.sh PATH/TO/tokrec SOURCE_DIR
set -u
TOKREC="$1"
SRC="$2"
SHARED="${TOKREC_SHARED_DATA:-$SRC/../shared/data}"
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
GOLD="$SRC/tests/golden/data/sentencepiece/bos_eos.json"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
MODEL="$SHARED/tokenizers/llama2/tokenizer.model"
if [[ ! -f "$MODEL" ]]; then echo "SKIP: no shared llama2 tokenizer.model"; exit 0; fi
PY3=/usr/bin/python3
if [[ ! -x $PY3 ]]; then echo "SKIP: /usr/bin/python3 is needed to read the golden"; exit 0; fi

# The golden's texts (none holds a newline) and llama2's expected ids per mode.
$PY3 - "$GOLD" "$TMP" <<'PY'
import json, sys
g = json.load(open(sys.argv[1], encoding="utf-8"))
tmp = sys.argv[2]
with open(tmp + "/in.txt", "w", encoding="utf-8", newline="") as f:
    for t in g["texts"]:
        assert "\n" not in t and "\r" not in t
        f.write(t + "\n")
for mode in ("bos", "eos", "bos_eos"):
    with open(tmp + "/" + mode + ".want", "w", encoding="ascii") as f:
        for ids in g["models"]["llama2"][mode]:
            f.write(" ".join(map(str, ids)) + "\n")
PY

run() { "$TOKREC" tokenize --tokenizer "$MODEL" --input "$TMP/in.txt" "$@"; }
expect_eq "--add-bos" "$(cat "$TMP/bos.want")" "$(run --add-bos)"
expect_eq "--add-eos" "$(cat "$TMP/eos.want")" "$(run --add-eos)"
expect_eq "--add-bos --add-eos" "$(cat "$TMP/bos_eos.want")" "$(run --add-bos --add-eos)"
expect_eq "--add-bos --add-eos --no-special-tokens" "$(cat "$TMP/bos_eos.want")" \
  "$(run --add-bos --add-eos --no-special-tokens)"
expect_eq "--add-bos --add-eos on 2 threads" "$(cat "$TMP/bos_eos.want")" "$(run --add-bos --add-eos --threads 2)"
# Default: nothing added (the golden minus its first id).
expect_eq "no flag" "$(sed -E 's/^1 ?//' "$TMP/bos.want")" "$(run)"
# Truncation keeps both and counts them.
expect_eq "--max-length 3" "1 15043 2" "$(echo "Hello world" | "$TOKREC" tokenize --tokenizer "$MODEL" --add-bos --add-eos --max-length 3)"
expect_eq "tokens" "<s> ▁Hello ▁world </s>" \
  "$(echo "Hello world" | "$TOKREC" tokenize --tokenizer "$MODEL" --add-bos --add-eos --format tokens)"

BP="$SHARED/tokenizers/bytepiece/bytepiece_80k.zip"
if [[ -f "$BP" ]]; then
  plain=$(echo "今天天气不错" | "$TOKREC" tokenize --tokenizer "$BP")
  expect_eq "BytePiece --add-bos --add-eos" "1 $plain 2" \
    "$(echo "今天天气不错" | "$TOKREC" tokenize --tokenizer "$BP" --add-bos --add-eos)"
fi

GPT2="$CACHE/tokenizers/gpt2/tokenizer.json"
[[ -f "$GPT2" ]] || GPT2="$SHARED/tokenizers/gpt2/tokenizer.json"
if [[ -f "$GPT2" ]]; then
  expect_error "tokenizer.json --add-bos" "no BOS token" "$TOKREC" tokenize --tokenizer "$GPT2" --add-bos
fi
finish_checks tokenize_bos_eos
