#!/usr/bin/env bash
# The main job end to end on ml-latest-small: `tokrec run` writes its files,
# and every metric in report.json is recomputed from them by `tokrec evaluate`.
set -euo pipefail
TOKREC=$1
SRC=$2
CACHE=${TOKREC_CACHE_DATA:-$SRC/data/cache}
if [[ ! -f $CACHE/movielens/ml-latest-small/ratings.csv ]]; then
  echo "SKIP: run scripts/fetch-data.sh first"; exit 0
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# The default config with the quick models only (the slow learners have their own unit tests).
"$TOKREC" run --config "$SRC/configs/movielens.toml" --out "$OUT" --threads 2 \
  --set 'models.list=["popularity", "random", "itemknn", "content-tfidf", "content-glove-mean", "content-glove-tfidf", "popularity-similar"]' \
  > "$OUT/stdout.txt" 2> "$OUT/stderr.txt" || { cat "$OUT/stderr.txt"; exit 1; }
for f in report.json report.md report.html truth.tsv train.tsv valid.tsv random/report.json cold-items/truth.tsv; do
  [[ -s $OUT/$f ]] || { echo "missing $f"; exit 1; }
done
grep -q "content-glove-tfidf" "$OUT/stdout.txt" || { echo "table lacks the main model"; exit 1; }
grep -q "tokenized" "$OUT/stderr.txt" || { echo "no progress on stderr"; exit 1; }

/usr/bin/python3 - "$TOKREC" "$OUT" <<'PY'
import json, subprocess, sys
tokrec, out = sys.argv[1], sys.argv[2]
report = json.load(open(f"{out}/report.json"))
assert set(report) >= {"config", "models", "protocols"}, report.keys()
assert list(report["protocols"]) == ["random", "cold-items"], report["protocols"].keys()
# The top level is the primary protocol, as in the foundation layout.
assert report["models"] == report["protocols"]["random"]["models"]
ks = report["config"]["eval"]["k"]

def check(folder, models, catalog):
    train = {}
    for line in open(f"{folder}/train.tsv"):
        u, i = line.rstrip("\n").split("\t")
        train.setdefault(u, set()).add(i)
    for name, metrics in models.items():
        rows = [l.rstrip("\n").split("\t") for l in open(f"{folder}/recommendations/{name}.tsv")]
        for u, i, r in rows:  # training items are never recommended
            assert i not in train.get(u, ()), (name, u, i)
        for k in ks:
            got = json.loads(subprocess.check_output([tokrec, "evaluate", "--recommendations",
                f"{folder}/recommendations/{name}.tsv", "--truth", f"{folder}/truth.tsv", "--k", str(k),
                "--catalog-size", str(catalog), "--json"]))
            for key in ["precision", "recall", "f1", "ndcg", "map", "mrr", "hit_rate", "coverage"]:
                kk = f"{key}@{k}"
                assert abs(got[kk] - metrics[kk]) <= 1e-9, (folder, name, kk, got[kk], metrics[kk])

check(out, report["models"], report["dataset"]["catalog_size"])
for name, entry in report["protocols"].items():
    check(f"{out}/{entry['dir']}", entry["models"], entry["dataset"]["catalog_size"])
warm = report["protocols"]["random"]["models"]
cold = report["protocols"]["cold-items"]["models"]
# Only models that can rank unseen items run on cold items.
assert "itemknn" not in cold and "popularity" not in cold, cold.keys()
# Text features carry real signal: far above chance on warm and on cold items.
assert warm["content-glove-tfidf"]["hit_rate@10"] > 3 * warm["random"]["hit_rate@10"], warm
best_cold = max(cold[m]["recall@10"] for m in cold if m.startswith("content-"))
assert best_cold >= 2 * cold["random"]["recall@10"], cold
print("run_job: every report.json metric recomputed from the written files;",
      "cold-items best content recall@10 %.4f vs random %.4f" % (best_cold, cold["random"]["recall@10"]))
PY

# A broken config is a one-line error, not a crash.
printf '[data]\nratings = "nope.csv"\nmovies = "nope.csv"\n[bogus]\nx = 1\n' > "$OUT/bad.toml"
if "$TOKREC" run --config "$OUT/bad.toml" --out "$OUT/x" 2> "$OUT/err.txt"; then echo "bad config accepted"; exit 1; fi
[[ $(wc -l < "$OUT/err.txt") -eq 1 ]] && grep -q "unknown section \[bogus\]" "$OUT/err.txt" || { cat "$OUT/err.txt"; exit 1; }
echo "run_job: ok"
