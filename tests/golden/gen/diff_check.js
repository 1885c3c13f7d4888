#!/usr/bin/env node
// Differential check of tokrec's tokenizers against their references on a
// seeded random held-out corpus (not the golden inputs): every tokenizer of
// the shared data, in every format tokrec loads, plus the tiktoken-converted
// tokenizer.json files of the data cache, in plain mode (no special tokens)
// and with special tokens.
//
//   cd tests/golden/gen && npm install --ignore-scripts
//   node diff_check.js [--tokrec PATH] [--lines 4000] [--seed 20261129]
//                      [--only SUBSTRING[,SUBSTRING...]] [--save DIR] [--show 3]
// --tokrec: the CLI binary (default $TOKREC_BIN, else ../../../build/tokrec);
// --save keeps the corpus and outputs in DIR; --sweep replaces the corpus by
// one line per code point (see sweepLines; about 600k lines, slow); --input
// FILE checks the lines of FILE instead (UTF-8, one text per line). About 10-15 minutes for 4000
// lines on 2 busy cores (--only gpt2,spm for a subset).
//
// References (as the golden generators drive them):
//  * tokenizer.json, vocab.txt (as BertTokenizerFast builds it), vocab.json +
//    merges.txt (against the tokenizer.json of the same folder): Hugging Face
//    tokenizers' Rust core (npm @anush008/tokenizers);
//  * tiktoken rank files: OpenAI tiktoken (npm `tiktoken`), allowed_special="all",
//    the named encodings of tiktoken_encodings.js (qwen: NFC first);
//  * SentencePiece .model: Google's sentencepiece (/usr/bin/python3, Debian
//    python3-sentencepiece), spm_encode defaults;
//  * BytePiece: the plain implementation of the reference algorithm in
//    gen_bytepiece.py (see there).
// tokrec runs through its CLI (`tokrec tokenize`), one text per line: those
// lines have no '\n' and no trailing '\r' (the line reader drops it), but CR,
// tabs, controls and zero-width characters inside. Texts of several lines
// (newline runs, CRLF, leading/trailing newlines) go through tokrec's API in
// diff_driver.cc, which this script compiles against the build folder of
// --tokrec (with that folder's link line for the CLI).
//
// Corpus: hand-written edge lines (edgeLines), then seeded random lines of
// many languages and scripts, emoji (ZWJ, skin tones, flags, tags), combining
// marks, zero-width and control characters, whitespace runs, 1k-20k character
// words, digit runs, URLs, code, punctuation runs, mixed-script words, NFC /
// NFD / NFKC / NFKD forms, special-token strings and code points from any
// plane; --lines counts the single-line texts (edge lines included), plus
// lines/8 multi-line texts.
//
// Code points whose Unicode tables differ between tokrec (Unicode 15) and a
// reference (see unicodeDifferences()) are not drawn at random; lines that
// still hold one are counted apart ("unicode-excluded"), never as
// mismatches. Exit status 1 when any other text differs, 2 on errors.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { Tokenizer } = require('@anush008/tokenizers');
const { Tiktoken } = require('tiktoken');
const { TIKTOKEN } = require('./tiktoken_encodings');
const { ROOT, CACHE, SHARED, GOLDEN } = require('./paths');
const { bertFromVocab, withPairMerges } = require('./hf_tokenizers');
const { mulberry32, range, chars } = require('./random_text');

// ---------------------------------------------------------------------------
// Options.

function parseArgs(argv) {
  const opt = {
    tokrec: process.env.TOKREC_BIN || path.join(ROOT, 'build', 'tokrec'), lines: 4000, seed: 20261129,
    only: null, save: null, show: 3, sweep: false, input: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--tokrec') opt.tokrec = path.resolve(next());
    else if (a === '--lines') opt.lines = parseInt(next(), 10);
    else if (a === '--seed') opt.seed = parseInt(next(), 10);
    else if (a === '--only') opt.only = next().split(',');
    else if (a === '--save') opt.save = path.resolve(next());
    else if (a === '--show') opt.show = parseInt(next(), 10);
    else if (a === '--sweep') opt.sweep = true;
    else if (a === '--input') opt.input = path.resolve(next());
    else throw new Error(`unknown option ${a}`);
  }
  return opt;
}

// ---------------------------------------------------------------------------
// Seeded random corpus.

const words = (s) => s.split(' ');

// Sentence material per language (written here, ordinary vocabulary).
const LANG = {
  en: words('the quick brown fox jumps over lazy dog movie was great I\'m sure they\'ll love it isn\'t it DON\'T STOP we\'ve you\'re she\'d Recommendation systems tokenization unbelievably running runners ran New York City 2024 o\'clock rock\'n\'roll'),
  de: words('Straße Größe Übermäßig Fußgängerübergänge Donaudampfschifffahrtsgesellschaft schön müde Äpfel Öl über heißen Mädchen Bücher größte Weißwürste ÄÖÜ ẞ'),
  fr: words('français élève où déjà naïve cœur Œuvre façon Noël garçon à la crème brûlée hôpital forêt île août ça va très bien Ça'),
  es: words('español ¿Qué tal? ¡Muy bien! Ñandú niño año corazón canción pingüino'),
  ru: words('Москва столица России съешь же ещё этих мягких французских булок да выпей чаю Ёлка ЁЖ привет мир'),
  el: words('Σίσυφος ὁ λόγος ΑΒΓΔ ελληνικά Ελλάδα καλημέρα ΟΔΥΣΣΕΥΣ ς σ Σ ΐ ΰ ὦ ᾯ'),
  ar: words('مرحبا بالعالم هذا نص عربي السلام عليكم مُحَمَّد القُرْآن ١٢٣ ٤٥٦'),
  he: words('שלום עולם עִבְרִית ספר תּוֹרָה'),
  hi: words('नमस्ते दुनिया यह हिंदी है क्षत्रिय हिन्दी भारत ॐ १२३ ज़िंदगी'),
  th: words('สวัสดีชาวโลก ภาษาไทย ขอบคุณครับ กรุงเทพมหานคร ๑๒๓'),
  zh: words('今天天气不错 我们去公园散步吧 推荐系统 电影 流浪地球 评分 機器學習 繁體中文 简体中文 《三体》 “引号” 【括号】'),
  ja: words('東京は日本の首都です ひらがな カタカナ ｶﾀｶﾅ ー 漢字かな交じり文 コンピューター です。 ゔ ㋿'),
  ko: words('안녕하세요 세계 한국어 텍스트입니다 서울 대한민국 ㄱㄴㄷ 한글'),
  vi: words('Tiếng Việt có dấu Hà Nội Đà Nẵng Nguyễn phở'),
  tr: words('Türkçe İstanbul ığdır şçöü IİıI'),
};
const LANG_NAMES = Object.keys(LANG);

