#!/usr/bin/python3
"""Golden outputs of scikit-learn's vectorizers on raw text, for tokrec's analyzers,
max_features, hashing and numpy-order tie breaking
(tests/unit/features/vectorizers_golden_test.cc).

Run with Debian's interpreter, which has scikit-learn:
    /usr/bin/python3 tests/golden/gen/gen_vectorizers.py [--stop-words]
Inputs (written for tokrec, committed): tests/golden/data/vectorizers/{corpus,queries}_*.txt,
one document per line ("\\n"), an empty line = an empty document.
Outputs: tests/golden/data/vectorizers/golden_*.json, argsort.json, cli_cases.json
(for tests/integration/tfidf_cli.sh; needs python3-jieba for the jieba cases).
--stop-words also regenerates src/features/stop_words_english.inc from sklearn's list.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.feature_extraction.text import (ENGLISH_STOP_WORDS, HashingVectorizer,
                                             TfidfVectorizer)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(ROOT, "tests", "golden", "data", "vectorizers")


def read_docs(name):
    with open(os.path.join(DATA, name), encoding="utf-8", newline="") as f:
        docs = f.read().split("\n")
    if docs and docs[-1] == "":
        docs.pop()  # the final newline ends the last line
    return docs


def csr(m):
    m = m.tocsr()
    m.sort_indices()
    return {"shape": list(m.shape), "indptr": m.indptr.tolist(), "indices": m.indices.tolist(),
            "data": m.data.tolist()}


# (name, TfidfVectorizer / HashingVectorizer keyword arguments). tokrec's test
# maps each keyword to its own options; "hashing" selects HashingVectorizer.
CASES = [
    ("defaults", {}),
    ("word_ngrams_df_sublinear", dict(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True)),
    ("word_ngrams_1_3_counts", dict(ngram_range=(1, 3), min_df=1, max_df=5)),
    ("word_2_3_nolower", dict(ngram_range=(2, 3), lowercase=False)),
    ("word_stop_english", dict(stop_words="english", ngram_range=(1, 2))),
    ("word_binary_noidf_l1", dict(binary=True, use_idf=False, norm="l1")),
    ("char_1_3_l1_nosmooth", dict(analyzer="char", ngram_range=(1, 3), norm="l1", smooth_idf=False)),
    ("char_2_4_sublinear", dict(analyzer="char", ngram_range=(2, 4), sublinear_tf=True, min_df=2)),
    ("char_wb_2_5", dict(analyzer="char_wb", ngram_range=(2, 5))),
    ("char_wb_1_3_nolower_none", dict(analyzer="char_wb", ngram_range=(1, 3), lowercase=False, norm=None)),
    ("char_wb_3_7", dict(analyzer="char_wb", ngram_range=(3, 7), max_df=0.5)),
    ("max_features_10", dict(max_features=10)),
    ("max_features_7_ngrams", dict(max_features=7, ngram_range=(1, 2))),
    ("max_features_25_char", dict(analyzer="char", ngram_range=(1, 2), max_features=25)),
    ("max_features_12_binary", dict(max_features=12, binary=True, min_df=1, max_df=0.8)),
    ("hashing_defaults", dict(hashing=True)),
    ("hashing_64_noalt_l1", dict(hashing=True, n_features=64, alternate_sign=False, norm="l1")),
    ("hashing_16_char_binary", dict(hashing=True, n_features=16, analyzer="char_wb", ngram_range=(2, 3),
                                    binary=True)),
    ("hashing_1000_none", dict(hashing=True, n_features=1000, norm=None, ngram_range=(1, 2))),
]


def golden(corpus, queries, out_name):
    docs, qs = read_docs(corpus), read_docs(queries)
    out = {"generator": "tests/golden/gen/gen_vectorizers.py", "sklearn": sklearn.__version__,
           "numpy": np.__version__, "corpus": corpus, "queries": queries, "cases": []}
    for name, kw in CASES:
        kw = dict(kw)
        hashing = kw.pop("hashing", False)
        case = {"name": name, "hashing": hashing,
                "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}}
        if hashing:
            vec = HashingVectorizer(**kw)
            case["fit"] = csr(vec.transform(docs))
            case["transform"] = csr(vec.transform(qs))
        else:
            vec = TfidfVectorizer(**kw)
            case["fit"] = csr(vec.fit_transform(docs))
            case["vocabulary"] = vec.get_feature_names_out().tolist()
            case["transform"] = csr(vec.transform(qs))
        # The analyzer alone, document by document (order and repeats matter).
        case["analyzed"] = [list(vec.build_analyzer()(d)) for d in qs]
        out["cases"].append(case)
    with open(os.path.join(DATA, out_name), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"{out_name}: {len(out['cases'])} cases")


def argsort_golden():
    # Tie-heavy arrays of -counts, the input of sklearn's _limit_features.
    rng = np.random.default_rng(5)
    cases = []
    for n in [1, 2, 15, 16, 17, 18, 40, 100, 257, 1000, 5000]:
        for k in [1, 3, 50]:
            v = -rng.integers(1, k + 1, size=n).astype(np.float64)
            cases.append({"values": v.tolist(), "argsort": np.argsort(v).tolist()})
    with open(os.path.join(DATA, "argsort.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, indent=0)
        f.write("\n")
    print(f"argsort.json: {len(cases)} cases")


def stop_words():
    words = sorted(ENGLISH_STOP_WORDS)
    lines = ["// scikit-learn's ENGLISH_STOP_WORDS (sklearn %s, sklearn/feature_extraction/_stop_words.py),"
             % sklearn.__version__,
             "// %d words, sorted. Generated by tests/golden/gen/gen_vectorizers.py --stop-words; do not edit."
             % len(words),
             "// The list is scikit-learn's data, BSD-3-Clause: Copyright (c) 2007-2022 The scikit-learn",
             "// developers. It originates from the Glasgow Information Retrieval Group."]
    body, cur = [], "   "
    for w in words:
        item = ' "%s",' % w
        if len(cur) + len(item) > 100:
            body.append(cur)
            cur = "   "
        cur += item
    body.append(cur)
    with open(os.path.join(ROOT, "src", "features", "stop_words_english.inc"), "w") as f:
        f.write("\n".join(lines + body) + "\n")
    print("stop_words_english.inc: %d words" % len(words))


def main():
    np.seterr(all="raise")
    if "--stop-words" in sys.argv:
        stop_words()
    golden("corpus_en.txt", "queries_en.txt", "golden_en.json")
    golden("corpus_mixed.txt", "queries_mixed.txt", "golden_mixed.json")
    argsort_golden()
    cli_golden()


# `tokrec tfidf` command lines (tests/integration/tfidf_cli.sh) and the
# scikit-learn call each must equal. jieba: jieba.lcut (accurate, HMM), no
# lowercasing, whitespace-only words dropped.
CLI_CASES = [
    ("en_defaults", "corpus_en.txt", [], {}),
    ("en_ngrams_df_sublinear", "corpus_en.txt",
     ["--ngram-range", "1,2", "--min-df", "2", "--max-df", "0.9", "--sublinear-tf"],
     dict(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True)),
    ("en_char_l1_nosmooth", "corpus_en.txt",
     ["--analyzer", "char", "--ngram-range", "1,3", "--norm", "l1", "--no-smooth-idf"],
     dict(analyzer="char", ngram_range=(1, 3), norm="l1", smooth_idf=False)),
    ("en_char_wb", "corpus_en.txt", ["--analyzer", "char_wb", "--ngram-range", "2,4"],
     dict(analyzer="char_wb", ngram_range=(2, 4))),
    ("en_max_features", "corpus_en.txt", ["--max-features", "10"], dict(max_features=10)),
    ("en_binary_nonorm", "corpus_en.txt", ["--binary", "--norm", "none", "--max-df", "4"],
     dict(binary=True, norm=None, max_df=4)),
    ("mixed_defaults", "corpus_mixed.txt", [], {}),
    ("mixed_df_props", "corpus_mixed.txt", ["--min-df", "0.1", "--max-df", "3"], dict(min_df=0.1, max_df=3)),
    ("mixed_char_wb_l1", "corpus_mixed.txt", ["--analyzer", "char_wb", "--ngram-range", "1,3", "--norm", "l1"],
     dict(analyzer="char_wb", ngram_range=(1, 3), norm="l1")),
    ("mixed_hashing", "corpus_mixed.txt", ["--hashing", "1024"], dict(hashing=True, n_features=1024)),
    ("en_hashing_noalt", "corpus_en.txt", ["--hashing", "64", "--no-alternate-sign", "--ngram-range", "1,2"],
     dict(hashing=True, n_features=64, alternate_sign=False, ngram_range=(1, 2))),
    ("zh_jieba", "corpus_zh.txt", ["--analyzer", "jieba"], dict(jieba=True)),
    ("zh_jieba_ngrams", "corpus_zh.txt",
     ["--analyzer", "jieba", "--ngram-range", "1,2", "--min-df", "1", "--max-df", "0.5", "--sublinear-tf"],
     dict(jieba=True, ngram_range=(1, 2), max_df=0.5, sublinear_tf=True)),
    ("zh_char_l1", "corpus_zh.txt", ["--analyzer", "char", "--ngram-range", "1,2", "--norm", "l1",
                                     "--no-smooth-idf"],
     dict(analyzer="char", ngram_range=(1, 2), norm="l1", smooth_idf=False)),
]


def cli_golden():
    import jieba
    jieba.setLogLevel(60)

    def jieba_words(doc):
        return [w for w in jieba.lcut(doc) if w.strip()]

    cases = []
    for name, corpus, args, kw in CLI_CASES:
        kw = dict(kw)
        docs = read_docs(corpus)
        if kw.pop("hashing", False):
            m, vocab = HashingVectorizer(**kw).transform(docs), None
        else:
            if kw.pop("jieba", False):
                # sklearn runs word n-grams on a callable tokenizer's output.
                kw.update(tokenizer=jieba_words, lowercase=False, token_pattern=None)
            vec = TfidfVectorizer(**kw)
            m = vec.fit_transform(docs)
            vocab = vec.get_feature_names_out().tolist()
        cases.append({"name": name, "corpus": corpus, "args": args, "vocabulary": vocab, "matrix": csr(m)})
    with open(os.path.join(DATA, "cli_cases.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "tests/golden/gen/gen_vectorizers.py", "sklearn": sklearn.__version__,
                   "cases": cases}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"cli_cases.json: {len(cases)} cases")


if __name__ == "__main__":
    main()
