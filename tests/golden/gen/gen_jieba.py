#!/usr/bin/python3
"""Golden outputs of python3-jieba 0.42.1 for tokrec's segment module.

Run with Debian's /usr/bin/python3 (python3-jieba installed):

    /usr/bin/python3 tests/golden/gen/gen_jieba.py [CACHE_DIR]

Writes tests/golden/data/jieba/:
  heldout.jsonl     inputs written here (hand-written sentences + seeded random
                    mixes with English, digits, full-width forms, emoji, HTML,
                    whitespace incl. U+3000/tabs/\\r\\n) and jieba's outputs
  shared.jsonl      outputs for every line of the shared cppjieba test data;
                    the third-party inputs are NOT stored, only their file name
                    and line number (tests read the text from the data cache)
  userdict.jsonl    outputs after dictionary edits (user_dict.txt below, the
                    cppjieba userdict, add_word/del_word/suggest_freq)
  user_dict.txt     a user dictionary written here (committed input)

Each record holds: accurate, accurate_nohmm, full, search, search_nohmm,
pos, pos_nohmm (word, tag pairs), tfidf / tfidf_pos / textrank ((word,
weight) pairs, topK=20), and for held-out text tokenize / tokenize_search.
"""
import json
import os
import random
import sys

import jieba
import jieba.analyse
import jieba.posseg

jieba.setLogLevel(60)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(ROOT, "tests", "golden", "data", "jieba")
CACHE = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "TOKREC_CACHE_DATA", os.path.join(ROOT, "data", "cache"))
SHARED_FILES = ["zh/cppjieba/testdata/review.100", "zh/cppjieba/testdata/testlines.utf8"]

# Hand-written held-out text (product titles, reviews, news-like sentences).
SENTENCES = [
    "这款无线蓝牙耳机音质清晰，续航时间长达三十个小时，性价比很高。",
    "小米手机充电器快充版，支持多种型号，包邮到家。",
    "物流很快，第二天就收到了，包装完好无损，客服态度也不错。",
    "衣服颜色和图片上差不多，面料摸起来很舒服，就是尺码偏小一点。",
    "今天上午，市政府召开新闻发布会，介绍了城市交通改善计划。",
    "研究人员发现，每天坚持散步半小时有助于降低血压。",
    "我们在杭州西湖边喝了一杯龙井茶，风景非常美丽。",
    "这部电影的剧情一般，但是演员的表演相当出色。",
    "推荐系统根据用户的历史行为预测他们可能喜欢的商品。",
    "深度学习模型需要大量标注数据才能取得较好的效果。",
    "周末带孩子去动物园看了大熊猫和长颈鹿，孩子玩得很开心。",
    "这家餐厅的红烧肉肥而不腻，服务员上菜速度也快。",
    "新款笔记本电脑搭载最新处理器，重量不到一点三公斤。",
    "北京故宫博物院今年推出了多场文物特展，吸引众多游客参观。",
    "张伟和李娜在上海浦东新区开了一家咖啡店。",
    "价格实惠，质量一般般吧，凑合着用还行。",
    "快递员送货上门，还帮忙把箱子搬到了楼上，非常感谢。",
    "洗发水味道清香，用完头发柔顺不打结，会回购的。",
    "气象台发布暴雨蓝色预警，提醒市民注意出行安全。",
    "他毕业于南京大学计算机系，目前在一家互联网公司担任工程师。",
    "这本书讲述了一个普通家庭三代人的奋斗故事，读来令人感动。",
    "买给爸妈的按摩椅，老人家用了都说好，就是体积有点大。",
    "足球比赛进行到第八十分钟时，主队终于攻入了制胜一球。",
    "手机壳做工精细，边缘没有毛刺，手感很好。",
    "科学家利用卫星数据监测全球森林覆盖面积的变化。",
    "口红颜色很正，显白，持久度一般，喝水会掉色。",
    "高铁从武汉到广州只需要四个小时左右，非常方便。",
    "乒乓球拍是朋友推荐的，弹性好，适合初学者练习。",
    "人工智能技术正在改变医疗、教育和金融等多个行业。",
    "奶粉是正品，宝宝很爱喝，生产日期也很新鲜。",
    "王小明同学在全国中学生数学竞赛中获得一等奖。",
    "冰箱制冷效果不错，噪音很小，放在客厅也不影响休息。",
    "春节前夕，火车站人山人海，大家都急着回家团圆。",
    "这个沙发坐久了腰不舒服，退货流程还挺麻烦的。",
    "台风过后，志愿者们自发组织清理街道上的垃圾。",
    "耐克运动鞋穿着轻便透气，跑步的时候脚不累。",
    "博物馆里展出的青铜器距今已有三千多年的历史。",
    "用户评论中经常出现好评、差评、追评等字眼。",
    "公司第三季度营业收入同比增长百分之十二。",
    "茶叶罐密封性很好，送人也很有面子。",
]
ENGLISH = ["iPhone", "WiFi", "USB-C", "Apple", "GPU", "OK", "the", "price", "is", "good",
           "Bluetooth", "5G", "AI", "app", "NBA", "co-op", "C++", "C#", "e.g.", "Python3",
           "TF-IDF", "mp3", "H&M", "x86_64", "v2.0", "ThinkPad", "iOS", "Android"]
NUMBERS = ["2023", "3.14", "100%", "99.9%", "12:30", "1,024", "0.5", "007", "1e5", "-15",
           "２０２３", "１２３", "3.5寸", "64GB", "1/2", "#1", "No.9", "50%-60%"]
