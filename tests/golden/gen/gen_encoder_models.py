#!/usr/bin/python3
"""Small random-weight encoders in the exact Hugging Face layout, and their
reference outputs, for tokrec's encoder parity tests.

Writes tests/golden/data/encoder/:
  sentences.txt             the committed inputs (written here, one per line)
  weights.tsv               token<TAB>weight for the `weighted` pooling
  <model>/config.json, model.safetensors (or shards + index), vocab.txt or
          tokenizer.json     a model folder tokrec must load as is
  <model>/reference.json    ids, last_hidden_state (real positions),
                            pooler_output and every pooling, from the reference
  bert_uncased_shared/, roberta_base_shared/
                            config.json + model.safetensors (fp16) + reference.json
                            only: vocabularies of the shared bert-base-uncased /
                            roberta-base tokenizer.json (not committed; the test
                            copies it in), ids from HF tokenizers (gen_encoder_ids.js)

The reference is an independent forward pass in PyTorch (torch 1.13, no
`transformers` package) that follows transformers' modeling_bert.py,
modeling_roberta.py and modeling_distilbert.py line by line, computed in
float64 from the (fp32 / fp16 / bf16) weights as stored. Tokenization is a
plain-Python BERT basic tokenizer + WordPiece over the vocabulary built here
(the C++ test also checks that tokrec produces the same ids).

The vocabulary is constructed here from the words of the sentences (no
third-party data): special tokens, characters and ##characters, whole words,
and a few sub-word pieces so that WordPiece splits some words.

Usage:
  /usr/bin/python3 tests/golden/gen/gen_encoder_models.py            # goldens
      # (needs node + `npm install` in tests/golden/gen for gen_encoder_ids.js,
      #  and the shared tokenizers in data/cache or ../shared/data)
  /usr/bin/python3 tests/golden/gen/gen_encoder_models.py --bench OUT --shape minilm|bert-base
      # a bigger random model (not committed) + ONNX export + inputs for
      # bench/side_by_side_encoder.sh
"""
import argparse
import json
import math
import os
import struct
import sys
import unicodedata

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "encoder"))

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "",
    "Recommendation systems rank items for each user.",
    "Users who watched this movie also liked the sequel!",
    "Café crème brûlée, naïve résumé.",
    "a",
    "Playing, played, plays: the player replayed the game twice.",
    "推荐系统 recommends items",
    "Token embeddings are pooled into item features (CLS, mean, max).",
    "Numbers like 42, 3.14 and 2024 are split into pieces.",
    "UPPER lower MiXeD case words",
    "An unknownword xylophonequartz appears here?",
    # Longer than every model's position table: exercises truncation.
    " ".join(["the movie was good and the story was great"] * 9),
]

SUBWORDS = ["play", "##ing", "##ed", "##s", "##er", "rec", "##om", "##men", "##d", "##ation",
            "em", "##bed", "##ding", "token", "##ize", "sequ", "##el", "re", "##play"]
SPLIT_WORDS = {"playing", "played", "plays", "player", "replayed", "recommendation",
               "recommends", "embeddings", "sequel"}
CJK_IN_VOCAB = ["推", "荐"]


def is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(ch):
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


def basic_tokenize(text):
    """BertNormalizer(lowercase, strip accents, CJK spacing) + BertPreTokenizer."""
    text = "".join(" %s " % c if is_cjk(c) else c for c in text)
    text = text.lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    words = []
    for w in text.split():
        cur = ""
        for c in w:
            if is_punct(c):
                if cur:
                    words.append(cur)
                words.append(c)
                cur = ""
            else:
                cur += c
        if cur:
            words.append(cur)
    return words


def wordpiece(word, vocab):
    if len(word) > 100:
        return ["[UNK]"]
    out, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            piece = word[start:end]
            if start > 0:
                piece = "##" + piece
            if piece in vocab:
                cur = piece
                break
            end -= 1
        if cur is None:
            return ["[UNK]"]
        out.append(cur)
        start = end
    return out


