#!/usr/bin/env bash
# Load time and memory: tokrec vs Hugging Face tokenizers (Rust core via npm
# @anush008/tokenizers) on the same tokenizer.json files, measured in the
# same run, plus tokrec's other formats of the same vocabularies.
#   tokrec: `tokrec tokenizer-info FILE` as a whole process (start-up, load,
#           print), fastest of ROUNDS, and its peak RSS (/usr/bin/time).
#   HF:     Tokenizer.fromFile inside node (node's start-up not counted),
#           fastest of ROUNDS, and the RSS growth over the first load.
# ratio = HF load time / tokrec time (> 1: tokrec loads faster).
#
#   bench/side_by_side_load.sh [PATH/TO/tokrec]   (default build/tokrec)
#   env: ROUNDS (3)
# The tiktoken encodings as tokenizer.json come from
# tests/golden/gen/tiktoken_to_hf.js (data cache); missing files are skipped.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
TOKREC="${1:-$SRC/build/tokrec}"
ROUNDS="${ROUNDS:-3}"
if [[ ! -d "$SRC/tests/golden/gen/node_modules/@anush008/tokenizers" ]]; then
  (cd "$SRC/tests/golden/gen" && npm install --ignore-scripts --no-audit --no-fund >&2)
fi
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
SHARED="${TOKREC_SHARED_DATA:-$SRC/../shared/data}"
echo "uptime: $(uptime)"

# tokrec FILE: "seconds peak_MiB" of the fastest of ROUNDS runs.
tokrec_load() {
  local best="" rss="" out t m
  for _ in $(seq "$ROUNDS"); do
    out=$( { /usr/bin/time -f "%e %M" "$TOKREC" tokenizer-info "$1" >/dev/null; } 2>&1 | tail -1)
    t=${out% *}; m=${out#* }
    if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
    rss=$m
  done
  echo "$best $((rss / 1024))"
}

printf "%-34s %9s %9s %9s %9s %7s\n" file tokrec_s tokrec_MiB hf_s hf_MiB hf/tokrec
while read -r name file; do
  [[ -f "$file" ]] || { echo "$name: $file missing, skipped"; continue; }
  read -r ts tm <<<"$(tokrec_load "$file")"
  if [[ "$file" == *tokenizer.json ]]; then
    read -r -a hf <<<"$(RAYON_NUM_THREADS=1 node "$SRC/bench/side_by_side_load.js" "$file" "$ROUNDS")"
    hs=${hf[1]}; hm=${hf[5]}
    ratio=-
    [[ "$hs" == "-" ]] || ratio=$(awk -v h="$hs" -v t="$ts" 'BEGIN{printf "%.2f", h/t}')
  else
    hs=-; hm=-; ratio=-
  fi
  printf "%-34s %9s %9s %9s %9s %7s\n" "$name" "$ts" "$tm" "$hs" "$hm" "$ratio"
done <<EOF_LIST
o200k/tokenizer.json $CACHE/tokenizers/tiktoken-hf/o200k_base/tokenizer.json
o200k/rank_file $SHARED/tokenizers/tiktoken/o200k_base.tiktoken
cl100k/tokenizer.json $CACHE/tokenizers/tiktoken-hf/cl100k_base/tokenizer.json
cl100k/rank_file $SHARED/tokenizers/tiktoken/cl100k_base.tiktoken
llama3/tokenizer.json $CACHE/tokenizers/tiktoken-hf/llama3/tokenizer.json
llama3/rank_file $SHARED/tokenizers/llama3/tokenizer.model
qwen/tokenizer.json $CACHE/tokenizers/tiktoken-hf/qwen/tokenizer.json
qwen/rank_file $SHARED/tokenizers/qwen/qwen.tiktoken
gpt2/tokenizer.json $SHARED/tokenizers/gpt2/tokenizer.json
gpt2/vocab.json+merges.txt $SHARED/tokenizers/gpt2/vocab.json
roberta-base/tokenizer.json $SHARED/tokenizers/roberta-base/tokenizer.json
llama2/tokenizer.json $SHARED/tokenizers/llama2/tokenizer.json
phi-3/tokenizer.json $SHARED/tokenizers/phi-3/tokenizer.json
t5-small/tokenizer.json $SHARED/tokenizers/t5-small/tokenizer.json
bert-base-uncased/tokenizer.json $SHARED/tokenizers/bert-base-uncased/tokenizer.json
EOF_LIST
echo "uptime: $(uptime)"
