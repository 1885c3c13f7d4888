#!/usr/bin/env bash
# `tokrec tokenize` with the encoding-API flags: --pair-input, --offsets,
# --special-tokens-mask, truncation strategy/side/stride (overflowing),
# padding side/multiple/pad id, and one-line errors for mismatched inputs.
# Expected values are BERT's / RoBERTa's as Hugging Face tokenizers gives them
# (see docs/encoding.md; the full parity is encoding_golden_test).
# Usage: tokenize_pairs.sh PATH/TO/tokrec SOURCE_DIR
set -u
TOKREC="$1"
SRC="$2"
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
BERT="$CACHE/tokenizers/bert-base-uncased/tokenizer.json"
ROBERTA="$CACHE/tokenizers/roberta-base/tokenizer.json"
[[ -f "$BERT" && -f "$ROBERTA" ]] || { echo "SKIP: tokenizers not in $CACHE"; exit 0; }
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

printf 'a b\nhéllo wörld\n' >"$TMP/a.txt"
printf 'c\nx y z\n' >"$TMP/b.txt"
printf 'c\n' >"$TMP/short.txt"

# Pairs: [CLS] a b [SEP] c [SEP], with code-point offsets after a tab.
out=$("$TOKREC" tokenize --tokenizer "$BERT" --no-special-tokens --input "$TMP/a.txt" --pair-input "$TMP/b.txt" --format tokens --offsets)
expect_eq "pair tokens, no special" $'a b c\t0:1 2:3 0:1\nhello world x y z\t0:5 6:11 0:1 2:3 4:5' "$out"
out=$("$TOKREC" tokenize --tokenizer "$BERT" --padding none --input "$TMP/a.txt" --pair-input "$TMP/b.txt" | head -1)
expect_eq "pair ids" "101 1037 1038 102 1039 102" "$out"

# jsonl: offsets in code points and bytes, special tokens mask, type ids.
line=$("$TOKREC" tokenize --tokenizer "$BERT" --padding none --input "$TMP/a.txt" --pair-input "$TMP/b.txt" --format jsonl --offsets --special-tokens-mask | sed -n 2p)
for want in '"type_ids":[0,0,0,0,1,1,1,1]' '"special_tokens_mask":[1,0,0,1,0,0,0,1]' \
            '"offsets":[[0,0],[0,5],[6,11],[0,0],[0,1],[2,3],[4,5],[0,0]]' \
            '"byte_offsets":[[0,0],[0,6],[7,13],[0,0],[0,1],[2,3],[4,5],[0,0]]'; do
  [[ "$line" == *"$want"* ]] || fail "jsonl lacks $want: $line"
done

# Stride: overflowing windows in jsonl, each with its special tokens.
printf 'a b c d e f g h\n' >"$TMP/long.txt"
line=$("$TOKREC" tokenize --tokenizer "$BERT" --padding none --max-length 5 --stride 1 --input "$TMP/long.txt" --format jsonl)
[[ "$line" == *'"overflowing":[{"ids":[101,1039,1040,1041,102]'* ]] || fail "stride windows: $line"
line=$("$TOKREC" tokenize --tokenizer "$BERT" --padding none --max-length 5 --stride 1 --truncation-side left --input "$TMP/long.txt" --format tokens 2>"$TMP/note.txt")
expect_eq "left truncation" "[CLS] f g h [SEP]" "$line"
grep -q "written only with --format jsonl" "$TMP/note.txt" || fail "no note that text formats drop --stride windows: $(cat "$TMP/note.txt")"

# only_second and left padding to a multiple of 4 with RoBERTa's <pad>.
out=$("$TOKREC" tokenize --tokenizer "$BERT" --padding none --max-length 6 --truncation-strategy only_second --input "$TMP/a.txt" --pair-input "$TMP/b.txt" --format tokens | sed -n 2p)
expect_eq "only_second" "[CLS] hello world [SEP] x [SEP]" "$out"
out=$("$TOKREC" tokenize --tokenizer "$ROBERTA" --padding longest --padding-side left --pad-to-multiple-of 4 --input "$TMP/a.txt" --format tokens | head -1)
expect_eq "left padding (longest 8, a multiple of 4)" "<pad> <pad> <pad> <pad> <s> a Ġb </s>" "$out"

# Errors: one line, non-zero exit.
expect_error "pair file shorter" "--pair-input has fewer lines" "$TOKREC" tokenize --tokenizer "$BERT" --input "$TMP/a.txt" --pair-input "$TMP/short.txt"
expect_error "pair file longer" "--pair-input has more lines" "$TOKREC" tokenize --tokenizer "$BERT" --input "$TMP/short.txt" --pair-input "$TMP/a.txt"
expect_error "only_second without pair" "needs a second sequence" "$TOKREC" tokenize --tokenizer "$BERT" --input "$TMP/long.txt" --max-length 5 --truncation-strategy only_second
expect_error "stride too long" "stride" "$TOKREC" tokenize --tokenizer "$BERT" --input "$TMP/long.txt" --max-length 5 --stride 3
expect_error "missing pair file" "$TMP/nope.txt" "$TOKREC" tokenize --tokenizer "$BERT" --input "$TMP/a.txt" --pair-input "$TMP/nope.txt"

finish_checks tokenize_pairs