const SCRIPTS = {
  ascii: chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  latin1: range(0xc0, 0xff),
  latinExt: range(0x100, 0x24f),
  ipa: range(0x250, 0x2af),
  greek: range(0x391, 0x3a1).concat(range(0x3a3, 0x3c9), range(0x1f00, 0x1f15)),
  cyrillic: range(0x400, 0x4ff),
  armenian: range(0x531, 0x556).concat(range(0x561, 0x587)),
  hebrew: range(0x5d0, 0x5ea).concat(range(0x591, 0x5c7)),
  arabic: range(0x620, 0x64a).concat(range(0x64b, 0x65f), range(0x660, 0x669), range(0x6f0, 0x6f9)),
  devanagari: range(0x900, 0x97f),
  bengali: range(0x985, 0x9b9),
  tamil: range(0xb85, 0xbb9).concat(range(0xbbe, 0xbcd)),
  thai: range(0xe01, 0xe3a).concat(range(0xe40, 0xe5b)),
  lao: range(0xe81, 0xe84),
  tibetan: range(0xf40, 0xf6c),
  georgian: range(0x10d0, 0x10fa),
  hangulJamo: range(0x1100, 0x11ff),
  ethiopic: range(0x1200, 0x1248),
  cherokee: range(0x13a0, 0x13f4),
  khmer: range(0x1780, 0x17dd),
  mongolian: range(0x1820, 0x1877),
  cjk: range(0x4e00, 0x9fa5),
  cjkExtA: range(0x3400, 0x4db5),
  cjkExtB: range(0x20000, 0x200ff),
  cjkCompat: range(0xf900, 0xfa2d),
  hiragana: range(0x3041, 0x3096),
  katakana: range(0x30a1, 0x30ff),
  halfwidth: range(0xff61, 0xff9f),
  fullwidth: range(0xff01, 0xff5e),
  hangul: range(0xac00, 0xd7a3),
  digitsAny: chars('0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳०१२३४५६७८९০১২৩๐๑๒๓０１２３４５６７８９①②③⑴⒈²³¹¼½¾ⅠⅡⅢⅫ𝟎𝟏𝟐'),
  math: range(0x2200, 0x22ff).concat(range(0x1d400, 0x1d44f)),
  symbols: range(0x2190, 0x21ff).concat(range(0x2600, 0x26ff), range(0x2700, 0x27bf), range(0x20a0, 0x20bf)),
  boxes: range(0x2500, 0x257f),
  letterlike: range(0x2100, 0x214f),
  ligatures: chars('ﬀﬁﬂﬃﬄﬅﬆ㎏㎡㍿℃℉№™Ⓐⓐ'),
  pua: range(0xe000, 0xe010).concat(range(0xf0000, 0xf0004)),
  emoji: range(0x1f600, 0x1f64f).concat(range(0x1f300, 0x1f3ff), range(0x1f900, 0x1f9ff)),
};
const SCRIPT_NAMES = Object.keys(SCRIPTS);

let COMBINING = range(0x300, 0x36f).concat(range(0x1ab0, 0x1abe), range(0x1dc0, 0x1dff), range(0x20d0, 0x20f0),
  chars('\u0e31\u0e34\u0e35\u093c\u094d\u05b0\u064b\u3099\u309a'));
const ZERO_WIDTH = chars('\u200b\u200c\u200d\ufeff\u2060\u00ad\u200e\u200f\u202a\u202e\u2066\u2069\u180e\ufe0f\ufe0e\u034f');
const CONTROLS = chars('\u0000\u0001\u0002\u0007\u0008\u000b\u000c\u000e\u001b\u001f\u007f\u0080\u0085\u009f\ufffd\ufffe\uffff\u2028\u2029\r\t');
const SPACES = [' ', ' ', ' ', '  ', '   ', '\t', '\u00a0', '\u3000', '\u2003', '\u2009', '\u202f', '\u205f', '\u1680', ' \t ', '\r', ' \r '];
const PUNCT = chars('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~«»„“”‘’‚‹›¿¡…—–‐‑·•§¶†‡‰′″、。「」『』【】《》〈〉・！？，．；：（）〜～');
const EMOJI_SEQ = ['👨‍👩‍👧‍👦', '👩‍💻', '🏳️‍🌈', '🏴‍☠️', '👍🏽', '👋🏿', '🧑🏻‍🤝‍🧑🏾', '❤️', '❤️‍🔥', '🇫🇷', '🇯🇵', '🇺🇸🇬🇧',
  '1️⃣', '#️⃣', '🏴󠁧󠁢󠁥󠁮󠁧󠁿', '👁️‍🗨️', '🤷‍♀️', '🙅🏼‍♂️', '🇦', '🏻', '‍', '☺', '✌️', '©️', '™'];
