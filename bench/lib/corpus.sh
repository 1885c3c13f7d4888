# The tokenizer side-by-side corpus (sourced by bench/side_by_side_*.sh):
# "title genres" per MovieLens movie, one line per tag, and the multilingual
# random golden lines, four times over (about 3.6 MB). Needs $SRC and $ML.
tokenizer_bench_corpus() {
  for _ in 1 2 3 4; do
    if [[ -f "$ML/movies.csv" ]]; then
      tail -n +2 "$ML/movies.csv" | sed -E 's/^[0-9]+,//; s/\|/ /g'
      tail -n +2 "$ML/tags.csv" | cut -d, -f3
    fi
    cat "$SRC/tests/golden/data/wordpiece/inputs_random.txt"
  done
}