def build_vocab(specials):
    tokens = list(specials)
    chars = [chr(c) for c in range(33, 127) if not chr(c).isupper()]
    tokens += chars + ["##" + c for c in chars if c.isalnum()]
    for t in CJK_IN_VOCAB + SUBWORDS:
        if t not in tokens:
            tokens.append(t)
    words = []
    for s in SENTENCES:
        for w in basic_tokenize(s):
            if w not in SPLIT_WORDS and w not in ("unknownword", "xylophonequartz") and not is_cjk(w[0]):
                words.append(w)
    for w in sorted(set(words)):
        if w not in tokens:
            tokens.append(w)
    return tokens


def encode(text, vocab_list, max_len, cls="[CLS]", sep="[SEP]"):
    vocab = {t: i for i, t in enumerate(vocab_list)}
    pieces = []
    for w in basic_tokenize(text):
        pieces += wordpiece(w, vocab)
    pieces = pieces[: max_len - 2]
    return [vocab[cls]] + [vocab[p] for p in pieces] + [vocab[sep]]


# ---------------------------------------------------------------- safetensors
def write_safetensors(path, tensors):
    """tensors: list of (name, np.ndarray float32/float16/uint16-as-bf16, dtype)"""
    header, blobs, offset = {}, [], 0
    for name, arr, dtype in tensors:
        data = np.ascontiguousarray(arr).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def to_storage(arr, dtype):
    """Round fp32 weights to the stored dtype; return (stored array, value as float64)."""
    if dtype == "F32":
        a = arr.astype(np.float32)
        return a, a.astype(np.float64)
    if dtype == "F16":
        a = arr.astype(np.float16)
        return a, a.astype(np.float64)
    if dtype == "BF16":
        bits = arr.astype(np.float32).view(np.uint32)
        # round to nearest even, as torch's .to(torch.bfloat16)
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
        back = (rounded.astype(np.uint32) << 16).view(np.float32)
        return rounded, back.astype(np.float64)
    raise ValueError(dtype)


# ------------------------------------------------------------ random weights
def random_weights(arch, cfg, rng):
    """Base-model tensors with HF names (no prefix), float32."""
    H = cfg["hidden"]
    I = cfg["inter"]
    W = {}

    def lin(name, out, inp, std=None):
        std = std if std is not None else 1.0 / math.sqrt(inp)
        W[name + ".weight"] = rng.normal(0, std, (out, inp))
        W[name + ".bias"] = rng.normal(0, 0.1, (out,))

    def ln(name):
        W[name + ".weight"] = 1.0 + rng.normal(0, 0.2, (H,))
        W[name + ".bias"] = rng.normal(0, 0.1, (H,))

    W["embeddings.word_embeddings.weight"] = rng.normal(0, 1.0, (cfg["vocab"], H))
    W["embeddings.position_embeddings.weight"] = rng.normal(0, 0.5, (cfg["max_pos"], H))
    ln("embeddings.LayerNorm")
    if arch == "distilbert":
        for i in range(cfg["layers"]):
            p = "transformer.layer.%d." % i
            for n in ("q_lin", "k_lin", "v_lin", "out_lin"):
                lin(p + "attention." + n, H, H, std=2.0 / math.sqrt(H) if n in ("q_lin", "k_lin") else None)
            ln(p + "sa_layer_norm")
            lin(p + "ffn.lin1", I, H)
            lin(p + "ffn.lin2", H, I)
            ln(p + "output_layer_norm")
    else:
        W["embeddings.token_type_embeddings.weight"] = rng.normal(0, 0.5, (cfg["type_vocab"], H))
        for i in range(cfg["layers"]):
            p = "encoder.layer.%d." % i
            for n in ("query", "key", "value"):
                lin(p + "attention.self." + n, H, H, std=2.0 / math.sqrt(H) if n != "value" else None)
            lin(p + "attention.output.dense", H, H)
            ln(p + "attention.output.LayerNorm")
            lin(p + "intermediate.dense", I, H)
            lin(p + "output.dense", H, I)
            ln(p + "output.LayerNorm")
        if cfg.get("pooler", True):
            lin("pooler.dense", H, H)
    return {k: v.astype(np.float32) for k, v in W.items()}


