#!/usr/bin/python3
"""Golden ids for LoadOptions::add_bos / add_eos (`tokrec tokenize --add-bos
--add-eos`) on SentencePiece .model files, from Google's sentencepiece
(Debian python3-sentencepiece; run with /usr/bin/python3):

    /usr/bin/python3 tests/golden/gen/gen_bos_eos.py

For every model and text below: encode(text, add_bos=..., add_eos=...) in the
three modes bos, eos, bos+eos. Models are read from the shared data by path,
never copied. Writes tests/golden/data/sentencepiece/bos_eos.json:
{"texts": [...], "models": {name: {"path": ..., "bos_id": ..., "eos_id": ...,
"bos": [[ids]...], "eos": [...], "bos_eos": [...]}}}.
"""
import json
import os

import sentencepiece as spm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SHARED = os.environ.get("TOKREC_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "tests", "golden", "data", "sentencepiece", "bos_eos.json")

MODELS = [
    ("llama2", "tokenizers/llama2/tokenizer.model"),
    ("bpemb-en-100k", "tokenizers/bpemb-en-100k/en.wiki.bpe.vs100000.model"),
    ("test_model", "tokenizers/sentencepiece-test/test_model.model"),
    ("test_ja_model", "tokenizers/sentencepiece-test/test_ja_model.model"),
]

# Texts written for this test: empty, spaces only, the BOS/EOS strings as
# text (plain text to sentencepiece), mixed scripts.
TEXTS = [
    "",
    " ",
    "Hello world",
    "The Matrix (1999) Action|Sci-Fi",
    "<s> already here </s>",
    "  leading and trailing spaces  ",
    "naïve café, 東京の映画とドラマ",
    "吾輩は猫である。名前はまだ無い。",
    "emoji 🎬🍿 and tabs\tinside",
    "x",
]


def main():
    out = {"generator": "tests/golden/gen/gen_bos_eos.py", "texts": TEXTS, "models": {}}
    for name, rel in MODELS:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(SHARED, rel))
        entry = {"path": rel, "bos_id": sp.bos_id(), "eos_id": sp.eos_id()}
        for mode, bos, eos in (("bos", True, False), ("eos", False, True), ("bos_eos", True, True)):
            entry[mode] = [sp.encode(t, add_bos=bos, add_eos=eos) for t in TEXTS]
        out["models"][name] = entry
        print(name, entry["bos_id"], entry["eos_id"])
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
