#!/usr/bin/env bash
# Drives `tokrec tokenize` as a user would: formats, flags, stdin/stdout and
# files, goldens through the CLI, and one-line errors for bad input.
# Usage: tokenize_cli.sh PATH/TO/tokrec SOURCE_DIR
set -u
TOKREC="$1"
SRC="$2"
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
UNCASED="$CACHE/tokenizers/bert-base-uncased"
CASED_VOCAB="$CACHE/tokenizers/bert-base-cased/vocab.txt"
GOLDEN="$SRC/tests/golden/data/wordpiece"
source "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

# --- defaults: tokenizer.json of bert-base-uncased truncates/pads to 128
out=$(echo "Hello world" | "$TOKREC" tokenize --tokenizer "$UNCASED")
expect_eq "default ids prefix" "101 7592 2088 102 0" "$(echo "$out" | cut -d' ' -f1-5)"
expect_eq "default padded length" "128" "$(echo "$out" | wc -w | tr -d ' ')"

out=$(echo "Hello world" | "$TOKREC" tokenize --tokenizer "$UNCASED" --no-special-tokens)
expect_eq "no special tokens" "7592 2088" "$out"

out=$(echo "Hello world" | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt")
expect_eq "vocab.txt default" "101 7592 2088 102" "$out"

out=$(echo "Hello [MASK] world" | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --format tokens)
expect_eq "tokens + added token" "[CLS] hello [MASK] world [SEP]" "$out"

# --- one output line per input line, empty lines included
out=$(printf 'a\n\nb\n' | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --no-special-tokens)
expect_eq "empty line kept" "$(printf '1037\n\n1038')" "$out"
expect_eq "line count" "3" "$(printf 'a\n\nb\n' | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" | wc -l | tr -d ' ')"
out=$(printf '\n' | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt")
expect_eq "empty line with specials" "101 102" "$out"

# --- jsonl
out=$(echo "Hi there" | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --format jsonl)
expect_eq "jsonl" '{"ids":[101,7632,2045,102],"tokens":["[CLS]","hi","there","[SEP]"],"attention_mask":[1,1,1,1],"type_ids":[0,0,0,0]}' "$out"

# --- max length, truncation, padding
out=$(echo "one two three four five six" | "$TOKREC" tokenize --tokenizer "$UNCASED" --max-length 5)
expect_eq "max-length implies truncation (+file padding length)" "101 2028 2048 2093 102" "$out"
out=$(echo "one two three four five six" | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --max-length 4 --no-special-tokens)
expect_eq "max-length without specials" "2028 2048 2093 2176" "$out"
out=$(echo "one" | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --max-length 5 --padding max_length)
expect_eq "padding max_length" "101 2028 102 0 0" "$out"
out=$(printf 'one\none two three\n\n' | "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --padding longest)
expect_eq "padding longest over the input" "$(printf '101 2028 102 0 0\n101 2028 2048 2093 102\n101 102 0 0 0')" "$out"
out=$(echo "one two" | "$TOKREC" tokenize --tokenizer "$UNCASED" --padding none)
expect_eq "padding none overrides the file" "101 2028 2048 102" "$out"
long=$(printf 'word %.0s' $(seq 1 200))
n=$(echo "$long" | "$TOKREC" tokenize --tokenizer "$UNCASED" | wc -w | tr -d ' ')
expect_eq "file truncation at 128" "128" "$n"
n=$(echo "$long" | "$TOKREC" tokenize --tokenizer "$UNCASED" --no-special-tokens | wc -w | tr -d ' ')
expect_eq "no file truncation without specials" "200" "$n"
n=$(echo "$long" | "$TOKREC" tokenize --tokenizer "$UNCASED" --no-special-tokens --truncation | wc -w | tr -d ' ')
expect_eq "--truncation uses the file's max_length" "128" "$n"

# --- cased vocabulary
out=$(echo "Hello World" | "$TOKREC" tokenize --tokenizer "$CASED_VOCAB" --no-lowercase --format tokens --no-special-tokens)
expect_eq "no-lowercase" "Hello World" "$out"
out=$(echo "Hello World" | "$TOKREC" tokenize --tokenizer "$CASED_VOCAB" --format tokens --no-special-tokens)
expect_eq "cased vocab lowercased by default" "hello world" "$out"

# --- files, threads, goldens through the CLI
"$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --no-special-tokens \
  --input "$GOLDEN/inputs_random.txt" --output "$TMP/random1.ids" --threads 1 || fail "run --threads 1"
"$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --no-special-tokens --batch-size 100 \
  --input "$GOLDEN/inputs_random.txt" --output "$TMP/random3.ids" --threads 3 || fail "run --threads 3"
cmp -s "$TMP/random1.ids" "$GOLDEN/uncased-vocab.plain.random.ids" || fail "CLI output differs from HF golden (random)"
cmp -s "$TMP/random1.ids" "$TMP/random3.ids" || fail "--threads/--batch-size change the output"
"$TOKREC" tokenize --tokenizer "$CASED_VOCAB" --no-lowercase \
  --input "$GOLDEN/inputs_handwritten.txt" --output "$TMP/hand.ids" || fail "run cased handwritten"
cmp -s "$TMP/hand.ids" "$GOLDEN/cased-vocab.special.handwritten.ids" || fail "CLI output differs from HF golden (cased)"

# --- errors: one line, non-zero exit, never a crash
expect_error "missing tokenizer" "not found" "$TOKREC" tokenize --tokenizer "$TMP/nope.txt"
expect_error "missing input" "$TMP/nope-input.txt" "$TOKREC" tokenize --tokenizer "$UNCASED" --input "$TMP/nope-input.txt"
: >"$TMP/empty_vocab.txt"
expect_error "empty vocab" "empty" "$TOKREC" tokenize --tokenizer "$TMP/empty_vocab.txt"
printf '[UNK]\nhello\nhello\n' >"$TMP/dup_vocab.txt"
expect_error "duplicate vocab" "duplicate token 'hello'" "$TOKREC" tokenize --tokenizer "$TMP/dup_vocab.txt"
printf 'good line\nbad \xff byte\n' >"$TMP/bad_utf8.txt"
expect_error "invalid utf-8" "invalid UTF-8 on line 2" "$TOKREC" tokenize --tokenizer "$UNCASED" --input "$TMP/bad_utf8.txt"
printf '{"model": {"type": "NoSuchModel", "vocab": {}}}' >"$TMP/nosuch.json"
expect_error "unsupported model" "unsupported model type 'NoSuchModel'" "$TOKREC" tokenize --tokenizer "$TMP/nosuch.json"
printf '{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}' >"$TMP/bpe.json"
expect_error "merge of unknown token" "merge 1 ('a b'): merged token 'ab' is not in the vocabulary" "$TOKREC" tokenize --tokenizer "$TMP/bpe.json"
printf 'IQ== 0\nnot base64! 1\n' >"$TMP/bad.tiktoken"
expect_error "bad rank file" "line 2" "$TOKREC" tokenize --tokenizer "$TMP/bad.tiktoken" --encoding cl100k_base
expect_error "unknown flag" "--bogus" "$TOKREC" tokenize --tokenizer "$UNCASED" --bogus
expect_error "bad format" "--format" "$TOKREC" tokenize --tokenizer "$UNCASED" --format xml
expect_error "bad padding" "--padding" "$TOKREC" tokenize --tokenizer "$UNCASED" --padding sideways
expect_error "missing --tokenizer" "--tokenizer" "$TOKREC" tokenize
expect_error "truncation without length" "max_length" "$TOKREC" tokenize --tokenizer "$UNCASED/vocab.txt" --truncation

# --- help names every flag
help=$("$TOKREC" tokenize --help) || fail "--help exit code"
for flag in --tokenizer --no-special-tokens --max-length --padding --truncation --no-lowercase \
            --format --threads --input --output; do
  grep -qF -- "$flag" <<<"$help" || fail "--help lacks $flag"
done

finish_checks tokenize_cli
