#!/usr/bin/env bash
# Byte-level BPE through the CLI: tokenize -> detokenize round trips, the
# --encoding flag for bare rank files, tokenizer-info, and ids against the
# committed HF / tiktoken goldens for a few lines.
#   bash tests/integration/tokenize_bpe.sh PATH/TO/tokrec SOURCE_DIR
set -euo pipefail
TOKREC="$1"
SRC="$2"
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
TOKS="$CACHE/tokenizers"
if [[ ! -f "$TOKS/gpt2/tokenizer.json" || ! -f "$TOKS/tiktoken/o200k_base.tiktoken" ]]; then
  echo "SKIP: BPE tokenizer files missing (run scripts/fetch-data.sh)"; exit 0
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0
check() {  # name expected actual
  if [[ "$2" != "$3" ]]; then echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}

# The first 20 handwritten golden lines (single-line texts): ids equal the goldens.
head -n 20 "$SRC/tests/golden/data/wordpiece/inputs_handwritten.txt" >"$TMP/in.txt"
"$TOKREC" tokenize --tokenizer "$TOKS/gpt2" --no-special-tokens --input "$TMP/in.txt" >"$TMP/gpt2.ids"
check "gpt2 ids" "$(head -n 20 "$SRC/tests/golden/data/bpe/gpt2.plain.ids")" "$(cat "$TMP/gpt2.ids")"
cp "$TOKS/tiktoken/o200k_base.tiktoken" "$TMP/ranks.bin"  # a name that says nothing
"$TOKREC" tokenize --tokenizer "$TMP/ranks.bin" --encoding o200k_base --input "$TMP/in.txt" >"$TMP/o200k.ids"
check "o200k ids" "$(head -n 20 "$SRC/tests/golden/data/bpe/o200k_base.ids")" "$(cat "$TMP/o200k.ids")"
if "$TOKREC" tokenize --tokenizer "$TMP/ranks.bin" --input "$TMP/in.txt" >/dev/null 2>"$TMP/err"; then
  echo "FAIL: unnamed rank file without --encoding should fail"; fail=1
fi
grep -q -- "--encoding" "$TMP/err" || { echo "FAIL: error does not mention --encoding: $(cat "$TMP/err")"; fail=1; }

# Round trip (lines with no special-token text and no CR/NUL).
printf 'Hello wörld 🦙 東京\n  spaces and\ttabs  \n' >"$TMP/rt.txt"
for t in "$TOKS/gpt2" "$TOKS/tiktoken/o200k_base.tiktoken" "$TOKS/roberta-base"; do
  out=$("$TOKREC" tokenize --tokenizer "$t" --input "$TMP/rt.txt" |
    "$TOKREC" detokenize --tokenizer "$t" --skip-special-tokens)
  check "round trip $(basename "$t")" "$(cat "$TMP/rt.txt")" "$out"
done

info=$("$TOKREC" tokenizer-info "$TOKS/tiktoken/o200k_base.tiktoken")
grep -q "format: *tiktoken (o200k_base)" <<<"$info" || { echo "FAIL: tokenizer-info: $info"; fail=1; }
grep -q "vocab_size: *200000" <<<"$info" || { echo "FAIL: tokenizer-info vocab: $info"; fail=1; }
"$TOKREC" tokenizer-info --json "$TOKS/gpt2" | grep -q '"model": "BPE"' || { echo "FAIL: info --json"; fail=1; }

if ((fail)); then exit 1; fi
echo "tokenize_bpe: all checks passed"