const SPECIALS = ['[CLS]', '[SEP]', '[MASK]', '[UNK]', '[PAD]', '[cls]', '[MASK', '<s>', '</s>', '<unk>', '<pad>', '<mask>',
  '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|begin_of_text|>', '<|eot_id|>', '<|endoftext', '<|extra_7|>',
  '<|end|>', '<|user|>', '<|assistant|>', '<0x41>', '▁', '▁▁', 'Ġ', 'Ċ', '##ing', '</w>'];
const URLS = ['https://www.example.com/path/to/page?query=1&lang=zh#anchor', 'http://例子.测试/路径?q=值',
  'ftp://user:pass@host:21/file.tar.gz', 'mailto:someone@example.org', 'www.wikipedia.org/wiki/Ünïcödé_(test)',
  'https://xn--bcher-kva.example/%E4%B8%AD%E6%96%87', 'C:\\Users\\name\\Documents\\file.txt', '/usr/local/bin/python3.11',
  'user.name+tag@sub.domain.co.uk', '192.168.0.1:8080', '[::1]:443', 'git@github.com:owner/repo.git'];
const CODE = ['def f(x):\treturn x ** 2  # comment', 'for (int i = 0; i < n; ++i) { sum += a[i]; }',
  'const s = `template ${x}`;', '{"key": "value", "list": [1, 2, 3], "nested": {"a": null}}',
  '<div class="x">Hello &amp; <b>bye</b></div>', 'SELECT * FROM items WHERE id IN (1,2,3) AND name LIKE \'%a%\';',
  'if x != y && z >= 10 || !flag { return Err(e)?; }', 'printf("%d\\n", x);', '    indented    code\twith\ttabs',
  'λx.λy.x y', 'a_b_c = A_B_C__init__(self, *args, **kwargs)', '#include <vector>', '$ ls -la | grep "^d" > out.txt 2>&1',
  '0x1F600 0b1010 1e-10 3.14f 1_000_000 -42 +7', 'camelCaseWord snake_case_word kebab-case-word PascalCaseWord'];
const NFD_WORDS = ['café', 'naïve', 'résumé', 'Ångström', 'über', 'niño', 'ệ', 'Tiếng Việt', 'ǅ', 'ﬁ', 'Å', 'Ω', 'Ǆ', '한국어', '각', 'が', 'パ', 'क़', 'ḍ̣', 'ṩ', 'ϔ', 'ﾊﾟ'];

// Hand-written edge lines, always at the start of the corpus.
function edgeLines() {
  const r = (s, k) => s.repeat(k);
  return [
    r(' ', 5000) + 'x', r(' \t', 3000), r('\u3000', 3000) + 'a', r('\u00a0', 4000) + 'b' + r('\u00a0', 10),
    r('1', 20000), r('12345 ', 2000), r('\u0301', 5000), r('a\u0301', 5000), r('e\u0301\u0323', 3000),
    r('👨‍👩‍👧‍👦', 2000), r('🇫🇷', 3000), r('𠀀', 5000), r('\u200b', 5000), r('\u200d', 3000) + 'x',
    r('a', 99) + 'İ', r('a', 98) + 'İ', r('a', 100), r('a', 101), r('é', 100), r('é', 101), r('e\u0301', 100),
    r('ﬁ', 60), r('中', 120), r('a中', 100), r('ß', 100) + 'x', r('\u0130', 101),
    'ΑΣ.', 'Σ', 'ΑΣΑ', 'ΑΣ\u0301 ΑΣ\u00ad ΑΣ\u200b', 'ὈΔΥΣΣΕΎΣ ΣΑΣ Σ.Σ', 'ǅungla Ǆ ǆ',
    '[CLS][SEP]', '[CLS]x', 'x[CLS]', ' [MASK] ', '[MASK][MASK]', '[mask] [Mask]', '<|endoftext|><|endoftext|>',
    'a<|endoftext|>b', ' <|endoftext|> ', '   <mask>', 'x<mask>y', '<mask>   ', '<s></s>', ' <s> ', 'a<s>b', '<unk><pad>',
    '<|im_start|>user\rhi<|im_end|>', '<|begin_of_text|><|start_header_id|>x<|end_header_id|>', '<|extra_204|><|extra_205|>',
    '<|end|><|user|>hi<|assistant|>', '<0x0A><0x41>', '▁▁▁ ▁', 'Ġhello Ċ', '##ing ##', '</w>x',
    "'s", "''''s", "'S 'T 'Re 'VE 'M 'Ll 'D", "x'sy", "don't DON'T don’t", "1's 中's ''", "' s",
    'a\rb', 'a\r\rb', ' \r ', '\t', '\t\t\tx', '\u000b\u000c', '\u0085x\u0085', '\u2028\u2029',
    '\u0000', 'a\u0000b', '\u0001\u0002\u0003\u001f\u007f', '\u0080\u009f', '\ufffd\ufffd', '\ufeff', '\ufeffa', 'a\ufeff',
    '\ufffe\uffff', '\u{10ffff}', '\u{e0001}\u{e0020}\u{e007f}', '\u{e0100}', '\u{f0000}\u{10fffd}', '\ue000',
    'ｈｅｌｌｏ　ｗｏｒｌｄ１２３！', 'ｶﾞｷﾞ ﾊﾟﾋﾟ', '㍿㌔㎏℡', '①②⑳⑴⒜', 'ⅠⅡⅢⅻ', '¹²³⁴₅', '½¾⅓', '…‥',
    'x²+y²=z²', 'Ⓐⓑ', '𝐀𝐁𝐂𝒶𝒷', 'ﬀﬃﬄ', 'ŉ ǰ ΐ ᾳ ᾼ ﬅ', 'İstanbul ISTANBUL ıi', 'ǅ', 'ꙮ',
    '한국어', '한국어'.normalize('NFD'), '한', 'ᄀᄀᄀ', 'が'.normalize('NFD'), 'ﾊﾟ', 'Å Å Å', 'Ω Ω',
    'क़ क़', 'ড় ড়', 'ଡ଼', 'ำ ํา', 'ि', 'क्‍ष', 'क्‌ष', 'ر‌ی', 'لا ﻻ', 'ﷺ', 'ﷰ',
    'https://example.com/a?b=c&d=%E4%B8%AD#x', 'a.b.c.d', '...', '!!!!!!!!!!', '??!!', '—–-‐', '«»“”„', '¿¡',
    '3.14159', '1,000,000', '1 000 000', '١٢٣٤٥', '١٢٣abc', '٣.١٤', '๑๒๓', '２０２４年', '10th 21st', '0x1F',
    'a\tb\tc', 'a \t b', '   leading', 'trailing   ', ' ', '  ', '',
  ];
}