def hf_config(arch, cfg):
    if arch == "distilbert":
        return {"architectures": ["DistilBertModel"], "model_type": "distilbert", "vocab_size": cfg["vocab"],
                "dim": cfg["hidden"], "n_layers": cfg["layers"], "n_heads": cfg["heads"],
                "hidden_dim": cfg["inter"], "activation": cfg["act"], "max_position_embeddings": cfg["max_pos"],
                "pad_token_id": cfg["pad"], "dropout": 0.1, "attention_dropout": 0.1,
                "sinusoidal_pos_embds": False, "initializer_range": 0.02, "torch_dtype": "float32"}
    c = {"architectures": [cfg.get("arch_name", "BertModel" if arch == "bert" else "RobertaModel")],
         "model_type": "bert" if arch == "bert" else "roberta", "vocab_size": cfg["vocab"],
         "hidden_size": cfg["hidden"], "num_hidden_layers": cfg["layers"],
         "num_attention_heads": cfg["heads"], "intermediate_size": cfg["inter"], "hidden_act": cfg["act"],
         "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
         "max_position_embeddings": cfg["max_pos"], "type_vocab_size": cfg["type_vocab"],
         "initializer_range": 0.02, "layer_norm_eps": cfg["eps"], "pad_token_id": cfg["pad"],
         "position_embedding_type": "absolute", "torch_dtype": "float32"}
    if arch == "roberta":
        c["bos_token_id"], c["eos_token_id"] = 0, 2
    return c


