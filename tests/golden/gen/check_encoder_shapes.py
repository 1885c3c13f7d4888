#!/usr/bin/python3
"""Parity of `tokrec embed` with the PyTorch reference of gen_encoder_models.py
on shapes the committed goldens do not cover: head sizes 8 to 64 (odd ones
too), MiniLM and BERT-base widths, DistilBERT and RoBERTa, fp16 weights,
sequences up to 218 tokens. Models are written to a temporary folder (not
committed); prints the worst |difference| per output (<= 1e-4 = OK) and the
int8 / bf16 cosine to fp32.

  /usr/bin/python3 tests/golden/gen/check_encoder_shapes.py build/tokrec [MODEL...]
"""
import importlib.util, json, os, subprocess, sys, tempfile
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("gen", os.path.join(HERE, "gen_encoder_models.py"))
gen = importlib.util.module_from_spec(spec); spec.loader.exec_module(gen)
if len(sys.argv) < 2:
    sys.exit(__doc__)
tokrec = sys.argv[1]
OUT = tempfile.mkdtemp(prefix="tokrec-shapes-"); gen.OUT = OUT
long = " ".join(["Recommendation systems rank items for each user and the quick brown fox jumps."] * 12)
gen.SENTENCES = gen.SENTENCES + [long, long[:300], "x " * 70]
shapes = [
    ("b384", "bert", {"hidden": 384, "heads": 12, "inter": 1536, "layers": 2, "max_pos": 512}, {"tokenizer": "vocab.txt"}),
    ("b768", "bert", {"hidden": 768, "heads": 12, "inter": 3072, "layers": 1, "max_pos": 512}, {"tokenizer": "vocab.txt"}),
    ("b72h6", "bert", {"hidden": 72, "heads": 6, "inter": 100, "layers": 2, "max_pos": 300}, {"tokenizer": "tokenizer.json"}),
    ("b40h5", "bert", {"hidden": 40, "heads": 5, "inter": 36, "layers": 3, "max_pos": 512, "act": "gelu_new"}, {"tokenizer": "vocab.txt"}),
    ("d60h3", "distilbert", {"hidden": 60, "heads": 3, "inter": 130, "layers": 2, "max_pos": 512, "pooler": False}, {"tokenizer": "vocab.txt"}),
    ("r48h4", "roberta", {"hidden": 48, "heads": 4, "inter": 96, "layers": 2, "pad": 1, "max_pos": 514, "type_vocab": 1, "eps": 1e-5},
     {"prefix": "roberta.", "tokenizer": "vocab.txt", "specials": gen.ROBERTA_SPECIALS}),
    ("b256h4", "bert", {"hidden": 256, "heads": 4, "inter": 512, "layers": 2, "max_pos": 512}, {"tokenizer": "vocab.txt", "dtype": "F16"}),
]
rng = np.random.default_rng(7)
os.makedirs(OUT, exist_ok=True)
with open(OUT + "/sentences.txt", "w") as f: f.write("\n".join(gen.SENTENCES) + "\n")
for name, arch, over, opt in (shapes if len(sys.argv) < 3 else [s for s in shapes if s[0] in sys.argv[2:]]):
    gen.write_model(name, arch, over, opt, rng)
    d = OUT + "/" + name
    ref = json.load(open(d + "/reference.json"))
    worst = {}
    for pool in ["cls", "mean", "max"] + (["pooler"] if ref["pooler_output"] else []):
        subprocess.run([tokrec, "embed", "--model", d, "--pooling", pool, "--input", OUT + "/sentences.txt",
                        "--output", d + "/o.npy", "--threads", "2"], check=True, capture_output=True)
        got = np.load(d + "/o.npy")
        want = np.array([np.array(r, dtype=np.float64) for r in ref["pooled"][pool]]) if pool != "pooler" else np.array(ref["pooler_output"])
        worst[pool] = float(np.abs(got - want).max())
    subprocess.run([tokrec, "embed", "--model", d, "--pooling", "cls", "--input", OUT + "/sentences.txt",
                    "--output", d + "/o.npy", "--output-hidden", d + "/h.npy", "--threads", "2"], check=True, capture_output=True)
    h = np.load(d + "/h.npy"); hw = 0.0
    for b, ids in enumerate(ref["ids"]):
        hw = max(hw, float(np.abs(h[b, :len(ids)] - np.array(ref["last_hidden_state"][b]).reshape(len(ids), -1)).max()))
    worst["hidden"] = hw
    cos = []
    for dt in ["int8", "bf16"]:
        subprocess.run([tokrec, "embed", "--model", d, "--pooling", "mean", "--dtype", dt, "--input", OUT + "/sentences.txt",
                        "--output", d + "/q.npy", "--threads", "2"], check=True, capture_output=True)
        q = np.load(d + "/q.npy")
        subprocess.run([tokrec, "embed", "--model", d, "--pooling", "mean", "--input", OUT + "/sentences.txt",
                        "--output", d + "/f.npy", "--threads", "2"], check=True, capture_output=True)
        f = np.load(d + "/f.npy")
        c = (q * f).sum(1) / (np.linalg.norm(q, axis=1) * np.linalg.norm(f, axis=1) + 1e-30)
        cos.append("%s min cos %.5f" % (dt, c.min()))
    print(name, "max tokens", max(len(x) for x in ref["ids"]), {k: "%.1e" % v for k, v in worst.items()}, "OK" if max(worst.values()) <= 1e-4 else "FAIL", "; ".join(cos), flush=True)
import shutil; shutil.rmtree(OUT)