function randomCorpus(n, seed, udiff) {
  const rnd = mulberry32(seed);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  // Random draws skip the code points whose category changed after Unicode 9
  // (they are known and accepted); hand-written strings keep theirs.
  const keep = (c) => !udiff.has(c.codePointAt(0));
  for (const k of SCRIPT_NAMES) SCRIPTS[k] = SCRIPTS[k].filter(keep);
  COMBINING = COMBINING.filter(keep);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const repeat = (fn, k) => { let s = ''; for (let i = 0; i < k; i++) s += fn(); return s; };
  const soup = (script, k) => repeat(() => {
    let c = pick(script);
    if (rnd() < 0.05) c += pick(COMBINING);
    if (rnd() < 0.02) c += pick(ZERO_WIDTH);
    return c;
  }, k);

  const gens = [
    // A sentence in one language, sometimes with punctuation and numbers.
    [14, () => {
      const lang = LANG[pick(LANG_NAMES)];
      return repeat(() => pick(lang) + (rnd() < 0.15 ? pick(PUNCT) : '') + (rnd() < 0.9 ? ' ' : pick(SPACES)), int(1, 14)).trimEnd();
    }],
    // Several languages mixed, words glued or spaced.
    [8, () => repeat(() => pick(LANG[pick(LANG_NAMES)]) + pick(['', ' ', ' ', ' ', '-', pick(SPACES)]), int(2, 12))],
    // Random character soup from one to three scripts.
    [10, () => {
      const s = [];
      for (let i = int(1, 3); i > 0; i--) s.push(SCRIPTS[pick(SCRIPT_NAMES)]);
      return repeat(() => soup(pick(s), int(1, 12)) + pick(['', ' ', ' ', pick(PUNCT), pick(SPACES)]), int(1, 10));
    }],
    // Mixed scripts inside one word.
    [6, () => repeat(() => repeat(() => soup(SCRIPTS[pick(SCRIPT_NAMES)], int(1, 4)), int(2, 5)) + ' ', int(1, 5))],
    // Emoji: ZWJ sequences, skin tones, flags, keycaps, tags, mixed with words.
    [7, () => repeat(() => (rnd() < 0.6 ? pick(EMOJI_SEQ) : pick(SCRIPTS.emoji)) + pick(['', '', ' ', pick(LANG.en) + ' ', '\u200d', '\ufe0f']), int(1, 12))],
    // Combining-mark sequences (stacked marks, marks at the start, after spaces, after digits).
    [6, () => repeat(() => pick(['', ' ', 'a', 'e', 'o', 'A', '1', 'ι', 'и', '\u3042', 'ㄱ', '.', '\t']) + repeat(() => pick(COMBINING), int(0, 6)), int(1, 10))],
    // Zero-width and control characters inside and between words.
    [7, () => repeat(() => pick(LANG[pick(LANG_NAMES)]) + repeat(() => pick(rnd() < 0.5 ? ZERO_WIDTH : CONTROLS), int(1, 3)), int(1, 8))],
    // Whitespace: runs of spaces, tabs, CR, NBSP, ideographic space, leading/trailing.
    [7, () => pick(['', ' ', '   ', '\t', '\u3000']) + repeat(() => pick(LANG[pick(LANG_NAMES)]) + repeat(() => pick(SPACES), int(1, 4)) + (rnd() < 0.2 ? ' '.repeat(int(2, 40)) : ''), int(1, 8)) + pick(['', ' ', '    ', '\t', ' \u00a0'])],
    // Digits: long runs, separators, decimals, other scripts' digits.
    [6, () => repeat(() => pick([
      () => repeat(() => pick(chars('0123456789')), int(1, 60)),
      () => `${int(0, 99999)}.${int(0, 999)}`, () => `${int(1, 999)},${int(100, 999)},${int(100, 999)}`,
      () => soup(SCRIPTS.digitsAny, int(1, 10)), () => `${int(1, 12)}/${int(1, 31)}/${int(1900, 2100)}`,
      () => `v${int(0, 9)}.${int(0, 20)}.${int(0, 99)}`, () => `+${int(1, 99)} (${int(100, 999)}) ${int(100, 999)}-${int(1000, 9999)}`,
    ])() + pick([' ', '', pick(PUNCT), 'abc', '元', '%']), int(1, 6))],
    // URLs, paths, e-mail addresses, code.
    [7, () => repeat(() => pick(rnd() < 0.5 ? URLS : CODE) + pick([' ', '\t', '', '; ', ' — ']), int(1, 3))],
    // Punctuation runs.
    [5, () => repeat(() => repeat(() => pick(PUNCT), int(1, 12)) + pick(['', ' ', pick(LANG.en), pick(LANG.zh)]), int(1, 6))],
    // NFC vs NFD (and NFKC/NFKD) forms of the same words.
    [6, () => repeat(() => {
      const w = pick(NFD_WORDS) + (rnd() < 0.3 ? pick(LANG.fr) : '');
      return w.normalize(pick(['NFC', 'NFD', 'NFD', 'NFKC', 'NFKD'])) + pick([' ', '', '\t']);
    }, int(1, 8))],
    // Special-token strings in text, glued or spaced.
    [5, () => repeat(() => pick(SPECIALS) + pick(['', ' ', '  ', pick(LANG[pick(LANG_NAMES)]), '\t', pick(LANG.en) + ' ']), int(1, 8))],
    // Contractions and case (the (?i:'s|'t ...) alternatives, Unicode apostrophes).
    [4, () => repeat(() => pick(LANG.en).toUpperCase() + pick(["'s", "'S", "'t", "'T", "'re", "'RE", "'ve", "'m", "'ll", "'LL", "'d", "'D", '’s', "'", "''", "'x"]) + pick([' ', '', '  ']), int(1, 8))],
    // Very long words: 1k-20k characters.
    [3, () => {
      const k = int(1000, 20000);
      return pick([
        () => pick(chars('aeiouxyz')).repeat(k),
        () => soup(SCRIPTS[pick(SCRIPT_NAMES)], k),
        () => soup(SCRIPTS.ascii, k),
        () => soup(SCRIPTS.cjk, k),
        () => repeat(() => pick(chars('0123456789')), k),
        () => pick(LANG[pick(LANG_NAMES)]).repeat(Math.ceil(k / 8)),
        () => 'a' + repeat(() => pick(COMBINING), Math.min(k, 3000)),
        () => pick(EMOJI_SEQ).repeat(Math.ceil(k / 6)),
        () => pick(PUNCT).repeat(k),
        () => ' '.repeat(k) + 'x',
        () => pick(['ab', 'abc', 'ー', '中文', 'la', '1a']).repeat(Math.ceil(k / 2)),
        () => 'x' + '\u200b'.repeat(Math.min(k, 4000)) + 'y',
      ])();
    }],
    // Code points from anywhere (planes 0-2 and 14, no surrogates), among ASCII
    // words: unassigned, private-use, noncharacters, tags, rare scripts.
    [4, () => repeat(() => {
      let c;
      do {
        const plane = pick([0, 0, 0, 1, 1, 2, 14]);
        c = plane * 0x10000 + Math.floor(rnd() * (plane === 14 ? 0x200 : 0x10000));
      } while ((c >= 0xd800 && c <= 0xdfff) || udiff.has(c));
      return String.fromCodePoint(c) + pick(['', '', 'a', ' ', 'x ', '1', pick(LANG.en) + ' ']);
    }, int(1, 12))],
    // Short edge lines.
    [3, () => pick(['', ' ', '  ', '\t', '\r', 'a\rb', '\u00a0', '\u200b', '\ufeff', '\u0000', 'x', '。', '\u0301', '\u0301a',
      'a\u0301', '\ufeffBOM at start', '\u200d', '\ud83d\ude00', '\u3000', '\t\t', ' \t \t ', '\u0085', 'end\u200b',
      "'", "'s", ' \'s', '  a', 'a  ', 'Ａ', '①', '\u2028', 'İ', 'ß', 'ẞ', 'ŉ', 'ǰ', 'ΐ', 'ﬃ', 'ᾳ', 'Σ', 'ΌΣ'])],
  ];
  const total = gens.reduce((s, g) => s + g[0], 0);
  // One text per line for the CLI: no '\n', and no trailing '\r' (line
  // readers drop it). Lone surrogates cannot occur (all strings are built
  // from whole code points).
  const oneLine = (s) => s.replace(/\n/g, ' ').replace(/\r+$/, '');
  const lines = edgeLines().map(oneLine);
  while (lines.length < n) {
    let r = rnd() * total;
    let g = gens[0][1];
    for (const [w, fn] of gens) {
      if (r < w) { g = fn; break; }
      r -= w;
    }
    lines.push(oneLine(g()));
  }
  return lines;
}

