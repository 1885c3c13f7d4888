#!/usr/bin/env bash
# tokrec evaluate against tests/integration/metrics_reference.py (an
# independent Python implementation of docs/metrics.md) on edge cases and
# randomized inputs; any metric off by more than 1e-9 fails. Also checks the
# CLI contract: --k forms, --catalog-size, table output, one-line errors.
#
#   bash tests/integration/evaluate_cli.sh path/to/tokrec [source-dir]
set -euo pipefail

TOKREC=${1:?usage: evaluate_cli.sh path/to/tokrec [source-dir]}
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=/usr/bin/python3
REF="$SRC/tests/integration/metrics_reference.py"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- inputs -----------------------------------------------------------------
# case_<name>/{recs.tsv,truth.tsv,args}: args = "K-list catalog-size".
"$PY" - "$WORK" <<'EOF'
import os, random, sys
work = sys.argv[1]

def write_case(name, recs_rows, truth_rows, ks, catalog=0):
    d = os.path.join(work, "case_" + name)
    os.makedirs(d)
    with open(os.path.join(d, "recs.tsv"), "wb") as f:
        for row in recs_rows:
            f.write(b"\t".join(x if isinstance(x, bytes) else str(x).encode() for x in row) + b"\n")
    with open(os.path.join(d, "truth.tsv"), "wb") as f:
        for row in truth_rows:
            f.write(b"\t".join(x if isinstance(x, bytes) else str(x).encode() for x in row) + b"\n")
    with open(os.path.join(d, "args"), "w") as f:
        f.write(",".join(map(str, ks)) + " " + str(catalog) + "\n")

# Hand-made edge cases, one concern each, then all together.
write_case("missing_user",  # u2 has test items but no recommendations
           [("u1", "a", 1), ("u1", "b", 2)],
           [("u1", "a"), ("u2", "c")], [1, 2])
write_case("recs_only_user",  # u9 only recommended: ignored (but its items are in the catalog)
           [("u1", "a", 1), ("u9", "z", 1), ("u9", "a", 2)],
           [("u1", "a")], [1, 5])
write_case("more_test_than_k",
           [("u", "i%d" % i, i) for i in range(1, 4)],
           [("u", "i%d" % i) for i in range(1, 9)], [2, 3])
write_case("fewer_than_k",
           [("u", "a", 1), ("u", "b", 2)],
           [("u", "b"), ("u", "c")], [10])
write_case("repeated_items",
           [("u", "a", 1), ("u", "a", 2), ("u", "b", 3), ("u", "a", 4), ("u", "b", 5)],
           [("u", "a"), ("u", "b"), ("u", "c")], [2, 3, 5])
write_case("nonpositive_relevance",  # u3 has only <= 0 rows: not evaluated
           [("u1", "a", 1), ("u1", "b", 2), ("u3", "x", 1)],
           [("u1", "a", 0), ("u1", "b", 1), ("u1", "c", -2), ("u3", "x", 0)], [1, 2])
write_case("duplicate_truth",  # (u, a) three times: max relevance 5 wins
           [("u", "b", 1), ("u", "a", 2)],
           [("u", "a", 1), ("u", "a", 5), ("u", "a", 2), ("u", "b", 1), ("u", "b")], [1, 2])
write_case("graded",
           [("u", "c", 1), ("u", "a", 2), ("u", "x", 3), ("u", "b", 4)],
           [("u", "a", 3), ("u", "b", 0.5), ("u", "c", 2), ("u", "d", 7.25)], [1, 2, 4, 10])
write_case("rank_ties",  # b and c tie at 2: file order decides (c first)
           [("u", "a", 1), ("u", "c", 2), ("u", "b", 2), ("u", "d", 3)],
           [("u", "b", 3), ("u", "d", 1)], [2, 3])
write_case("unordered_rows",
           [("v", "q", 3), ("u", "c", 30), ("v", "p", 1), ("u", "a", 10), ("u", "b", 20), ("v", "r", 2)],
           [("u", "b"), ("v", "r"), ("v", "q")], [1, 2, 3])
write_case("byte_ids",
           [("用户", "物品\xa0".encode(), 1), ("用户", b"\xff\xfe", 2), ("user one", "item two", 1)],
           [("用户", b"\xff\xfe"), ("user one", "item two", 2)], [1, 2])
write_case("catalog_size", [("u", "a", 1), ("u", "b", 2)], [("u", "a")], [1, 2], 1000)

# Randomized cases mixing all of the above.
rng = random.Random(20240611)
for case in range(40):
    n_users = rng.randint(1, 40)
    n_items = rng.randint(2, 60)
    recs, truth = [], []
    for u in range(n_users):
        user = "u%d" % u
        kind = rng.random()
        if kind > 0.1:  # 10% have no recommendations
            length = rng.randint(0, 25)
            ranks = list(range(1, length + 1))
            if rng.random() < 0.3:  # ties and gaps
                ranks = [rng.randint(-3, length) for _ in ranks]
            for r in ranks:
                recs.append((user, "i%d" % rng.randrange(n_items), r))
        if kind < 0.85:  # 15% only in the recommendations
            graded = rng.random() < 0.5
            for _ in range(rng.randint(1, 15)):
                item = "i%d" % rng.randrange(n_items)
                if graded:
                    rel = rng.choice([-1, 0, 0.5, 1, 2, 3, round(rng.uniform(0.01, 5), 6)])
                    truth.append((user, item, rel))
                else:
                    truth.append((user, item))
    rng.shuffle(recs)
    rng.shuffle(truth)
    if not truth:
        truth.append(("u0", "i0"))
    ks = sorted(rng.sample([1, 2, 3, 5, 10, 20, 50], rng.randint(1, 3)))
    catalog = rng.choice([0, 0, 0, n_items, 500])
    write_case("random%02d" % case, recs, truth, ks, catalog)