# ------------------------------------------------------- reference forward
class Reference(torch.nn.Module):
    """transformers' BertModel / RobertaModel / DistilBertModel forward (eval)."""

    def __init__(self, arch, cfg, weights, dtype=torch.float64):
        super().__init__()
        self.arch, self.cfg = arch, cfg
        self.w = {k: torch.tensor(np.asarray(v), dtype=dtype) for k, v in weights.items()}
        for i, (k, v) in enumerate(self.w.items()):
            self.register_buffer("w%d" % i, v)  # so that ONNX export sees constants
        self.dtype = dtype

    def lin(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def ln(self, x, name, eps):
        return torch.nn.functional.layer_norm(x, (self.cfg["hidden"],), self.w[name + ".weight"],
                                              self.w[name + ".bias"], eps)

    def act(self, x):
        a = self.cfg["act"]
        if a == "gelu":
            return torch.nn.functional.gelu(x)
        if a in ("gelu_new", "gelu_pytorch_tanh"):
            return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
        if a == "relu":
            return torch.relu(x)
        raise ValueError(a)

    def forward(self, input_ids, attention_mask, token_type_ids):
        cfg, arch = self.cfg, self.arch
        B, T = input_ids.shape
        H, nh = cfg["hidden"], cfg["heads"]
        d = H // nh
        eps = 1e-12 if arch == "distilbert" else cfg["eps"]
        if arch == "roberta":
            # create_position_ids_from_input_ids
            m = input_ids.ne(cfg["pad"]).int()
            pos = (torch.cumsum(m, dim=1).type_as(m) * m).long() + cfg["pad"]
        else:
            pos = torch.arange(T).unsqueeze(0).expand(B, T)
        x = torch.nn.functional.embedding(input_ids, self.w["embeddings.word_embeddings.weight"])
        if arch != "distilbert":
            x = x + torch.nn.functional.embedding(token_type_ids, self.w["embeddings.token_type_embeddings.weight"])
        x = x + torch.nn.functional.embedding(pos, self.w["embeddings.position_embeddings.weight"])
        x = self.ln(x, "embeddings.LayerNorm", eps)
        minval = torch.finfo(self.dtype).min
        ext = (1.0 - attention_mask[:, None, None, :].to(self.dtype)) * minval

        def heads(t):
            return t.view(B, T, nh, d).transpose(1, 2)

        for i in range(cfg["layers"]):
            if arch == "distilbert":
                p = "transformer.layer.%d." % i
                q = heads(self.lin(x, p + "attention.q_lin")) / math.sqrt(d)
                k = heads(self.lin(x, p + "attention.k_lin"))
                v = heads(self.lin(x, p + "attention.v_lin"))
                scores = q @ k.transpose(2, 3)
                mask = (attention_mask == 0).view(B, 1, 1, T).expand_as(scores)
                scores = scores.masked_fill(mask, minval)
                probs = torch.softmax(scores, dim=-1)
                ctx = (probs @ v).transpose(1, 2).reshape(B, T, H)
                x = self.ln(self.lin(ctx, p + "attention.out_lin") + x, p + "sa_layer_norm", eps)
                f = self.lin(self.act(self.lin(x, p + "ffn.lin1")), p + "ffn.lin2")
                x = self.ln(f + x, p + "output_layer_norm", eps)
            else:
                p = "encoder.layer.%d." % i
                q = heads(self.lin(x, p + "attention.self.query"))
                k = heads(self.lin(x, p + "attention.self.key"))
                v = heads(self.lin(x, p + "attention.self.value"))
                scores = q @ k.transpose(-1, -2) / math.sqrt(d) + ext
                probs = torch.softmax(scores, dim=-1)
                ctx = (probs @ v).permute(0, 2, 1, 3).reshape(B, T, H)
                x = self.ln(self.lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm", eps)
                inter = self.act(self.lin(x, p + "intermediate.dense"))
                x = self.ln(self.lin(inter, p + "output.dense") + x, p + "output.LayerNorm", eps)
        if "pooler.dense.weight" in self.w:
            pooled = torch.tanh(self.lin(x[:, 0], "pooler.dense"))
        else:
            pooled = torch.zeros(B, H, dtype=self.dtype)
        return x, pooled


def poolings(hidden, pooled, ids, mask, specials, token_weight):
    """cls / mean / max over the mask (specials included), pooler, weighted."""
    out = {"cls": [], "mean": [], "max": [], "pooler": [], "weighted": [], "mean_normalized": [],
           "weighted_normalized": []}

    def normalize(v):
        return v / max(np.linalg.norm(v), 1e-12)

    for b in range(hidden.shape[0]):
        m = mask[b].astype(bool)
        h = hidden[b][m]
        out["cls"].append(hidden[b][0])
        mean = h.sum(0) / max(m.sum(), 1e-9)
        out["mean"].append(mean)
        out["max"].append(h.max(0))
        out["pooler"].append(pooled[b])
        w = np.array([0.0 if (t in specials or not mm) else token_weight.get(t, 0.0)
                      for t, mm in zip(ids[b], mask[b])])
        ws = (w[:, None] * hidden[b]).sum(0) / w.sum() if w.sum() > 0 else np.zeros(hidden.shape[2])
        out["weighted"].append(ws)
        out["mean_normalized"].append(normalize(mean))
        out["weighted_normalized"].append(normalize(ws))
    return out


def fmt(a):
    return [float("%.8g" % v) for v in np.asarray(a, dtype=np.float64).ravel()]


# ------------------------------------------------------------------ models
SMALL = {"hidden": 32, "layers": 2, "heads": 4, "inter": 64, "max_pos": 64, "type_vocab": 2,
         "eps": 1e-12, "act": "gelu", "pad": 0}

BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# RoBERTa semantics on a WordPiece vocabulary: <s>, <pad>, </s>, <unk> order so
# that pad_token_id = 1 and positions start at 2.
ROBERTA_SPECIALS = ["[CLS]", "[PAD]", "[SEP]", "[UNK]", "[MASK]"]

MODELS = [
    # name, arch, config overrides, options
    ("bert", "bert", {}, {"tokenizer": "vocab.txt"}),
    ("bert_prefixed", "bert", {"arch_name": "BertForMaskedLM"},
     {"prefix": "bert.", "tokenizer": "tokenizer.json", "extra_head": True}),
    ("bert_gelu_new_eps", "bert", {"act": "gelu_new", "eps": 1e-5}, {"tokenizer": "vocab.txt"}),
    ("bert_fp16", "bert", {}, {"dtype": "F16", "tokenizer": "vocab.txt"}),
    ("bert_legacy_sharded", "bert", {"act": "gelu_pytorch_tanh"},
     {"gamma": True, "shards": 2, "dtype": "BF16", "tokenizer": "vocab.txt"}),
    ("roberta", "roberta", {"pad": 1, "max_pos": 66, "type_vocab": 1, "eps": 1e-5},
     {"prefix": "roberta.", "tokenizer": "vocab.txt", "specials": ROBERTA_SPECIALS}),
    ("distilbert", "distilbert", {"pooler": False}, {"tokenizer": "vocab.txt"}),
]


def tokenizer_json(vocab_list):
    v = {t: i for i, t in enumerate(vocab_list)}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": v[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in BERT_SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                      {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                                    {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                                    {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [v["[CLS]"]], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [v["[SEP]"]], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": v},
    }