FULLWIDTH = list("，。！？：；（）【】《》“”‘’、…—～＃＠％＆＋－／＝") + ["ＡＢＣ", "ｉＰｈｏｎｅ"]
EMOJI = ["😀", "👍", "👍🏻", "❤️", "🇨🇳", "🎉", "😂😂", "🔥", "✨", "👨‍👩‍👧"]
HTML = ["<div class=\"title\">", "</div>", "<br/>", "&nbsp;", "&amp;", "<p>", "</p>",
        "<a href=\"https://example.com/item?id=12\">", "</a>", "<img src='x.jpg'/>", "&lt;b&gt;"]
SPACES = [" ", "  ", "\t", "\u3000", "\u3000\u3000", "\xa0", "\u2003", " \t "]
RARE = ["\u9fd6", "\u9fa5", "\u3400", "\u4dbf", "\U00020000", "\U0002a6d6", "\uf900", "々", "〇"]


def random_han(rng, n):
    return "".join(chr(rng.randint(0x4E00, 0x9FD5)) for _ in range(n))


def mixes(seed, count):
    rng = random.Random(seed)
    kinds = [ENGLISH, NUMBERS, FULLWIDTH, EMOJI, HTML, SPACES, RARE]
    out = []
    for i in range(count):
        parts = []
        for _ in range(rng.randint(2, 9)):
            r = rng.random()
            if r < 0.35:
                s = rng.choice(SENTENCES)
                a = rng.randint(0, len(s) - 1)
                parts.append(s[a:a + rng.randint(1, 30)])
            elif r < 0.45:
                parts.append(random_han(rng, rng.randint(1, 6)))
            else:
                parts.append(rng.choice(rng.choice(kinds)))
        line = "".join(parts)
        if i % 25 == 0:  # jieba's own "\r\n" and \s oddities, JSON-only inputs
            line += rng.choice(["\r\n", "\x1c", "\x85", "\u2028", "\r"]) + rng.choice(SENTENCES)
        out.append(line)
    return out


def pairs(ws):
    return [[w.word, w.flag] for w in ws]


def record(text, heldout):
    r = {
        "accurate": jieba.lcut(text),
        "accurate_nohmm": jieba.lcut(text, HMM=False),
        "full": jieba.lcut(text, cut_all=True),
        "search": jieba.lcut_for_search(text),
        "search_nohmm": jieba.lcut_for_search(text, HMM=False),
        "pos": pairs(jieba.posseg.lcut(text)),
        "pos_nohmm": pairs(jieba.posseg.lcut(text, HMM=False)),
        "tfidf": [[w, x] for w, x in jieba.analyse.extract_tags(text, withWeight=True)],
        "tfidf_pos": [[w, x] for w, x in jieba.analyse.extract_tags(
            text, withWeight=True, allowPOS=("ns", "n", "vn", "v", "nr"))],
        "textrank": [[w, x] for w, x in jieba.analyse.textrank(text, withWeight=True)],
    }
    if heldout:
        r["tokenize"] = [list(t) for t in jieba.tokenize(text)]
        r["tokenize_search"] = [list(t) for t in jieba.tokenize(text, mode="search")]
    return r


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    jieba.initialize()
    heldout = list(SENTENCES)
    heldout.append("".join(SENTENCES[:12]))  # long lines for keywords
    heldout.append("".join(SENTENCES[12:30]))
    heldout += mixes(20240501, 500)
    recs = []
    for t in heldout:
        r = {"text": t}
        r.update(record(t, True))
        recs.append(r)
    write_jsonl(os.path.join(OUT, "heldout.jsonl"), recs)

    recs = []
    for rel in SHARED_FILES:
        with open(os.path.join(CACHE, rel), "rb") as f:
            lines = f.read().decode("utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for n, line in enumerate(lines, 1):
            r = {"file": rel, "line": n}
            r.update(record(line.rstrip("\r"), False))
            recs.append(r)
    write_jsonl(os.path.join(OUT, "shared.jsonl"), recs)

    # Dictionary edits, in this order (tokrec replays them the same way).
    user_dict = os.path.join(OUT, "user_dict.txt")
    with open(user_dict, "w", encoding="utf-8") as f:
        f.write("\ufeff蓝牙耳机 30 n\n无线充电\n性价比高 5\n上海浦东 nz\n"
                "张伟 100 nr\n  \n人山人海 0\n带 空格的词 7 n\nabc123 8 eng\n")
    jieba.load_userdict(user_dict)
    jieba.load_userdict(os.path.join(CACHE, "zh/cppjieba/testdata/userdict.utf8"))
    jieba.add_word("推荐系统", tag="n")
    jieba.add_word("故宫博物院", 2000)
    jieba.del_word("清华大学")
    jieba.suggest_freq(("中", "将"), tune=True)
    jieba.suggest_freq("台中", tune=True)
    texts = SENTENCES + mixes(7, 40) + ["我来到北京清华大学", "这个把手该换了", "江州市长江大桥参加了长江大桥的通车仪式",
                                        "如果放到post中将出错。", "「台中」正确应该不会被切开", "蓝牙耳机无线充电性价比高"]
    recs = []
    for t in texts:
        recs.append({"text": t, "accurate": jieba.lcut(t), "accurate_nohmm": jieba.lcut(t, HMM=False),
                     "full": jieba.lcut(t, cut_all=True), "search": jieba.lcut_for_search(t),
                     "pos": pairs(jieba.posseg.lcut(t))})
    write_jsonl(os.path.join(OUT, "userdict.jsonl"), recs)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
