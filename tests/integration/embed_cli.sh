#!/usr/bin/env bash
# Drives `tokrec embed` as a user would on the committed random-weight models:
# .npy shapes and headers, one row per line (empty lines included), agreement
# across batch sizes and threads, stdin, and one-line errors (parity with the
# reference is checked by tests/unit/encoder/encoder_golden_test.cc).
# Usage: embed_cli.sh PATH/TO/tokrec SOURCE_DIR
set -u
TOKREC="$1"
SRC="$2"
ENC="$SRC/tests/golden/data/encoder"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"
# npy_header FILE -> the header dict (bytes 10 .. 10+len)
npy_header() { local len; len=$(od -An -tu2 -j8 -N2 "$1" | tr -d ' '); dd if="$1" bs=1 skip=10 count="$len" 2>/dev/null | tr -d '\n' | sed 's/ *$//'; }
npy_size() { stat -c %s "$1"; }

N=$(wc -l <"$ENC/sentences.txt")

# Pooled output: [N, 32], one row per line, empty line included.
for pooling in cls mean max pooler; do
  "$TOKREC" embed --model "$ENC/bert" --pooling $pooling --input "$ENC/sentences.txt" \
    --output "$TMP/$pooling.npy" --threads 2 --batch-size 4 || fail "embed --pooling $pooling"
  expect_eq "header $pooling" "{'descr': '<f4', 'fortran_order': False, 'shape': ($N, 32), }" "$(npy_header "$TMP/$pooling.npy")"
  expect_eq "size $pooling" $((128 + N * 32 * 4)) "$(npy_size "$TMP/$pooling.npy")"
done
"$TOKREC" embed --model "$ENC/bert" --pooling weighted --weights "$ENC/weights.tsv" --normalize \
  --input "$ENC/sentences.txt" --output "$TMP/w.npy" || fail "embed weighted"

# The same rows whatever the batch size and threads (sorting and padding are invisible).
"$TOKREC" embed --model "$ENC/bert" --pooling mean --input "$ENC/sentences.txt" --output "$TMP/mean1.npy" \
  --threads 1 --batch-size 1 || fail "embed batch 1"
"$TOKREC" embed --model "$ENC/bert" --pooling mean --input "$ENC/sentences.txt" --output "$TMP/mean13.npy" \
  --threads 2 --batch-size 13 || fail "embed batch 13"
expect_eq "npy size across batch sizes" "$(npy_size "$TMP/mean1.npy")" "$(npy_size "$TMP/mean13.npy")"

# stdin by default; one line in, one row out.
echo "hello world" | "$TOKREC" embed --model "$ENC/distilbert" --output "$TMP/one.npy" || fail "stdin"
expect_eq "stdin header" "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 32), }" "$(npy_header "$TMP/one.npy")"

# Hidden states: [N, T, H] with T the longest line after truncation (64).
"$TOKREC" embed --model "$ENC/roberta" --input "$ENC/sentences.txt" --output-hidden "$TMP/h.npy" || fail "hidden"
expect_eq "hidden header" "{'descr': '<f4', 'fortran_order': False, 'shape': ($N, 64, 32), }" "$(npy_header "$TMP/h.npy")"
"$TOKREC" embed --model "$ENC/bert" --input "$ENC/sentences.txt" --output-hidden "$TMP/h8.npy" --max-length 8 || fail "hidden max-length"
expect_eq "hidden max-length header" "{'descr': '<f4', 'fortran_order': False, 'shape': ($N, 8, 32), }" "$(npy_header "$TMP/h8.npy")"

# Errors: one line, non-zero exit, no crash.
expect_error "no model" "config.json" "$TOKREC" embed --model "$TMP/none" --input "$ENC/sentences.txt" --output "$TMP/x.npy"
expect_error "no output" "--output" "$TOKREC" embed --model "$ENC/bert" --input "$ENC/sentences.txt"
expect_error "pooler without weights" "pooler" "$TOKREC" embed --model "$ENC/distilbert" --pooling pooler --input "$ENC/sentences.txt" --output "$TMP/x.npy"
expect_error "weighted without file" "--weights" "$TOKREC" embed --model "$ENC/bert" --pooling weighted --input "$ENC/sentences.txt" --output "$TMP/x.npy"
printf 'tok\tnot-a-number\n' >"$TMP/bad.tsv"
expect_error "bad weights" "line 1" "$TOKREC" embed --model "$ENC/bert" --pooling weighted --weights "$TMP/bad.tsv" --input "$ENC/sentences.txt" --output "$TMP/x.npy"
printf 'ok\n\xff\xfe\n' >"$TMP/bad.txt"
expect_error "invalid utf-8" "line 2" "$TOKREC" embed --model "$ENC/bert" --input "$TMP/bad.txt" --output "$TMP/x.npy"
# Reduced precisions: same shape, close to fp32 (cosine per row; accuracy is
# tested in tests/unit/encoder/quantized_test.cc), and --stats names the dtype.
for dtype in bf16 int8; do
  "$TOKREC" embed --model "$ENC/bert" --dtype $dtype --input "$ENC/sentences.txt" \
    --output "$TMP/$dtype.npy" --threads 2 --batch-size 4 --stats 2>"$TMP/$dtype.err" || fail "embed --dtype $dtype"
  expect_eq "header $dtype" "{'descr': '<f4', 'fortran_order': False, 'shape': ($N, 32), }" "$(npy_header "$TMP/$dtype.npy")"
  grep -q "dtype $dtype" "$TMP/$dtype.err" || fail "--stats does not name dtype $dtype: $(cat "$TMP/$dtype.err")"
  cmp -s "$TMP/mean.npy" "$TMP/$dtype.npy" && fail "--dtype $dtype gives exactly fp32's output"
done
mkdir -p "$TMP/badmodel" && cp "$ENC/bert/"* "$TMP/badmodel/" && sed -i 's/"hidden_size": 32/"hidden_size": 36/' "$TMP/badmodel/config.json"
expect_error "wrong shape" "embeddings.word_embeddings.weight" "$TOKREC" embed --model "$TMP/badmodel" --input "$ENC/sentences.txt" --output "$TMP/x.npy"
head -c 100 "$ENC/bert/model.safetensors" >"$TMP/badmodel/model.safetensors"
expect_error "truncated safetensors" "model.safetensors" "$TOKREC" embed --model "$TMP/badmodel" --input "$ENC/sentences.txt" --output "$TMP/x.npy"

# --progress outside a terminal: a line per report, the last one at 100%.
"$TOKREC" embed --model "$ENC/bert" --input "$ENC/sentences.txt" --output "$TMP/p.npy" --batch-size 4 --progress \
  2>"$TMP/progress.txt" || fail "embed --progress"
grep -q "^tokrec embed: 13/13 sequences (100%)" "$TMP/progress.txt" || fail "no final progress line: $(cat "$TMP/progress.txt")"
"$TOKREC" embed --model "$ENC/bert" --input "$ENC/sentences.txt" --output "$TMP/q.npy" --batch-size 4 2>"$TMP/quiet.txt"
[[ ! -s "$TMP/quiet.txt" ]] || fail "progress without --progress outside a terminal: $(cat "$TMP/quiet.txt")"
cmp -s "$TMP/p.npy" "$TMP/q.npy" || fail "--progress changed the output"

finish_checks embed_cli