def token_weights(vocab_list):
    """Deterministic idf-like weights for word tokens; some tokens left out."""
    w = {}
    for i, t in enumerate(vocab_list):
        if i % 7 == 3:
            continue  # no weight: counts 0
        w[t] = round(0.5 + (i * 37 % 11) / 4.0, 3)
    return w


def write_model(name, arch, over, opt, rng):
    cfg = dict(SMALL)
    cfg.update(over)
    specials = opt.get("specials", BERT_SPECIALS)
    vocab_list = build_vocab(specials)
    cfg["vocab"] = len(vocab_list)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    W32 = random_weights(arch, cfg, rng)
    dtype = opt.get("dtype", "F32")
    stored, exact = {}, {}
    for k, v in W32.items():
        # bf16 for the embeddings only in the mixed checkpoint; everything else as `dtype`
        dt = dtype if not (dtype == "BF16" and not k.startswith("embeddings.")) else "F32"
        s, e = to_storage(v, dt)
        stored[k] = (s, dt)
        exact[k] = e
    prefix = opt.get("prefix", "")
    tensors = []
    for k in sorted(stored):
        fname = k
        if opt.get("gamma") and "LayerNorm" in k:
            fname = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        tensors.append((prefix + fname, stored[k][0], stored[k][1]))
    if opt.get("extra_head"):
        tensors.append(("cls.predictions.bias", np.zeros(cfg["vocab"], np.float32), "F32"))
    shards = opt.get("shards", 1)
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), tensors)
    else:
        weight_map, total = {}, 0
        per = (len(tensors) + shards - 1) // shards
        for s in range(shards):
            fn = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
            part = tensors[s * per:(s + 1) * per]
            write_safetensors(os.path.join(d, fn), part)
            for t in part:
                weight_map[t[0]] = fn
                total += t[1].nbytes
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(hf_config(arch, cfg), f, indent=2)
    if opt["tokenizer"] == "vocab.txt":
        with open(os.path.join(d, "vocab.txt"), "w") as f:
            f.write("\n".join(vocab_list) + "\n")
    else:
        with open(os.path.join(d, "tokenizer.json"), "w") as f:
            json.dump(tokenizer_json(vocab_list), f, ensure_ascii=False)

    # Reference on one padded batch of all sentences.
    max_tokens = cfg["max_pos"] - (cfg["pad"] + 1 if arch == "roberta" else 0)
    cls_tok, sep_tok = "[CLS]", "[SEP]"  # by name in both special-token orders
    ids = [encode(s, vocab_list, max_tokens, cls_tok, sep_tok) for s in SENTENCES]
    T = max(len(x) for x in ids)
    B = len(ids)
    input_ids = torch.full((B, T), cfg["pad"], dtype=torch.long)
    mask = torch.zeros((B, T), dtype=torch.long)
    for b, x in enumerate(ids):
        input_ids[b, : len(x)] = torch.tensor(x)
        mask[b, : len(x)] = 1
    ref = Reference(arch, cfg, exact)
    with torch.no_grad():
        hidden, pooled = ref(input_ids, mask, torch.zeros_like(input_ids))
    hidden, pooled = hidden.numpy(), pooled.numpy()
    vocab = {t: i for i, t in enumerate(vocab_list)}
    special_ids = {vocab[t] for t in specials}
    tw = {vocab[t]: w for t, w in token_weights(vocab_list).items()}
    pools = poolings(hidden, pooled, input_ids.numpy(), mask.numpy(), special_ids, tw)
    has_pooler = "pooler.dense.weight" in W32
    reference = {
        "model": name, "architecture": arch, "hidden_size": cfg["hidden"], "max_tokens": max_tokens,
        "ids": ids,
        "last_hidden_state": [fmt(hidden[b, : len(ids[b])]) for b in range(B)],
        "pooler_output": [fmt(pooled[b]) for b in range(B)] if has_pooler else None,
        "pooled": {k: [fmt(r) for r in v] for k, v in pools.items() if has_pooler or k != "pooler"},
    }
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
    return vocab_list


