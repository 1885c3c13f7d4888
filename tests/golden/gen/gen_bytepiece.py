#!/usr/bin/python3
"""Golden ids for tokrec's BytePiece tokenizer.

The reference package (bojone/bytepiece) needs a patched pyahocorasick and
Cython and cannot be installed here, so this script is an independent,
deliberately plain implementation of the reference's documented algorithm
(bytepiece.Tokenizer.encode with its defaults: alpha=-1, no BOS/EOS):

  1. text = unicodedata.normalize('NFC', text)
  2. chunks = re.findall('.*\\n+|.+', text)      (cut after each run of \\n),
     each encoded to UTF-8
  3. per chunk, Viterbi over the bytes: every vocabulary piece b[s:e] is a
     candidate with log-probability log(count) - log(sum of all counts); the
     best score per end position wins, a later candidate only when strictly
     better. The reference's Aho-Corasick automaton reports the pieces ending
     at e longest first, i.e. in increasing s: that is the loop order below,
     so ties go to the candidate with the smallest start.
  4. ids = the file's id of each piece ([id, piece, count][0]).

The models are read from the shared data folder (zip of a JSON
{base64(piece): [id, piece, count]}); only the inputs written below and the
resulting ids are committed. Standard library only:

  /usr/bin/python3 tests/golden/gen/gen_bytepiece.py [--shared ../shared/data]
  /usr/bin/python3 tests/golden/gen/gen_bytepiece.py --bench   # speed of this implementation
"""
import argparse
import base64
import json
import math
import os
import random
import re
import sys
import time
import unicodedata
import zipfile

MODELS = ["bytepiece_80k", "bytepiece.plus.40k", "bytepiece.zh.id.eu.40k"]


def load_model(path):
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if not n.endswith("/")]
        assert len(names) == 1, names
        raw = json.loads(z.read(names[0]).decode("utf-8"))
    pieces = {base64.b64decode(k): v for k, v in raw.items()}
    # Python ints summed exactly, then one log of the total (as the reference).
    log_total = math.log(sum(v[-1] for v in pieces.values()))
    logp = {k: (math.log(v[-1]) if v[-1] > 0 else -math.inf) - log_total for k, v in pieces.items()}
    ids = {k: v[0] for k, v in pieces.items()}
    return logp, ids, max(len(k) for k in pieces)


def chunks(text):
    text = unicodedata.normalize("NFC", text)
    return [t.encode("utf-8") for t in re.findall(".*\n+|.+", text)]


def viterbi(b, logp, maxlen):
    n = len(b)
    score = [0.0] + [-math.inf] * n
    start = [0] * (n + 1)
    for e in range(1, n + 1):
        for s in range(max(0, e - maxlen), e):
            lp = logp.get(b[s:e])
            if lp is None:
                continue
            cand = score[s] + lp
            if cand > score[e]:
                score[e] = cand
                start[e] = s
    pieces = []
    e = n
    while e > 0:
        pieces.append(b[start[e]:e])
        e = start[e]
    return pieces[::-1]


def encode(text, model):
    logp, ids, maxlen = model
    return [ids[p] for c in chunks(text) for p in viterbi(c, logp, maxlen)]


def hand_written_inputs():
    return [
        "",
        "Hello, world!",
        "The quick brown fox jumps over the lazy dog.",
        "今天天气不错，我们去公园散步吧。",
        "BytePiece是一个基于字节的Unigram分词器，压缩率很高。",
        "推荐系统 recommender system 使用 LLM tokens 作为特征 features。",
        "电影《流浪地球2》评分9.2分，票房超过40亿元！",
        "User 12345 rated item 67890 with 4.5 stars on 2024-01-15.",
        "東京は日本の首都です。ひらがなとカタカナ。",
        "안녕하세요, 세계! 한국어 텍스트입니다.",
        "Москва — столица России.",
        "Σίσυφος ὁ λόγος ΑΒΓΔ",
        "مرحبا بالعالم! هذا نص عربي.",
        "שלום עולם",
        "नमस्ते दुनिया, यह हिंदी है।",
        "สวัสดีชาวโลก ภาษาไทย",
        "Tiếng Việt có dấu: Hà Nội, Đà Nẵng.",
        "Bahasa Indonesia: selamat pagi, apa kabar?",
        "Ελληνικά και English και 中文 mixed العربية",
        "Emoji 😀 👍🏽 👨‍👩‍👧‍👦 🇨🇳 🇺🇸 ❤️ done",
        "🤖🤖🤖🤖🤖🤖🤖🤖",
        "cafe\u0301 nai\u0308ve re\u0301sume\u0301",  # decomposed: NFC composes
        "\u212b \u2126 \u00c5",  # Angstrom and Ohm signs: NFC maps them
        "\u1100\u1161\u11a8 \u1112\u1161\u11ab",  # conjoining jamo: NFC composes
        "a\u0323\u0307 q\u0307\u0323 \u1e0b\u0323",  # combining marks reordered by NFC
        "e\u0301\u0301\u0301\u0301",
        "zero\u200bwidth\u200cjoiner\u200dnon\ufeffbreak",
        "\u200b\u200b\u200b",
        "control\x00\x01\x02\x1b[0m\x7f chars",
        "tab\tseparated\tvalues\r\nwindows line\r\n",
        "\n",
        "\n\n\n",
        "line1\nline2\n\nline3\n\n\nline4",
        "\nleading newline",
        "trailing newlines\n\n",
        "\n\n中文\n\nEnglish\n",
        "   leading and trailing spaces   ",
        "multiple     spaces\t\t\ttabs",
        "a" * 3000,
        "中" * 2000,
        "ab" * 1500,
        "Pneumonoultramicroscopicsilicovolcanoconiosis" * 20,
        "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1500)),
        "1234567890" * 50,
        "3.14159265358979323846264338327950288419716939937510",
        "https://www.example.com/path/to/page?query=1&lang=zh#anchor",
        "def f(x):\n    return x ** 2  # comment\n",
        '{"key": "value", "list": [1, 2, 3]}',
        "<pad> <bos> <eos> <s> </s> [CLS] [SEP] <|endoftext|> <unk>",
        "!!!???...,,,;;;:::---___+++===",
        "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ　１２３",
        "∑∫∂√∞≈≠≤≥ ← → ↑ ↓ ∀∃∈∉",
        "\ue000\ue001 private use \U000f0000",
        "replacement \ufffd char and nonchar \uffff",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕄𝕒𝕥𝕙 𝐁𝐨𝐥𝐝",
        "𠀀𠀁𠀂 rare CJK extension B",
        "ﬁ ﬂ ﬀ ligatures ½ ² ㎏",
        "Ｈｅｌｌｏ，世界！　这是全角标点。",
        "「引用」『二重』【括弧】〈山括弧〉",
        "混合English和中文without空格between两种languages",
        "Español: ¿Qué tal? ¡Muy bien! Ñandú",
        "Français: «Ça va?» — oui, très bien.",
        "Deutsch: Straße, Größe, Übermäßig",
        "Türkçe: İstanbul, ığdır, şçöü",
        "Polski: zażółć gęślą jaźń",
        "Nederlands: één, twee, drie",
        "Kiswahili: Habari za asubuhi",
        "ཀ་ཁ་ག Tibetan",
        "ሰላም Amharic",
        "Ꭰ Ꭱ Cherokee",
        "ᠮᠣᠩᠭᠣᠯ Mongolian",
        "\u0915\u094d\u0937 conjunct",
        " ",
        "x",
        "。",
        "\x00",
        "a\nb",
        "\r",
        "\r\n\r\n",
        "end",
    ]