// ---------------------------------------------------------------------------
// The tokenizers.



const T = (...p) => path.join(SHARED, 'tokenizers', ...p);
const HFC = (name) => path.join(CACHE, 'tokenizers', 'tiktoken-hf', name, 'tokenizer.json');

// name, tokrec file + flags, reference.
function tokenizerList() {
  const list = [
    { name: 'bert-base-uncased/tokenizer.json', file: T('bert-base-uncased', 'tokenizer.json'), ref: { hf: T('bert-base-uncased', 'tokenizer.json') } },
    { name: 'bert-base-uncased/vocab.txt', file: T('bert-base-uncased', 'vocab.txt'), ref: { vocab: T('bert-base-uncased', 'vocab.txt'), lowercase: true } },
    { name: 'bert-base-cased/vocab.txt', file: T('bert-base-cased', 'vocab.txt'), flags: ['--no-lowercase'], ref: { vocab: T('bert-base-cased', 'vocab.txt'), lowercase: false } },
    { name: 'bert-base-chinese/tokenizer.json', file: T('bert-base-chinese', 'tokenizer.json'), ref: { hf: T('bert-base-chinese', 'tokenizer.json') } },
    { name: 'bert-base-chinese/vocab.txt', file: T('bert-base-chinese', 'vocab.txt'), ref: { vocab: T('bert-base-chinese', 'vocab.txt'), lowercase: true } },
    { name: 'gpt2/tokenizer.json', file: T('gpt2', 'tokenizer.json'), ref: { hf: T('gpt2', 'tokenizer.json') } },
    { name: 'gpt2/vocab.json', file: T('gpt2', 'vocab.json'), ref: { hf: T('gpt2', 'tokenizer.json') } },
    { name: 'roberta-base/tokenizer.json', file: T('roberta-base', 'tokenizer.json'), ref: { hf: T('roberta-base', 'tokenizer.json') } },
    { name: 'roberta-base/vocab.json', file: T('roberta-base', 'vocab.json'), ref: { hf: T('roberta-base', 'tokenizer.json') } },
    { name: 'phi-3/tokenizer.json', file: T('phi-3', 'tokenizer.json'), ref: { hf: T('phi-3', 'tokenizer.json') } },
    { name: 'llama2/tokenizer.json', file: T('llama2', 'tokenizer.json'), ref: { hf: T('llama2', 'tokenizer.json'), fixMerges: true } },
    { name: 't5-small/tokenizer.json', file: T('t5-small', 'tokenizer.json'), ref: { hf: T('t5-small', 'tokenizer.json') } },
  ];
  for (const enc of ['cl100k_base', 'o200k_base', 'llama3', 'qwen']) {
    list.push({ name: `tiktoken-hf/${enc}/tokenizer.json`, file: HFC(enc), ref: { hf: HFC(enc) } });
  }
  const rankFile = {
    cl100k_base: T('tiktoken', 'cl100k_base.tiktoken'), o200k_base: T('tiktoken', 'o200k_base.tiktoken'),
    llama3: T('llama3', 'tokenizer.model'), qwen: T('qwen', 'qwen.tiktoken'),
  };
  for (const spec of TIKTOKEN) {
    // No --encoding: the encoding is inferred from the file (name, rank count), as a user runs it.
    list.push({ name: `tiktoken ${spec.name}`, file: rankFile[spec.name], ref: { tiktoken: spec, file: rankFile[spec.name] } });
  }
  for (const [name, rel] of [['llama2/tokenizer.model', ['llama2', 'tokenizer.model']],
    ['bpemb-en-100k', ['bpemb-en-100k', 'en.wiki.bpe.vs100000.model']],
    ['sentencepiece-test/test_model', ['sentencepiece-test', 'test_model.model']],
    ['sentencepiece-test/test_ja_model', ['sentencepiece-test', 'test_ja_model.model']]]) {
    list.push({ name: `spm ${name}`, file: T(...rel), ref: { spm: T(...rel) } });
  }
  for (const name of ['bytepiece_80k', 'bytepiece.plus.40k', 'bytepiece.zh.id.eu.40k']) {
    list.push({ name: `bytepiece ${name}`, file: T('bytepiece', `${name}.zip`), ref: { bytepiece: T('bytepiece', `${name}.zip`) } });
  }
  return list.filter((t) => fs.existsSync(t.file));
}