def main_golden():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "sentences.txt"), "w") as f:
        f.write("\n".join(SENTENCES) + "\n")
    rng = np.random.default_rng(20240601)
    vocab_list = None
    for name, arch, over, opt in MODELS:
        v = write_model(name, arch, over, opt, rng)
        if arch == "bert" and vocab_list is None:
            vocab_list = v
        print("wrote", name, file=sys.stderr)
    # weights.tsv: token strings are the same in every model's vocabulary.
    with open(os.path.join(OUT, "weights.tsv"), "w") as f:
        for t, w in token_weights(vocab_list).items():
            f.write("%s\t%s\n" % (t, w))
    # Separate seed: the models above stay byte-identical.
    rng = np.random.default_rng(20261128)
    for name, arch, folder, over in SHARED_MODELS:
        write_shared_model(name, arch, folder, over, rng)
        print("wrote", name, file=sys.stderr)


# ------------------------------------------ models on the shared tokenizers
# Random weights in the exact HF layout whose vocabulary is a real tokenizer's:
# only config.json, model.safetensors and reference.json are committed; the
# test copies the shared tokenizer.json next to them. Reference ids come from
# the HF tokenizers Rust core (gen_encoder_ids.js), independent of tokrec.
SHARED_MODELS = [
    # name, arch, tokenizer folder, config overrides
    ("bert_uncased_shared", "bert", "bert-base-uncased",
     {"vocab": 30522, "hidden": 16, "heads": 2, "max_pos": 128, "pad": 0}),
    ("roberta_base_shared", "roberta", "roberta-base",
     {"vocab": 50265, "hidden": 16, "heads": 2, "max_pos": 130, "pad": 1, "type_vocab": 1, "eps": 1e-5}),
]


def shared_tokenizer(folder):
    root = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
    for base in (os.environ.get("TOKREC_CACHE_DATA", os.path.join(root, "data", "cache")),
                 os.environ.get("TOKREC_SHARED_DATA", os.path.join(root, "..", "shared", "data"))):
        path = os.path.join(base, "tokenizers", folder, "tokenizer.json")
        if os.path.exists(path):
            return path
    raise FileNotFoundError("tokenizers/%s/tokenizer.json (run scripts/fetch-data.sh)" % folder)