EOF

# ---- tokrec vs reference ----------------------------------------------------
compare() {  # compare.json files: tokrec.json reference.json K-list
  "$PY" - "$@" <<'EOF'
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
ks = sys.argv[3].split(",")
names = ["precision", "recall", "f1", "ndcg", "map", "mrr", "hit_rate", "coverage"]
bad = []
if got.get("users") != want["users"]:
    bad.append("users: tokrec %r, reference %r" % (got.get("users"), want["users"]))
for k in ks:
    for n in names:
        key = "%s@%s" % (n, k)
        if key not in got:
            bad.append(key + " missing")
        elif abs(got[key] - want[key]) > 1e-9:
            bad.append("%s: tokrec %.17g, reference %.17g" % (key, got[key], want[key]))
if bad:
    sys.exit("; ".join(bad))
EOF
}

cases=0
for dir in "$WORK"/case_*; do
  read -r ks catalog < "$dir/args"
  name=${dir##*/case_}
  extra=()
  [ "$catalog" != 0 ] && extra=(--catalog-size "$catalog")
  "$TOKREC" evaluate --recommendations "$dir/recs.tsv" --truth "$dir/truth.tsv" --k "$ks" --json \
    "${extra[@]}" > "$dir/tokrec.json" || fail "$name: tokrec evaluate exited $?"
  "$PY" "$REF" "$dir/recs.tsv" "$dir/truth.tsv" --k "$ks" --catalog-size "$catalog" > "$dir/reference.json"
  compare "$dir/tokrec.json" "$dir/reference.json" "$ks" || fail "$name: metrics differ (inputs: $dir)"
  cases=$((cases + 1))
done

# ---- CLI contract -----------------------------------------------------------
D="$WORK/case_graded"
# --k repeated == --k comma list; values printed with 17 significant digits.
"$TOKREC" evaluate --recommendations "$D/recs.tsv" --truth "$D/truth.tsv" --k 2 --k 4 --json > "$WORK/rep.json"
"$TOKREC" evaluate --recommendations "$D/recs.tsv" --truth "$D/truth.tsv" --k 2,4 --json > "$WORK/comma.json"
cmp -s "$WORK/rep.json" "$WORK/comma.json" || fail "--k 2 --k 4 and --k 2,4 differ"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "ndcg@4" in d and "coverage@2" in d' "$WORK/rep.json" \
  || fail "JSON lacks keys"
grep -Eq '"ndcg@2": 0\.[0-9]{16}' "$WORK/rep.json" || fail "ndcg@2 not printed with 17 significant digits"
# Default K is 10; the table names every metric.
"$TOKREC" evaluate --recommendations "$D/recs.tsv" --truth "$D/truth.tsv" > "$WORK/table.txt"
for n in precision recall f1 ndcg map mrr hit_rate coverage; do
  grep -q "^$n " "$WORK/table.txt" || fail "table lacks $n"
done
grep -q "@10" "$WORK/table.txt" || fail "table lacks the default K"
"$TOKREC" evaluate --help | grep -q "docs/metrics.md" || fail "--help does not point to docs/metrics.md"

# Errors: one line on stderr, non-zero exit.
expect_error() {  # expect_error WHAT PATTERN args...
  local what=$1 pattern=$2
  shift 2
  local rc=0
  "$TOKREC" evaluate "$@" > "$WORK/out" 2> "$WORK/err" || rc=$?
  [ "$rc" -ne 0 ] || fail "$what: exit 0"
  [ "$(wc -l < "$WORK/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$WORK/err")"
  grep -q -- "$pattern" "$WORK/err" || fail "$what: stderr lacks '$pattern': $(cat "$WORK/err")"
}
printf 'u\ta\t1\nu\tb\n' > "$WORK/bad_cols.tsv"
printf 'u\ta\t1\nu\tb\tfirst\n' > "$WORK/bad_rank.tsv"
printf 'u\ta\nu\tb\tvery\n' > "$WORK/bad_rel.tsv"
printf 'u\ta\t0\n' > "$WORK/empty_truth.tsv"
expect_error "missing recommendations" "nope.tsv" --recommendations "$WORK/nope.tsv" --truth "$D/truth.tsv"
expect_error "missing truth" "nope.tsv" --recommendations "$D/recs.tsv" --truth "$WORK/nope.tsv"
expect_error "wrong column count" "bad_cols.tsv line 2" --recommendations "$WORK/bad_cols.tsv" --truth "$D/truth.tsv"
expect_error "non-numeric rank" "bad_rank.tsv line 2" --recommendations "$WORK/bad_rank.tsv" --truth "$D/truth.tsv"
expect_error "non-numeric relevance" "bad_rel.tsv line 2" --recommendations "$D/recs.tsv" --truth "$WORK/bad_rel.tsv"
expect_error "no test items" "relevance" --recommendations "$D/recs.tsv" --truth "$WORK/empty_truth.tsv"
expect_error "K = 0" "" --recommendations "$D/recs.tsv" --truth "$D/truth.tsv" --k 0

echo "evaluate_cli: $cases cases match the reference within 1e-9; CLI contract OK"