// ---------------------------------------------------------------------------
// References.

const hfCache = new Map();
function hfTokenizer(ref) {
  const key = JSON.stringify(ref);
  if (!hfCache.has(key)) {
    hfCache.set(key, ref.vocab ? bertFromVocab(ref.vocab, ref.lowercase)
      : ref.fixMerges ? withPairMerges(ref.hf) : Tokenizer.fromFile(ref.hf));
  }
  return hfCache.get(key);
}

// One python process runs every sentencepiece and BytePiece reference.
const PY_REFS = `
import json, sys
sys.path.insert(0, sys.argv[1])
texts = json.load(open(sys.argv[2], encoding="utf-8"))
jobs = json.load(open(sys.argv[3], encoding="utf-8"))
out = {}
for job in jobs:
    if job["kind"] == "spm":
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=job["file"])
        out[job["file"]] = [sp.encode(t) for t in texts]
    else:
        import gen_bytepiece
        model = gen_bytepiece.load_model(job["file"])
        out[job["file"]] = [gen_bytepiece.encode(t, model) for t in texts]
    print("reference done:", job["file"], file=sys.stderr)
json.dump(out, open(sys.argv[4], "w"))
`;

function pythonReferences(tokenizers, texts, tmp) {
  const jobs = [];
  for (const t of tokenizers) {
    if (t.ref.spm) jobs.push({ kind: 'spm', file: t.ref.spm });
    if (t.ref.bytepiece) jobs.push({ kind: 'bytepiece', file: t.ref.bytepiece });
  }
  if (jobs.length === 0) return {};
  const inFile = path.join(tmp, 'texts.json');
  const jobFile = path.join(tmp, 'jobs.json');
  const outFile = path.join(tmp, 'py_out.json');
  fs.writeFileSync(inFile, JSON.stringify(texts));
  fs.writeFileSync(jobFile, JSON.stringify(jobs));
  execFileSync('/usr/bin/python3', ['-c', PY_REFS, __dirname, inFile, jobFile, outFile],
    { stdio: ['ignore', 'inherit', 'inherit'], maxBuffer: 1 << 30 });
  return JSON.parse(fs.readFileSync(outFile, 'utf8'));
}