def write_shared_model(name, arch, folder, over, rng):
    import subprocess
    cfg = dict(SMALL)
    cfg.update(over)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    out = subprocess.run(["node", os.path.join(HERE, "gen_encoder_ids.js"), shared_tokenizer(folder)],
                         check=True, capture_output=True, text=True).stdout
    ids = json.loads(out)["ids"]
    assert len(ids) == len(SENTENCES)
    max_tokens = cfg["max_pos"] - (cfg["pad"] + 1 if arch == "roberta" else 0)
    assert all(len(x) <= max_tokens for x in ids), "a sentence needs truncation"
    assert all(0 <= i < cfg["vocab"] for x in ids for i in x)
    W32 = random_weights(arch, cfg, rng)
    stored, exact = {}, {}
    for k, v in W32.items():
        stored[k], exact[k] = to_storage(v, "F16")
    write_safetensors(os.path.join(d, "model.safetensors"), [(k, stored[k], "F16") for k in sorted(stored)])
    c = hf_config(arch, cfg)
    c["torch_dtype"] = "float16"
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(c, f, indent=2)
    T, B = max(len(x) for x in ids), len(ids)
    input_ids = torch.full((B, T), cfg["pad"], dtype=torch.long)
    mask = torch.zeros((B, T), dtype=torch.long)
    for b, x in enumerate(ids):
        input_ids[b, : len(x)] = torch.tensor(x)
        mask[b, : len(x)] = 1
    with torch.no_grad():
        hidden, pooled = Reference(arch, cfg, exact)(input_ids, mask, torch.zeros_like(input_ids))
    hidden, pooled = hidden.numpy(), pooled.numpy()
    pools = poolings(hidden, pooled, input_ids.numpy(), mask.numpy(), set(), {})
    has_pooler = "pooler.dense.weight" in W32
    keep = ["cls", "mean", "max", "mean_normalized"] + (["pooler"] if has_pooler else [])
    reference = {
        "model": name, "architecture": arch, "tokenizer": folder, "hidden_size": cfg["hidden"],
        "max_tokens": max_tokens, "ids": ids,
        "last_hidden_state": [fmt(hidden[b, : len(ids[b])]) for b in range(B)],
        "pooler_output": [fmt(pooled[b]) for b in range(B)] if has_pooler else None,
        "pooled": {k: [fmt(r) for r in pools[k]] for k in keep},
    }
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))


# ------------------------------------------------------------------- bench
SHAPES = {"minilm": {"hidden": 384, "layers": 6, "heads": 12, "inter": 1536},
          "bert-base": {"hidden": 768, "layers": 12, "heads": 12, "inter": 3072}}


def main_bench(out, shape, batch, length, batches):
    os.makedirs(out, exist_ok=True)
    cfg = dict(SMALL)
    cfg.update(SHAPES[shape])
    cfg["max_pos"] = 512
    vocab_list = build_vocab(BERT_SPECIALS)
    cfg["vocab"] = len(vocab_list)
    rng = np.random.default_rng(7)
    W = random_weights("bert", cfg, rng)
    write_safetensors(os.path.join(out, "model.safetensors"), [(k, W[k], "F32") for k in sorted(W)])
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(hf_config("bert", cfg), f, indent=2)
    with open(os.path.join(out, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab_list) + "\n")
    # Inputs: lines of whole vocabulary words, each exactly `length` tokens with [CLS]/[SEP].
    words = [t for t in vocab_list if t.isalpha() and t.islower() and len(t) > 2]
    lines = [" ".join(rng.choice(words, length - 2)) for _ in range(batch * batches)]
    with open(os.path.join(out, "inputs.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    ids = [encode(s, vocab_list, length) for s in lines]
    assert all(len(x) == length for x in ids)
    with open(os.path.join(out, "ids.json"), "w") as f:
        json.dump({"batch": batch, "length": length, "ids": ids}, f)
    model = Reference("bert", cfg, W, dtype=torch.float32).eval()
    x = torch.tensor(ids[:batch])
    torch.onnx.export(model, (x, torch.ones_like(x), torch.zeros_like(x)), os.path.join(out, "model.onnx"),
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["last_hidden_state", "pooler_output"],
                      dynamic_axes={n: {0: "batch", 1: "seq"} for n in ["input_ids", "attention_mask", "token_type_ids"]},
                      opset_version=14, do_constant_folding=True)
    print("bench model written to", out, file=sys.stderr)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", help="output folder for a benchmark model (not committed)")
    ap.add_argument("--shape", default="minilm", choices=sorted(SHAPES))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--length", type=int, default=128)
    ap.add_argument("--batches", type=int, default=4)
    a = ap.parse_args()
    torch.manual_seed(0)
    if a.bench:
        main_bench(a.bench, a.shape, a.batch, a.length, a.batches)
    else:
        main_golden()
