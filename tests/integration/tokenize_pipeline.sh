#!/usr/bin/env bash
# `tokrec tokenize` with several threads gives each thread whole chunks of
# --batch-size lines (read, encode, format) and writes them in input order
# from one more thread; chunks over 65536 lines are encoded on all threads
# at once instead. The output must be byte-identical to --threads 1 for
# every format and chunk size, errors must still name the line, and the
# lines before a bad chunk are written (and nothing after it).
# Usage: tokenize_pipeline.sh PATH/TO/tokrec SOURCE_DIR
set -u
TOKREC="$1"
SRC="$2"
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
UNCASED="$CACHE/tokenizers/bert-base-uncased"
GPT2="$CACHE/tokenizers/gpt2/tokenizer.json"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

# Input: the WordPiece golden inputs (many scripts, empty lines) a few times.
for _ in 1 2 3; do cat "$SRC/tests/golden/data/wordpiece/inputs_random.txt"; printf '\n\nplain line\n'; done >"$TMP/in.txt"
lines=$(wc -l <"$TMP/in.txt")

for tok in "$UNCASED" "$GPT2"; do
  [[ -e "$tok" ]] || continue
  for format in ids tokens jsonl; do
    "$TOKREC" tokenize --tokenizer "$tok" --format "$format" --threads 1 --input "$TMP/in.txt" --output "$TMP/one.txt" ||
      fail "$format threads 1"
    for batch in 1 7 1000 70000; do
      for threads in 2 3; do
        "$TOKREC" tokenize --tokenizer "$tok" --format "$format" --threads "$threads" --batch-size "$batch" \
          --input "$TMP/in.txt" --output "$TMP/many.txt" || fail "$format threads $threads batch $batch"
        cmp -s "$TMP/one.txt" "$TMP/many.txt" || fail "$(basename "$tok") $format: --threads $threads --batch-size $batch differs from --threads 1"
      done
    done
    expect_eq "$format line count" "$lines" "$(wc -l <"$TMP/one.txt" | tr -d ' ')"
  done
  # stdin -> stdout, offsets, and --no-special-tokens through the pipeline.
  a=$("$TOKREC" tokenize --tokenizer "$tok" --offsets --no-special-tokens --threads 1 <"$TMP/in.txt" | md5sum)
  b=$(cat "$TMP/in.txt" | "$TOKREC" tokenize --tokenizer "$tok" --offsets --no-special-tokens --threads 2 --batch-size 5 | md5sum)
  expect_eq "stdin/stdout offsets" "$a" "$b"
done

# Pairs and padding to the longest line of each chunk.
printf 'a b\nc\n' >"$TMP/pairs.txt"
a=$("$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --pair-input "$TMP/pairs.txt" --threads 1 <<<"$(printf 'x\ny z\n')")
b=$("$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --pair-input "$TMP/pairs.txt" --threads 2 --batch-size 1 <<<"$(printf 'x\ny z\n')")
expect_eq "pairs" "$a" "$b"
expect_eq "pairs value" "$(printf '101 1060 102 1037 1038 102\n101 1061 1062 102 1039 102')" "$b"
a=$(printf 'a\nb c d\ne\n' | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --padding longest --threads 2)
expect_eq "padding longest over the input" "$(printf '101 1037 102 0 0\n101 1038 1039 1040 102\n101 1041 102 0 0')" "$a"

# Errors: the line is named, and earlier chunks are already written.
printf 'good one\ngood two\nbad \xff here\ngood three\n' >"$TMP/bad.txt"
expect_error "invalid utf-8, threads 2" "invalid UTF-8 on line 3" \
  "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --threads 2 --batch-size 2 --input "$TMP/bad.txt"
"$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --threads 2 --batch-size 2 --input "$TMP/bad.txt" \
  --output "$TMP/partial.txt" 2>/dev/null
expect_eq "chunks before the error written" "2" "$(wc -l <"$TMP/partial.txt" | tr -d ' ')"
# A bad line deep in a long input, one line per chunk: the workers have read
# and encoded chunks beyond it, but only the lines before it are written.
{ head -n 500 "$TMP/in.txt"; printf 'bad \xff\n'; head -n 500 "$TMP/in.txt"; } >"$TMP/bad_late.txt"
for threads in 2 3; do
  expect_error "invalid utf-8 late, threads $threads" "invalid UTF-8 on line 501" \
    "$TOKREC" tokenize --tokenizer "$GPT2" --threads "$threads" --batch-size 1 --input "$TMP/bad_late.txt" \
    --output "$TMP/partial_late.txt"
  expect_eq "lines before the late error, threads $threads" "500" "$(wc -l <"$TMP/partial_late.txt" | tr -d ' ')"
done
if [[ -w /dev/full ]]; then
  expect_error "full disk, threads 2" "error" \
    "$TOKREC" tokenize --tokenizer "$GPT2" --threads 2 --batch-size 3 --input "$TMP/in.txt" --output /dev/full
fi
printf 'x\n' >"$TMP/short_pairs.txt"
expect_error "pair count, threads 2" "--pair-input has fewer lines" \
  "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --pair-input "$TMP/short_pairs.txt" --threads 2 --input "$TMP/bad.txt"
expect_error "unwritable output, threads 2" "cannot open output file" \
  "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --threads 2 --input "$TMP/in.txt" --output /nonexistent/dir/out.txt

# --progress outside a terminal ends with the totals; nothing without it.
for threads in 1 2; do
  "$TOKREC" tokenize --tokenizer "$GPT2" --threads "$threads" --progress --input "$TMP/in.txt" --output "$TMP/p.txt" \
    2>"$TMP/progress.txt" || fail "tokenize --progress"
  grep -q "^tokrec tokenize: $lines lines, [0-9]* tokens" "$TMP/progress.txt" || fail "no final progress line: $(cat "$TMP/progress.txt")"
done
"$TOKREC" tokenize --tokenizer "$GPT2" --threads 2 --input "$TMP/in.txt" --output "$TMP/q.txt" 2>"$TMP/quiet.txt"
[[ ! -s "$TMP/quiet.txt" ]] || fail "progress without --progress outside a terminal: $(cat "$TMP/quiet.txt")"
cmp -s "$TMP/p.txt" "$TMP/q.txt" || fail "--progress changed the output"

finish_checks tokenize_pipeline