const tiktokenCache = new Map();
function tiktokenIds(t, texts) {
  const spec = t.ref.tiktoken;
  const meta = spec.meta();
  const enc = new Tiktoken(fs.readFileSync(t.ref.file, 'utf8'), meta.special_tokens, meta.pat_str);
  const out = texts.map((s) => Array.from(enc.encode(spec.nfc ? s.normalize('NFC') : s, 'all')));
  enc.free();
  return out;
}

async function referenceIds(t, mode, texts, py) {
  if (t.ref.spm) return py[t.ref.spm];
  if (t.ref.bytepiece) return py[t.ref.bytepiece];
  if (t.ref.tiktoken) {
    // The same ids in both modes (allowed_special="all", no BOS/EOS): encode once.
    if (!tiktokenCache.has(t.name)) tiktokenCache.set(t.name, tiktokenIds(t, texts));
    return tiktokenCache.get(t.name);
  }
  const tok = hfTokenizer(t.ref);
  // "plain" = add_special_tokens=False and none of the file's truncation or
  // padding (docs/conventions.md); "special" keeps the file's blocks, so it
  // loads its own copy (plain mode turns them off on the shared one).
  const fresh = mode === 'special' && (t.ref.hf || t.ref.vocab);
  const tk = fresh ? (t.ref.vocab ? bertFromVocab(t.ref.vocab, t.ref.lowercase)
    : t.ref.fixMerges ? withPairMerges(t.ref.hf) : Tokenizer.fromFile(t.ref.hf)) : tok;
  if (mode === 'plain') { tk.disableTruncation(); tk.disablePadding(); }
  const encs = await tk.encodeBatch(texts, { addSpecialTokens: mode === 'special' });
  return encs.map((e) => Array.from(e.getIds()));
}

// ---------------------------------------------------------------------------
// tokrec.

function tokrecIds(opt, t, mode, corpusFile, tmp) {
  const out = path.join(tmp, 'tokrec_out.txt');
  const args = ['tokenize', '--tokenizer', t.file, '--input', corpusFile, '--output', out].concat(t.flags || []);
  if (mode === 'plain') args.push('--no-special-tokens');
  execFileSync(opt.tokrec, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return readIds(out);
}

function readIds(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l === '' ? [] : l.split(' ').map(Number)));
}

// diff_driver.cc linked the way the CLI is (its link line in the build
// folder), for the texts that hold newlines.
function buildDriver(opt, tmp) {
  const build = path.dirname(opt.tokrec);
  const link = fs.readFileSync(path.join(build, 'CMakeFiles', 'tokrec_cli.dir', 'link.txt'), 'utf8').trim();
  const libs = link.slice(link.indexOf(' -o tokrec ') + ' -o tokrec '.length).trim().split(/\s+/);
  const exe = path.join(tmp, 'diff_driver');
  execFileSync('c++', ['-std=c++20', '-O2', `-I${path.join(ROOT, 'include')}`, path.join(__dirname, 'diff_driver.cc'),
    '-o', exe, ...libs, '-pthread'], { cwd: build, stdio: ['ignore', 'inherit', 'inherit'] });
  return exe;
}

function driverIds(driver, t, mode, recordsFile, tmp) {
  const out = path.join(tmp, 'driver_out.txt');
  const flags = t.flags || [];
  const enc = flags.includes('--encoding') ? flags[flags.indexOf('--encoding') + 1] : '-';
  const lower = flags.includes('--no-lowercase') ? 'cased' : '-';
  execFileSync(driver, [t.file, mode, enc, lower, recordsFile, out], { stdio: ['ignore', 'inherit', 'inherit'] });
  return readIds(out);
}

// --sweep: one line per code point c (planes 0-3 and 14, U+F0000..U+F00FF;
// no surrogates, no '\n'), "a<c>a <c>A 1<c>1 <c><c> <c>z", which shows how
// each tokenizer classes c (letter, digit, space, punctuation, mark, dropped).
function sweepLines() {
  const out = [];
  for (let c = 0; c <= 0xf00ff; c++) {
    if (c === 10 || (c >= 0xd800 && c <= 0xdfff) || (c >= 0x40000 && c < 0xe0000)) continue;
    const s = String.fromCodePoint(c);
    out.push(`a${s}a ${s}A 1${s}1 ${s}${s} ${s}z`);
  }
  return out;
}

