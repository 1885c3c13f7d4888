#!/usr/bin/env bash
# Drives `tokrec tokenize`, `detokenize` and `tokenizer-info` on the shared
# BytePiece models as a user would: ids equal to the committed goldens
# (tests/golden/data/bytepiece, from tests/golden/gen/gen_bytepiece.py), the
# .zip, its JSON and a folder all accepted, decode round trip, and one-line
# errors for damaged files.
# Usage: tokenize_bytepiece.sh PATH/TO/tokrec SOURCE_DIR
set -u
TOKREC="$1"
SRC="$2"
SHARED="${TOKREC_SHARED_DATA:-$SRC/../shared/data}"
MODELS="$SHARED/tokenizers/bytepiece"
GOLD="$SRC/tests/golden/data/bytepiece"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
if [[ ! -f "$MODELS/bytepiece_80k.zip" ]]; then echo "SKIP: no shared BytePiece models"; exit 0; fi

PY3=/usr/bin/python3
if [[ ! -x $PY3 ]]; then echo "SKIP: /usr/bin/python3 is needed to read the goldens"; exit 0; fi

# Golden inputs without newlines inside (the CLI reads one text per line).
$PY3 - "$GOLD" "$TMP" <<'PY'
import json, sys
gold, tmp = sys.argv[1], sys.argv[2]
texts = [json.loads(l) for l in open(gold + "/inputs.jsonl", encoding="ascii")]
keep = [i for i, t in enumerate(texts) if "\n" not in t and "\r" not in t]
with open(tmp + "/in.txt", "w", encoding="utf-8", newline="") as f:
    for i in keep: f.write(texts[i] + "\n")
for name in ["bytepiece_80k", "bytepiece.plus.40k", "bytepiece.zh.id.eu.40k"]:
    ids = open(gold + "/" + name + ".ids", encoding="ascii").read().split("\n")
    with open(tmp + "/" + name + ".want", "w", encoding="ascii") as f:
        for i in keep: f.write(ids[i] + "\n")
PY
for name in bytepiece_80k bytepiece.plus.40k bytepiece.zh.id.eu.40k; do
  "$TOKREC" tokenize --tokenizer "$MODELS/$name.zip" --input "$TMP/in.txt" --output "$TMP/$name.got" ||
    fail "$name: tokenize exit $?"
  cmp -s "$TMP/$name.want" "$TMP/$name.got" || fail "$name: ids differ from the goldens"
done

# The JSON inside the zip, and a folder holding the zip, give the same ids.
mkdir -p "$TMP/folder"
cp "$MODELS/bytepiece.plus.40k.zip" "$TMP/folder/"
# (the JSON is taken out with Python's zipfile: no unzip tool needed)
$PY3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
  "$MODELS/bytepiece.plus.40k.zip" "$TMP/json" || fail "extract"
for t in "$TMP/folder" "$TMP/json/bytepiece.plus.40k.model"; do
  "$TOKREC" tokenize --tokenizer "$t" --input "$TMP/in.txt" --output "$TMP/alt.got" || fail "$t: exit $?"
  cmp -s "$TMP/bytepiece.plus.40k.want" "$TMP/alt.got" || fail "$t: ids differ"
done

# tokenizer-info, tokens as valid text, detokenize round trip (NFC of the input).
info=$("$TOKREC" tokenizer-info "$MODELS/bytepiece_80k.zip")
grep -q "BytePiece" <<<"$info" || fail "tokenizer-info: $info"
grep -q "79896" <<<"$info" || fail "tokenizer-info vocab size: $info"
tok=$(printf '今天天气不错\n' | "$TOKREC" tokenize --tokenizer "$MODELS/bytepiece_80k.zip" --format tokens)
expect_eq "tokens" "今天 天气 不错" "$tok"
printf '推荐系统 recommender 😀 cafe\xcc\x81\n<pad> [CLS]\n' >"$TMP/rt.txt"
"$TOKREC" tokenize --tokenizer "$MODELS/bytepiece_80k.zip" --input "$TMP/rt.txt" |
  "$TOKREC" detokenize --tokenizer "$MODELS/bytepiece_80k.zip" >"$TMP/rt.out" || fail "detokenize exit"
expect_eq "round trip" "$(printf '推荐系统 recommender 😀 caf\xc3\xa9\n<pad> [CLS]')" "$(cat "$TMP/rt.out")"
jl=$(printf '\xf0\x9f\xa6\x9c\n' | "$TOKREC" tokenize --tokenizer "$MODELS/bytepiece_80k.zip" --format jsonl)
$PY3 -c 'import json,sys; json.loads(sys.argv[1])' "$jl" || fail "jsonl not valid JSON: $jl"

# Damaged files: one line naming the file, no crash.
head -c 100000 "$MODELS/bytepiece_80k.zip" >"$TMP/cut.zip"
expect_error "truncated zip" "cut.zip" "$TOKREC" tokenize --tokenizer "$TMP/cut.zip" --input "$TMP/in.txt"
printf '{"YQ==": [3, "a", 1], "Y*==": [4, "b", 1]}' >"$TMP/bad.json"
expect_error "bad base64" "base64" "$TOKREC" tokenize --tokenizer "$TMP/bad.json" --input "$TMP/in.txt"
head -c 5000 "$TMP/json/bytepiece.plus.40k.model" >"$TMP/cut.model"
expect_error "truncated json" "cut.model" "$TOKREC" tokenize --tokenizer "$TMP/cut.model" --input "$TMP/in.txt"

finish_checks tokenize_bytepiece
