#!/usr/bin/env node
// Writes tests/golden/data/bpe/inputs_edge.json: hand-written edge cases for
// byte-level BPE (a JSON array of strings, so texts may hold newlines).
'use strict';
const fs = require('fs');
const path = require('path');
const OUT = path.resolve(__dirname, '..', 'data', 'bpe', 'inputs_edge.json');

const texts = [
  '', ' ', '  ', '   ', '\t', '\n', '\n\n', '\r\n', ' \n \n', '\t\n\t', 'a', 'A',
  "I'm sure you're right, he'll go; it's fine. IT'S FINE! We'd've known they've gone.",
  "don't DON'T Don'T it’s rock'n'roll 'tis o'clock ''s 'S 'ſ 'K",
  'Hello world', ' Hello world', 'Hello  world', 'Hello   world  ', '  leading and trailing  ',
  'line one\nline two\n\nline four\n', 'tab\tseparated\tvalues\t', 'mixed \r\n newlines \r\r \n\r',
  '1 12 123 1234 12345 123456 1234567 3.14159 -42 +7 1e10 0x1F 2024-06-11 10:30:00',
  '١٢٣ ٤٥٦ ۱۲۳ १२३ ½ ² ³ ⅔ Ⅻ ①②③ ０１２３',
  'ＡＢＣ１２３ｄｅｆ！？ full-width',
  'naïve café résumé façade Ærøskøbing Straße İstanbul ıI',
  'e\u0301 a\u0300\u0301 n\u0303 Z\u0335\u0321\u0358a\u0334\u0322l\u0337go', // combining marks
  'zero\u200bwidth\u200c\u200djoin\u2060word\ufeffbom \u00adsoft',
  'ctrl\u0000nul\u0001\u0007bell\u001besc\u007fdel\u0085nel',
  'spaces\u00a0nbsp\u2003em\u3000ideo\u202fnarrow\u180emongolian\u2028ls\u2029ps',
  '👨‍👩‍👧‍👦 family 👩🏽‍💻 🏳️‍🌈 🇫🇷🇩🇪 1️⃣ ❤️ 🦙.cpp 😀😃😄',
  '東京タワーは333メートルです。北京欢迎你！서울특별시 한국어 텍스트',
  'مرحبا بالعالم العربية שלום עולם עברית',
  'नमस्ते दुनिया हिन्दी ภาษาไทยง่ายนิดเดียว ქართული ენა Ελληνικά Русский язык',
  'Mixed中文English日本語한국어العربيةРусский',
  '<|endoftext|>', 'before<|endoftext|>after', ' <|endoftext|> ', '<|endoftext|><|endoftext|>',
  '<s> </s> <pad> <unk> <mask> <s>text</s>', 'a <mask> b<mask>c',
  '<|im_start|>user\nhi<|im_end|>', '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nx<|eot_id|>',
  '<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>', '<|endofprompt|> <|extra_7|> <|reserved_special_token_9|>',
  '<|endoftext', 'endoftext|>', '<|unknown_special|>',
  'https://example.com/path/to/page?query=1&b=two#frag user@mail.example.org',
  '<div class="item">Title &amp; more</div>',
  'def f(x):\n    return x ** 2  # square\n\n\nclass A:\n\tpass\n',
  '    indented\n        more\n',
  '!!!??? ... --- *** ((( ))) [[[ ]]] {{{ }}} ### $$$ %%% ^^^ &&& ||| ~~~ ``` \'\'\' """',
  'a'.repeat(300), 'ab'.repeat(500), ' '.repeat(100) + 'x', '\n'.repeat(50),
  'supercalifragilisticexpialidocious'.repeat(20),
  'пррррривет'.repeat(30), '中'.repeat(200), '😀'.repeat(100), '1'.repeat(101),
  '\u00e9'.repeat(64) + 'e\u0301'.repeat(64),
  'The Shawshank Redemption (1994) | Drama | Crime\nAction|Adventure|Sci-Fi',
];

fs.writeFileSync(OUT, JSON.stringify(texts, null, 0).replace(/","/g, '",\n"') + '\n');
console.log('wrote', texts.length, 'texts to', OUT);