// Texts of several lines: corpus lines joined by newline sequences, with
// newlines leading, trailing and alone.
function multiLineCorpus(n, seed, udiff) {
  const rnd = mulberry32(seed ^ 0x5eed);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const parts = randomCorpus(3 * n, seed + 1, udiff).filter((l) => l.length < 2000);
  const seps = ['\n', '\n', '\r\n', '\n\n', '\n\n\n', ' \n', '\n ', '\t\n', '\r', '\n\r', '  \n  ', '\u2028', '\r\n\r\n'];
  const out = ['\n', '\n\n', '\r\n', ' \n ', 'a\nb', '\n\na', 'a\n\n', '\r', 'x\r', '\n\u200b\n'];
  let k = 0;
  while (out.length < n) {
    let s = rnd() < 0.2 ? pick(seps) : '';
    const m = 2 + Math.floor(rnd() * 4);
    for (let i = 0; i < m; i++) s += (i ? pick(seps) : '') + parts[k++ % parts.length];
    if (rnd() < 0.3) s += pick(seps);
    out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Comparison.

// Code points where the references and tokrec use different Unicode tables:
//  * ../data/wordpiece/unicode_differences.txt: HF's Unicode 9 categories vs
//    tokrec's Unicode 15 (unicode_sweep.js);
//  * code points assigned after Unicode 14 (unassigned in /usr/bin/python3's
//    unicodedata 14.0, assigned in node's ICU, Unicode 16 here): the npm
//    tiktoken regex and node's String.normalize (the qwen NFC) know Unicode
//    16's new digits and compositions, tokrec follows Unicode 15
//    (docs/conventions.md); see ../data/bpe/README.md.
function unicodeDifferences() {
  const file = path.join(GOLDEN, 'wordpiece', 'unicode_differences.txt');
  const set = new Set();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^U\+([0-9A-F]+)\t/.exec(line);
    if (m) set.add(parseInt(m[1], 16));
  }
  const assigned = [];
  for (let c = 0; c <= 0x10ffff; c++) {
    if (!/^[\p{Cn}\p{Cs}]$/u.test(String.fromCodePoint(c))) assigned.push(c);
  }
  const newer = execFileSync('/usr/bin/python3', ['-c',
    'import json,sys,unicodedata as u; print(json.dumps([c for c in json.load(sys.stdin) if u.category(chr(c)) == "Cn"]))'],
  { input: JSON.stringify(assigned), maxBuffer: 1 << 26 }).toString();
  for (const c of JSON.parse(newer)) set.add(c);
  return set;
}

function escapeText(s, max = 160) {
  const cut = Array.from(s);
  const shown = cut.slice(0, max).join('');
  return JSON.stringify(shown).slice(1, -1).replace(/[\u0300-\u036f\u0080-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufe00-\ufe0f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + (cut.length > max ? `…(${cut.length} chars)` : '');
}

function firstDiff(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opt.tokrec)) throw new Error(`${opt.tokrec}: no tokrec binary (build it or pass --tokrec)`);
  const udiff = unicodeDifferences();
  let lines;
  if (opt.input) {
    lines = fs.readFileSync(opt.input, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines = lines.map((l) => l.replace(/\r$/, ''));
  } else {
    lines = opt.sweep ? sweepLines() : randomCorpus(opt.lines, opt.seed, udiff);
  }
  const multi = opt.sweep || opt.input ? [] : multiLineCorpus(Math.ceil(opt.lines / 8), opt.seed, udiff);
  const texts = lines.concat(multi);
  const tmp = opt.save || fs.mkdtempSync(path.join(os.tmpdir(), 'tokrec-diff-'));
  fs.mkdirSync(tmp, { recursive: true });
  const corpusFile = path.join(tmp, 'corpus.txt');
  fs.writeFileSync(corpusFile, lines.join('\n') + '\n');
  const recordsFile = path.join(tmp, 'multiline.records');
  fs.writeFileSync(recordsFile, Buffer.concat(multi.map((s) => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from(`${b.length}\n`), b]);
  })));
  fs.writeFileSync(path.join(tmp, 'multiline.json'), JSON.stringify(multi));
  const excluded = texts.map((s) => Array.from(s).some((c) => udiff.has(c.codePointAt(0))));
  console.log(`corpus: ${lines.length} lines (${Buffer.byteLength(lines.join('\n'))} bytes, through \`tokrec tokenize\`) + `
    + `${multi.length} multi-line texts (through diff_driver.cc), seed ${opt.seed}, `
    + `${excluded.filter(Boolean).length} hold a Unicode-version code point; files in ${tmp}`);
  const driver = buildDriver(opt, tmp);

  let tokenizers = tokenizerList();
  if (opt.only) tokenizers = tokenizers.filter((t) => opt.only.some((o) => t.name.includes(o)));
  const py = pythonReferences(tokenizers, texts, tmp);

  const summary = [];
  let bad = 0;
  for (const t of tokenizers) {
    for (const mode of ['plain', 'special']) {
      const t0 = Date.now();
      const ref = await referenceIds(t, mode, texts, py);
      const got = tokrecIds(opt, t, mode, corpusFile, tmp).concat(driverIds(driver, t, mode, recordsFile, tmp));
      if (got.length !== ref.length) throw new Error(`${t.name} ${mode}: tokrec gave ${got.length} texts, reference ${ref.length}`);
      const count = [0, 0]; let excl = 0;
      const shown = [];
      for (let i = 0; i < texts.length; i++) {
        const a = got[i]; const b = ref[i];
        if (a.length === b.length && a.every((x, k) => x === b[k])) continue;
        if (excluded[i]) excl++;
        else count[i < lines.length ? 0 : 1]++;
        if (shown.length < opt.show) {
          const k = firstDiff(a, b);
          const where = i < lines.length ? `line ${i + 1}` : `multi-line text ${i - lines.length + 1}`;
          shown.push(`    ${where}${excluded[i] ? ' (unicode-excluded)' : ''}: "${escapeText(texts[i])}"\n`
            + `      at token ${k}: tokrec [${a.slice(Math.max(0, k - 3), k + 6).join(' ')}] (${a.length} ids)`
            + ` reference [${b.slice(Math.max(0, k - 3), k + 6).join(' ')}] (${b.length} ids)`);
        }
      }
      bad += count[0] + count[1];
      summary.push([t.name, mode, count[0], count[1], excl]);
      console.log(`${t.name} [${mode}]: ${count[0]} of ${lines.length} lines, ${count[1]} of ${multi.length} multi-line texts differ`
        + `${excl ? `, ${excl} unicode-excluded` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      for (const s of shown) console.log(s);
    }
  }
  console.log('\nsummary (tokenizer, mode, differing lines, differing multi-line texts, unicode-excluded):');
  for (const [n, m, c, d, e] of summary) {
    console.log(`  ${n.padEnd(40)} ${m.padEnd(8)} ${String(c).padStart(5)} ${String(d).padStart(5)} ${String(e).padStart(5)}`);
  }
  if (!opt.save) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(bad ? 1 : 0);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(2); });