def random_inputs(count, seed):
    rng = random.Random(seed)
    pools = [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会",
        " \n\t,.!?;:'\"()[]{}<>-_/\\|@#$%^&*+=~`",
        "，。！？；：“”‘’（）《》【】、…—",
        "あいうえおかきくけこアイウエオカキクケコ한국어텍스트",
        "абвгдежзийклмнопрстуфхцчшщъыьэюя",
        "αβγδεζηθικλμνξοπρστυφχψω",
        "éèêëàâäîïôöûüçñåøæœß",
        "\u0300\u0301\u0302\u0308\u0323\u0327",
        "\u200b\u200c\u200d\ufeff\u00ad\u2028\u2029",
        "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f",
        "😀😂🤣❤👍🏽🔥✨🎉🇨🇳🇯🇵\u200d♀",
        "𠀀𠀁𝔘𝕄",
        "\n\n\n",
    ]
    out = []
    for _ in range(count):
        length = rng.choice([1, 2, 3, 5, 8, 13, 40, 100, 200])
        k = rng.randint(1, 4)
        chosen = rng.sample(pools, k)
        text = "".join(rng.choice(rng.choice(chosen)) for _ in range(length))
        out.append(text)
    return out


def bench_lines():
    """The Chinese+English text of bench/tokenize_bench.cc (BM_BytePiece80k)."""
    samples = [
        "今天天气不错，我们去公园散步吧。The weather is nice today, let's take a walk in the park.",
        "推荐系统使用大语言模型的token作为物品特征，recommender systems use LLM tokens as item features.",
        "电影《流浪地球》讲述了人类带着地球逃离太阳系的故事，a Chinese science fiction film.",
        "用户对这部电影的评分是4.5分，user 12345 rated movie 67890 with 4.5 stars.",
        "BytePiece是一个基于字节的Unigram分词器，它的压缩率比SentencePiece更高。",
        "Machine learning models need fast tokenizers: 机器学习模型需要快速的分词器。",
        "这家餐厅的菜很好吃，服务也很周到，价格合理，推荐大家去尝试一下。",
        "The quick brown fox jumps over the lazy dog while 敏捷的棕色狐狸跳过了懒狗。",
    ]
    return [samples[i % len(samples)] + " " + str(i) for i in range(5000)]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(root, "tests", "golden", "data", "bytepiece"))
    ap.add_argument("--bench", action="store_true", help="time this implementation on the bench text")
    args = ap.parse_args()
    model_dir = os.path.join(args.shared, "tokenizers", "bytepiece")

    if args.bench:
        model = load_model(os.path.join(model_dir, "bytepiece_80k.zip"))
        lines = bench_lines()
        nbytes = sum(len(l.encode("utf-8")) + 1 for l in lines)
        t0, c0 = time.perf_counter(), time.process_time()
        ntok = sum(len(encode(l, model)) for l in lines)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        print("python plain-Viterbi BytePiece (bytepiece_80k): %d lines, %.2f MB, %d tokens, "
              "wall %.2f s (%.3f MB/s), CPU %.2f s (%.3f MB/s)"
              % (len(lines), nbytes / 1e6, ntok, dt, nbytes / 1e6 / dt, dc, nbytes / 1e6 / dc))
        return

    inputs = hand_written_inputs() + random_inputs(150, 20240607)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "inputs.jsonl"), "w", encoding="ascii") as f:
        for t in inputs:
            f.write(json.dumps(t, ensure_ascii=True) + "\n")
    for name in MODELS:
        model = load_model(os.path.join(model_dir, name + ".zip"))
        with open(os.path.join(args.out, name + ".ids"), "w", encoding="ascii") as f:
            for t in inputs:
                f.write(" ".join(str(i) for i in encode(t, model)) + "\n")
        print("wrote", name, file=sys.stderr)


if __name__ == "__main__":
    main()
