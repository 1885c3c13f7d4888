#!/usr/bin/python3
"""Golden ids for tokrec's SentencePiece .model loader, from Google's
sentencepiece (Debian python3-sentencepiece; run with /usr/bin/python3).

    /usr/bin/python3 tests/golden/gen/gen_sentencepiece.py

Encoding is sentencepiece's default (spm_encode): ids only, no BOS/EOS, no
sampling. Inputs:
  * the BPE/Unigram generators' texts (manifest.json "inputs", written by
    gen_unigram.js: handwritten + seeded random multilingual lines + edge
    cases), -> <model>.ids
  * the first BOTCHAN_LINES lines of sentencepiece's botchan.txt (read by
    path from the shared data, never copied) -> <model>.botchan.ids
  * decode(encode(x)) of the first texts -> <model>.decoded.json
Models are read from the shared data by path. Writes the "spm" entries of
tests/golden/data/sentencepiece/manifest.json (gen_unigram.js writes the rest).
"""
import json
import os
import sys

import sentencepiece as spm

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SHARED = os.environ.get("TOKREC_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
GOLDEN = os.path.join(ROOT, "tests", "golden", "data")
OUT = os.path.join(GOLDEN, "sentencepiece")
BOTCHAN_LINES = 200
DECODED = 150

MODELS = [
    ("llama2", "tokenizers/llama2/tokenizer.model"),
    ("bpemb-en-100k", "tokenizers/bpemb-en-100k/en.wiki.bpe.vs100000.model"),
    ("test_model", "tokenizers/sentencepiece-test/test_model.model"),
    ("test_ja_model", "tokenizers/sentencepiece-test/test_ja_model.model"),
]
BOTCHAN = "tokenizers/sentencepiece-test/botchan.txt"


def read_lines(path):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def inputs(manifest):
    texts = []
    for spec in manifest["inputs"]:
        path = os.path.join(GOLDEN, spec["file"])
        if path.endswith(".json"):
            with open(path, encoding="utf-8") as f:
                texts.extend(json.load(f))
            continue
        lines = read_lines(path)
        if spec["lines"] != "all":
            lines = lines[: spec["lines"]]
        texts.extend(lines)
    assert len(texts) == manifest["count"], (len(texts), manifest["count"])
    return texts


def main():
    manifest_path = os.path.join(OUT, "manifest.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    texts = inputs(manifest)
    botchan = read_lines(os.path.join(SHARED, BOTCHAN))[:BOTCHAN_LINES]
    manifest["botchan"] = {"file": BOTCHAN, "lines": BOTCHAN_LINES}
    manifest["spm"] = []
    for name, rel in MODELS:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(SHARED, rel))
        for suffix, batch in (("ids", texts), ("botchan.ids", botchan)):
            out = [" ".join(str(i) for i in sp.encode(t)) for t in batch]
            with open(os.path.join(OUT, f"{name}.{suffix}"), "w", encoding="utf-8") as f:
                f.write("\n".join(out) + "\n")
        decoded = [sp.decode(sp.encode(t)) for t in texts[:DECODED]]
        with open(os.path.join(OUT, f"{name}.decoded.json"), "w", encoding="utf-8") as f:
            json.dump(decoded, f, ensure_ascii=False)
            f.write("\n")
        manifest["spm"].append({"name": name, "tokenizer": rel, "reference": f"sentencepiece {spm.__version__}",
                                "decoded": DECODED})
        print(name, file=sys.stderr)
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
