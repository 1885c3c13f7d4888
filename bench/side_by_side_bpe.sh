#!/usr/bin/env bash
# tokrec vs Hugging Face tokenizers and OpenAI tiktoken on byte-level BPE,
# one thread each, same text, no special tokens added:
#   GPT-2 tokenizer.json  vs HF tokenizers (Rust core via npm @anush008/tokenizers)
#   GPT-2 vocab.json      vs tiktoken's "gpt2" encoding (npm tiktoken, WASM build of its Rust core)
#   o200k_base, cl100k_base rank files vs tiktoken
#   o200k_base, cl100k_base vs HF tokenizers on the rank file converted to a
#     tokenizer.json (tests/golden/gen/tiktoken_to_hf.js, as transformers'
#     TikTokenConverter does; made in the data cache when missing), with
#     tokrec reading the rank file and, separately, the same tokenizer.json
# Corpus: MovieLens ml-latest-small titles+genres and tags plus the committed
# multilingual random golden inputs, repeated to about 4 MB. Prints encode-only
# times (tokrec --stats vs. time inside the reference's encode), MB/s, the
# ratio tokrec/reference, and checks that the ids are identical. Then, for
# tokrec alone: the batch scaling, 2 threads vs 1 (only meaningful on an
# otherwise idle machine with 2+ cores), twice: the whole CLI command on the
# corpus 4 times over (reading, encoding, formatting and writing; tokenizer
# load excluded; CLI_PAIRS alternating pairs) and
# Tokenizer::encode_batch_flat in one process (bench_batch_scaling: warm,
# ROUNDS alternating rounds, median of the per-round ratios, next to the
# scaling this machine gives a plain integer loop); and the load time and
# peak memory of a run on empty input (process start included).
#
#   bench/side_by_side_bpe.sh [PATH/TO/tokrec]   (default build/tokrec)
#   env: ROUNDS (15), CLI_PAIRS (3), SCALING (default: bench/bench_batch_scaling beside tokrec)
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
TOKREC="${1:-$SRC/build/tokrec}"
# The batch-scaling probe built beside it (bench/batch_scaling_bench.cc).
SCALING="${SCALING:-$(dirname "$TOKREC")/bench/bench_batch_scaling}"
ROUNDS="${ROUNDS:-15}"
CLI_PAIRS="${CLI_PAIRS:-3}"
if [[ ! -d "$SRC/tests/golden/gen/node_modules/tiktoken" ]]; then
  (cd "$SRC/tests/golden/gen" && npm install --ignore-scripts --no-audit --no-fund >&2)
fi
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
SHARED="${TOKREC_SHARED_DATA:-$SRC/../shared/data}"
TOKS="$CACHE/tokenizers"
ML="$CACHE/movielens/ml-latest-small"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

source "$SRC/bench/lib/corpus.sh"
tokenizer_bench_corpus | tr -d '\r' >"$TMP/corpus.txt"  # tokrec's line reader drops CR of CRLF lines; the reference would not
lines=$(wc -l <"$TMP/corpus.txt")
bytes=$(wc -c <"$TMP/corpus.txt")
echo "corpus: $lines lines, $bytes bytes"

# tiktoken's own gpt2 encoding, as a rank file + meta for the WASM constructor.
node -e '
const fs = require("fs");
const e = require(process.argv[1] + "/tiktoken/encoders/gpt2.json");
fs.writeFileSync(process.argv[2], e.bpe_ranks);
fs.writeFileSync(process.argv[3], JSON.stringify({ pat_str: e.pat_str, special_tokens: e.special_tokens }));
' "$SRC/tests/golden/gen/node_modules" "$TMP/gpt2.ranks" "$TMP/gpt2.meta.json" 2>/dev/null || true

# The tiktoken encodings as HF tokenizer.json files (git-ignored cache).
for enc in o200k_base cl100k_base; do
  if [[ ! -f "$TOKS/tiktoken-hf/$enc/tokenizer.json" ]]; then
    TOKREC_CACHE_DATA="$CACHE" TOKREC_SHARED_DATA="$SHARED" node "$SRC/tests/golden/gen/tiktoken_to_hf.js" "$enc" >&2
  fi
done

