#!/usr/bin/python3
"""Golden outputs for tokrec's TF-IDF (tests/unit/features/tfidf_golden_test.cc)
and for `tokrec similar` (tests/integration/similar_cli.sh), from scikit-learn.

Run with Debian's interpreter, which has scikit-learn:
    /usr/bin/python3 tests/golden/gen/gen_tfidf.py
Inputs (written for tokrec, committed): tests/golden/data/tfidf/{corpus,queries}_*.txt,
one document per line, tokens separated by single spaces, an empty line = a document
with no tokens. Outputs: tests/golden/data/tfidf/golden_*.json and similar_zh.*.
"""
import itertools
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(ROOT, "tests", "golden", "data", "tfidf")


def tokens(doc):
    # Pre-tokenized input: the analyzer only splits on the single spaces we wrote.
    return doc.split(" ") if doc else []


def read_docs(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return f.read().split("\n")[:-1]  # the file ends with a newline


def csr(m):
    m = m.tocsr()
    m.sort_indices()
    return {"indptr": m.indptr.tolist(), "indices": m.indices.tolist(), "data": m.data.tolist()}


def df_value(b):
    # JSON keeps the sklearn distinction: {"count": 2} is int 2, {"proportion": 1.0} is float 1.0.
    return {"count": b} if isinstance(b, int) else {"proportion": b}


def option_grid():
    cases = []
    # Every combination of the weighting options, default df bounds.
    for sub, norm, smooth, use_idf, binary in itertools.product(
            [False, True], ["l2", "l1", None], [True, False], [True, False], [False, True]):
        cases.append(dict(sublinear_tf=sub, norm=norm, smooth_idf=smooth, use_idf=use_idf,
                          binary=binary, min_df=1, max_df=1.0))
    # Document-frequency pruning: ints are counts, floats proportions.
    for min_df, max_df in [(2, 1.0), (1, 3), (2, 5), (0.2, 0.8), (0.0, 0.5), (0.25, 1.0),
                           (1.0, 1.0), (0.3, 0.3), (1, 1), (3, 2), (100, 1.0), (1, 0.01),
                           (0.5, 0.2)]:
        for sub, binary in [(False, False), (True, True)]:
            cases.append(dict(sublinear_tf=sub, norm="l2", smooth_idf=True, use_idf=True,
                              binary=binary, min_df=min_df, max_df=max_df))
    return cases


def golden(corpus_name, queries_name, out_name):
    docs = read_docs(corpus_name)
    queries = read_docs(queries_name)
    out = {"generator": "tests/golden/gen/gen_tfidf.py", "sklearn": sklearn.__version__,
           "corpus": corpus_name, "queries": queries_name, "cases": []}
    for opts in option_grid():
        vec = TfidfVectorizer(analyzer=tokens, lowercase=False, **opts)
        case = {"options": {k: (df_value(v) if k.endswith("_df") else v) for k, v in opts.items()}}
        try:
            fitted = vec.fit_transform(docs)
        except ValueError as e:
            msg = str(e)
            case["error"] = ("max_df_below_min_df" if "max_df corresponds" in msg
                             else "no_terms_after_pruning" if "After pruning" in msg else msg)
            out["cases"].append(case)
            continue
        vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        assert vocab == sorted(vocab)
        case["vocabulary"] = vocab
        case["idf"] = vec.idf_.tolist() if opts["use_idf"] else None
        case["fit"] = csr(fitted)
        case["transform"] = csr(vec.transform(queries))
        out["cases"].append(case)
    with open(os.path.join(DATA, out_name), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"{out_name}: {len(out['cases'])} cases")


# The worked example the project started from: BERT-Chinese tokens (one per
# character for these sentences) -> TfidfVectorizer() -> cosine_similarity.
SIMILAR_ZH = ["我喜欢看电影", "最近天气很好", "我最喜欢的食物是火锅", "这本书非常有趣"]


def similar_zh():
    vocab_path = os.path.join(ROOT, "data", "cache", "tokenizers", "bert-base-chinese", "vocab.txt")
    if os.path.exists(vocab_path):
        # BERT's pre-tokenizer splits CJK characters one by one; each must be a
        # whole WordPiece token for the char-per-token premise to hold.
        with open(vocab_path, encoding="utf-8") as f:
            vocab = set(line.rstrip("\n") for line in f)
        missing = [c for s in SIMILAR_ZH for c in s if c not in vocab]
        assert not missing, f"not in the bert-base-chinese vocabulary: {missing}"
    docs = [" ".join(s) for s in SIMILAR_ZH]
    with open(os.path.join(DATA, "similar_zh.in.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(SIMILAR_ZH) + "\n")
    vec = TfidfVectorizer(analyzer=tokens)
    sim = cosine_similarity(vec.fit_transform(docs))
    with open(os.path.join(DATA, "similar_zh.expected.txt"), "w", encoding="utf-8") as f:
        for row in sim:
            f.write(" ".join("%.6f" % v for v in row) + "\n")
    with open(os.path.join(DATA, "similar_zh.json"), "w", encoding="utf-8") as f:
        json.dump({"sentences": SIMILAR_ZH, "tokens": [tokens(d) for d in docs],
                   "vocabulary": sorted(vec.vocabulary_, key=vec.vocabulary_.get),
                   "cosine": sim.tolist()}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("similar_zh: %dx%d" % sim.shape)


def main():
    if not sklearn.__version__:
        sys.exit("scikit-learn is required")
    np.seterr(all="raise")
    golden("corpus_en.txt", "queries_en.txt", "golden_en.json")
    golden("corpus_zh.txt", "queries_zh.txt", "golden_zh.json")
    similar_zh()


if __name__ == "__main__":
    main()
