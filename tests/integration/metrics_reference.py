#!/usr/bin/python3
"""Independent reference for `tokrec evaluate`, written from docs/metrics.md.

Plain Python (no numpy), deliberately naive: every metric is computed by its
own loop straight from its definition, user by user.

    metrics_reference.py RECS.tsv TRUTH.tsv --k 5,10 [--catalog-size N]

Prints one JSON object with the same keys as `tokrec evaluate --json`.
"""
import argparse
import json
import math
import sys


def read_recommendations(path):
    """user -> list of items, ordered by rank; equal ranks keep file order."""
    rows = {}
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, 1):
            line = raw.rstrip(b"\n").rstrip(b"\r")
            if not line:
                continue
            cols = line.split(b"\t")
            if len(cols) != 3:
                sys.exit(f"{path} line {line_no}: expected 3 columns")
            user, item, rank = cols
            rows.setdefault(user, []).append((int(rank), line_no, item))
    # Sorting on (rank, line number) = stable by file order.
    return {u: [item for _, _, item in sorted(r)] for u, r in rows.items()}


def read_truth(path):
    """user -> {item: relevance}; rows <= 0 dropped; duplicates keep the max."""
    truth = {}
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, 1):
            line = raw.rstrip(b"\n").rstrip(b"\r")
            if not line:
                continue
            cols = line.split(b"\t")
            if len(cols) == 2:
                rel = 1.0
            elif len(cols) == 3:
                rel = float(cols[2])
            else:
                sys.exit(f"{path} line {line_no}: expected 2 or 3 columns")
            if rel <= 0:
                continue
            items = truth.setdefault(cols[0], {})
            items[cols[1]] = max(rel, items.get(cols[1], rel))
    return {u: items for u, items in truth.items() if items}


def hits_in_top(ranked, test, k):
    """1-based positions (<= k) holding a test item seen for the first time."""
    seen = set()
    positions = []
    for pos, item in enumerate(ranked[:k], 1):
        if item in test and item not in seen:
            positions.append(pos)
            seen.add(item)
    return positions, ranked[:k]


def user_metrics(ranked, test, k):
    positions, top = hits_in_top(ranked, test, k)
    n_hits = len(positions)
    precision = n_hits / k
    recall = n_hits / len(test)
    f1 = 0.0 if n_hits == 0 else 2 * precision * recall / (precision + recall)

    dcg = sum(test[top[p - 1]] / math.log2(p + 1) for p in positions)
    best = sorted(test.values(), reverse=True)[: min(k, len(test))]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(best))
    ndcg = dcg / idcg

    ap = 0.0
    for count, p in enumerate(positions, 1):
        ap += count / p
    ap /= min(k, len(test))

    mrr = 1.0 / positions[0] if positions else 0.0
    hit = 1.0 if positions else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "ndcg": ndcg,
            "map": ap, "mrr": mrr, "hit_rate": hit}


def evaluate(recs, truth, ks, catalog_size=0):
    users = sorted(truth)  # users with >= 1 test item
    if catalog_size == 0:
        catalog = set()
        for items in truth.values():
            catalog.update(items)
        for items in recs.values():
            catalog.update(items)
        catalog_size = len(catalog)
    out = {"users": len(users)}
    for k in ks:
        totals = {}
        recommended = set()
        for u in users:
            ranked = recs.get(u, [])
            recommended.update(ranked[:k])
            for name, value in user_metrics(ranked, truth[u], k).items():
                totals[name] = totals.get(name, 0.0) + value
        for name in ("precision", "recall", "f1", "ndcg", "map", "mrr", "hit_rate"):
            out[f"{name}@{k}"] = totals.get(name, 0.0) / len(users)
        out[f"coverage@{k}"] = len(recommended) / catalog_size
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("recommendations")
    ap.add_argument("truth")
    ap.add_argument("--k", default="10")
    ap.add_argument("--catalog-size", type=int, default=0)
    args = ap.parse_args()
    ks = sorted({int(k) for k in args.k.split(",")})
    result = evaluate(read_recommendations(args.recommendations), read_truth(args.truth), ks,
                      args.catalog_size)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
