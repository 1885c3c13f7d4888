#!/usr/bin/env bash
# tokrec vs Google sentencepiece (Debian python3-sentencepiece, its C++ core),
# one thread each, same text, no BOS/EOS (spm_encode defaults), load excluded:
#   sentencepiece-test/test_model.model  Unigram (nmt_nfkc charsmap)
#   llama2/tokenizer.model               BPE with byte fallback
#   bpemb-en-100k                        BPE, 100k pieces
# Corpus: MovieLens ml-latest-small titles+genres and tags plus the committed
# multilingual random golden inputs, repeated to about 4 MB (as
# side_by_side_bpe.sh). The reference encodes the whole list in one batch call
# with num_threads=1 (no Python loop in the timing). Prints encode-only times,
# MB/s, the ratio and whether the ids are identical (same run). Each side
# runs REPEAT times (default 3) and its fastest encode counts, which damps
# the noise of a shared machine.
#
#   bench/side_by_side_sentencepiece.sh [PATH/TO/tokrec]   (default build/tokrec)
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
TOKREC="${1:-$SRC/build/tokrec}"
PY=/usr/bin/python3
REPEAT="${REPEAT:-3}"
CACHE="${TOKREC_CACHE_DATA:-$SRC/data/cache}"
SHARED="${TOKREC_SHARED_DATA:-$SRC/../shared/data}"
ML="$CACHE/movielens/ml-latest-small"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

source "$SRC/bench/lib/corpus.sh"
tokenizer_bench_corpus | tr -d '\r' >"$TMP/corpus.txt"
lines=$(wc -l <"$TMP/corpus.txt")
bytes=$(wc -c <"$TMP/corpus.txt")
echo "corpus: $lines lines, $bytes bytes"

cat >"$TMP/ref.py" <<'PYEOF'
import sys, time
import sentencepiece as spm
model, corpus, out, repeat = sys.argv[1:5]
sp = spm.SentencePieceProcessor(model_file=model)
with open(corpus, encoding="utf-8", newline="") as f:
    texts = f.read().split("\n")
if texts and texts[-1] == "":
    texts.pop()
sp.encode(texts[:100], num_threads=1)  # warm up
dt = float("inf")
for _ in range(int(repeat)):
    t0 = time.perf_counter()
    ids = sp.encode(texts, num_threads=1)
    dt = min(dt, time.perf_counter() - t0)
with open(out, "w") as f:
    for row in ids:
        f.write(" ".join(map(str, row)) + "\n")
print("encode_seconds", dt)
print("tokens", sum(len(r) for r in ids))
PYEOF

status=0
run() {
  local label="$1" model="$2"
  local ref_encode tr_encode same tokens
  OMP_NUM_THREADS=1 "$PY" "$TMP/ref.py" "$model" "$TMP/corpus.txt" "$TMP/ref.ids" "$REPEAT" >"$TMP/ref.log"
  ref_encode=$(awk '/encode_seconds/ {print $2}' "$TMP/ref.log")
  tokens=$(awk '/^tokens/ {print $2}' "$TMP/ref.log")
  tr_encode=""
  for _ in $(seq "$REPEAT"); do
    "$TOKREC" tokenize --tokenizer "$model" --no-special-tokens --threads 1 --stats \
      --input "$TMP/corpus.txt" --output "$TMP/tokrec.ids" 2>"$TMP/tokrec.log"
    t=$(sed -E 's/.*encode ([0-9.]+) s.*/\1/' "$TMP/tokrec.log")
    if [[ -z "$tr_encode" ]] || (( $(echo "$t < $tr_encode" | bc -l) )); then tr_encode="$t"; fi
  done
  if cmp -s "$TMP/ref.ids" "$TMP/tokrec.ids"; then same="identical"; else same="DIFFERENT"; status=1; fi
  echo "== $label ($tokens tokens)"
  printf '  sentencepiece encode %.3f s (%.2f MB/s, %.2f M tokens/s)\n' "$ref_encode" \
    "$(echo "$bytes / $ref_encode / 1000000" | bc -l)" "$(echo "$tokens / $ref_encode / 1000000" | bc -l)"
  printf '  tokrec        encode %.3f s (%.2f MB/s, %.2f M tokens/s)\n' "$tr_encode" \
    "$(echo "$bytes / $tr_encode / 1000000" | bc -l)" "$(echo "$tokens / $tr_encode / 1000000" | bc -l)"
  printf '  ratio (tokrec speed / sentencepiece speed): %.2fx; ids %s\n' \
    "$(echo "$ref_encode / $tr_encode" | bc -l)" "$same"
}

run "Unigram: test_model.model" "$SHARED/tokenizers/sentencepiece-test/test_model.model"
run "BPE + byte fallback: llama2 tokenizer.model" "$SHARED/tokenizers/llama2/tokenizer.model"
run "BPE: bpemb en 100k" "$SHARED/tokenizers/bpemb-en-100k/en.wiki.bpe.vs100000.model"
exit $status