status=0
mbs() { echo "$bytes / $1 / 1000000" | bc -l; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# The whole CLI command, 2 threads vs 1, on the corpus 4 times over (a batch
# job, not a first touch of every word): --stats' wall time (reading,
# encoding, formatting, writing; load excluded), CLI_PAIRS alternating pairs,
# medians.
for _ in 1 2 3 4; do cat "$TMP/corpus.txt"; done >"$TMP/corpus4.txt"
cli_scaling() {  # NAME TOKENIZER
  local w1 w2 ratios=() ones=() twos=()
  for _ in $(seq "$CLI_PAIRS"); do
    w1=$("$TOKREC" tokenize --tokenizer "$2" --no-special-tokens --threads 1 --stats --input "$TMP/corpus4.txt" \
      --output /dev/null 2>&1 | sed -E 's/.*wall ([0-9.]+) s.*/\1/')
    w2=$("$TOKREC" tokenize --tokenizer "$2" --no-special-tokens --threads 2 --stats --input "$TMP/corpus4.txt" \
      --output /dev/null 2>&1 | sed -E 's/.*wall ([0-9.]+) s.*/\1/')
    ones+=("$w1"); twos+=("$w2"); ratios+=("$(echo "$w1 / $w2" | bc -l)")
  done
  printf '  tokrec (%s) CLI, whole command on the corpus x4 (load excluded), 2 threads vs 1: %.2fx (median of %s pairs; 1 thread %.3f s, 2 threads %.3f s)\n' \
    "$1" "$(printf '%s\n' "${ratios[@]}" | median)" "$CLI_PAIRS" \
    "$(printf '%s\n' "${ones[@]}" | median)" "$(printf '%s\n' "${twos[@]}" | median)"
}
# run LABEL REF_ARGS... -- NAME=TOKREC_TOKENIZER...
# One reference run, then each tokrec tokenizer file on the same corpus.
run() {
  local label="$1"; shift
  local ref=() ref_encode
  while [[ "$1" != "--" ]]; do ref+=("$1"); shift; done
  shift
  RAYON_NUM_THREADS=1 RAYON_RS_NUM_CPUS=1 TOKENIZERS_PARALLELISM=false \
    node "$SRC/bench/side_by_side_bpe.js" "${ref[@]}" "$TMP/corpus.txt" "$TMP/ref.ids" >"$TMP/ref.log"
  ref_encode=$(awk '/encode_seconds/ {print $2}' "$TMP/ref.log")
  echo "== $label"
  printf '  reference  encode %.3f s (%.2f MB/s)\n' "$ref_encode" "$(mbs "$ref_encode")"
  local spec name tok tr_encode same load
  for spec in "$@"; do
    name="${spec%%=*}"; tok="${spec#*=}"
    "$TOKREC" tokenize --tokenizer "$tok" --no-special-tokens --threads 1 --stats \
      --input "$TMP/corpus.txt" --output "$TMP/tokrec.ids" 2>"$TMP/tokrec.log"
    tr_encode=$(sed -E 's/.*encode ([0-9.]+) s.*/\1/' "$TMP/tokrec.log")
    if cmp -s "$TMP/ref.ids" "$TMP/tokrec.ids"; then same="identical"; else same="DIFFERENT"; status=1; fi
    printf '  tokrec (%s) encode %.3f s (%.2f MB/s)\n' "$name" "$tr_encode" "$(mbs "$tr_encode")"
    printf '  ratio (tokrec %s speed / reference speed): %.2fx; ids %s\n' "$name" \
      "$(echo "$ref_encode / $tr_encode" | bc -l)" "$same"
    "$TOKREC" tokenize --tokenizer "$tok" --no-special-tokens --threads 2 \
      --input "$TMP/corpus.txt" --output "$TMP/tokrec2.ids"
    cmp -s "$TMP/tokrec.ids" "$TMP/tokrec2.ids" || { echo "  2-thread ids DIFFER"; status=1; }
    cli_scaling "$name" "$tok"
    if [[ -x "$SCALING" ]]; then
      printf '  tokrec (%s) encode_batch_flat, in process: %s\n' "$name" \
        "$("$SCALING" --tokenizer "$tok" --input "$TMP/corpus.txt" --rounds "$ROUNDS")"
    else
      echo "  (no $SCALING: build the bench targets for the in-process batch-scaling figure)"
    fi
    load=$( { /usr/bin/time -f '%e %M' "$TOKREC" tokenize --tokenizer "$tok" --input /dev/null --output /dev/null; } 2>&1 | tail -1)
    printf '  tokrec (%s) load (process start + load, empty input): %.3f s, peak RSS %.1f MiB\n' \
      "$name" "${load%% *}" "$(echo "${load##* } / 1024" | bc -l)"
  done
}

run "GPT-2: tokrec vs HF tokenizers (tokenizer.json)" hf "$TOKS/gpt2/tokenizer.json" -- \
  "tokenizer.json=$TOKS/gpt2/tokenizer.json"
if [[ -s "$TMP/gpt2.ranks" ]]; then
  run "GPT-2: tokrec vs tiktoken (gpt2 encoding)" tiktoken "$TMP/gpt2.ranks" "$TMP/gpt2.meta.json" -- \
    "vocab.json+merges.txt=$TOKS/gpt2/vocab.json"
fi
for enc in o200k_base cl100k_base; do
  run "$enc: tokrec vs tiktoken" tiktoken "$TOKS/tiktoken/$enc.tiktoken" \
    "$SHARED/tokenizers/tiktoken/$enc.meta.json" -- "rank file=$TOKS/tiktoken/$enc.tiktoken"
  run "$enc: tokrec vs HF tokenizers (rank file converted to tokenizer.json)" \
    hf "$TOKS/tiktoken-hf/$enc/tokenizer.json" -- \
    "rank file=$TOKS/tiktoken/$enc.tiktoken" "tokenizer.json=$TOKS/tiktoken-hf/$enc/tokenizer.json"
done
exit $status
