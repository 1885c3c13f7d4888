#!/usr/bin/env node
// Golden encodings for tokrec's encoding API (pairs, truncation strategies
// with stride and overflowing windows, padding side / multiple, special
// tokens mask, offsets), made by the Hugging Face tokenizers Rust core (npm
// @anush008/tokenizers, whose encode() returns code-point offsets, as Python
// does).
//
//   cd tests/golden/gen && npm install --ignore-scripts && node gen_encoding.js
//
// Inputs: ../data/wordpiece/inputs_handwritten.txt (hand-written, many
// scripts). A pair is (line i, line i+1). Output: ../data/encoding/<name>.jsonl:
// first line {"configs": {...}} describing each configuration (truncation,
// padding, lines), then one line per encoding:
//   {"c": config, "i": line, "ids", "type_ids", "special_tokens_mask",
//    "attention_mask" (absent = all ones), "offsets": [start0, end0, start1, end1, ...] (code points),
//    "overflowing": [ {same fields} ... ]}
// or {"c", "i", "error": "..."} when HF refuses the input (e.g. only_first
// with a first text too short). Batch configurations (padding longest) are
// one encodeBatch call over their lines. Tokenizer files are read from
// data/cache, never copied.
'use strict';

const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('@anush008/tokenizers');

const { CACHE, GOLDEN } = require('./paths');
const { withPairMerges } = require('./hf_tokenizers');
const OUT = path.join(GOLDEN, 'encoding');

// Synthetic char-level WordPiece tokenizers (every char its own token, so
// every char's offsets are checked) that exercise the normalizers' offset
// alignments; their tokenizer.json is built here from the inputs' chars and
// stored in the golden's header.
const SYNTHETIC = [
  { name: 'synthetic-nfd-strip-lower', normalizer: { type: 'Sequence', normalizers: [
    { type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] },
  pre_tokenizer: { type: 'WhitespaceSplit' } },
  { name: 'synthetic-nfkc-replace-prepend', normalizer: { type: 'Sequence', normalizers: [
    { type: 'NFKC' }, { type: 'Replace', pattern: { Regex: '[0-9]+|ss' }, content: '<n>' },
    { type: 'Replace', pattern: { String: ' ' }, content: '_' }, { type: 'Prepend', prepend: '_' }] },
  pre_tokenizer: { type: 'Split', pattern: { String: '_' }, behavior: 'MergedWithNext', invert: false } },
  { name: 'synthetic-nfc-strip-bert', normalizer: { type: 'Sequence', normalizers: [
    { type: 'NFC' }, { type: 'Strip', strip_left: true, strip_right: true },
    { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: false }] },
  pre_tokenizer: { type: 'BertPreTokenizer' } },
];

function syntheticJson(spec, texts) {
  const chars = new Set(['_', '<', 'n', '>', ' ']);
  for (const t of texts) {
    for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD']) {
      for (const c of t.normalize(form)) { chars.add(c); chars.add(c.toLowerCase()); }
      for (const c of t.normalize(form).toLowerCase()) chars.add(c);
    }
  }
  const vocab = { '[UNK]': 0, '[CLS]': 1, '[SEP]': 2 };
  for (const c of [...chars].sort()) {
    if (!(c in vocab)) vocab[c] = Object.keys(vocab).length;
    if (!(('##' + c) in vocab)) vocab['##' + c] = Object.keys(vocab).length;
  }
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [
      { id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 1, content: '[CLS]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      { id: 2, content: '[SEP]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: spec.normalizer, pre_tokenizer: spec.pre_tokenizer,
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 2], cls: ['[CLS]', 1] },
    decoder: null,
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

const TOKENIZERS = [
  { name: 'bert-base-uncased', path: 'tokenizers/bert-base-uncased/tokenizer.json', pad: [0, '[PAD]'] },
  { name: 'roberta-base', path: 'tokenizers/roberta-base/tokenizer.json', pad: [1, '<pad>'] },
  { name: 'gpt2', path: 'tokenizers/gpt2/tokenizer.json', pad: [50256, '<|endoftext|>'] },
  { name: 'llama2', path: 'tokenizers/llama2/tokenizer.json', pad: [0, '<unk>'], fixMerges: true },
];

// Lines short enough that truncated pairs stay small (overflowing windows of
// a pair are the cross product of both sides' windows).
function shortLines(texts, maxChars, count) {
  const out = [];
  for (let i = 0; i < texts.length && out.length < count; i++) {
    const next = texts[(i + 1) % texts.length];
    if (texts[i].length > 0 && texts[i].length <= maxChars && next.length <= maxChars) out.push(i);
  }
  return out;
}

function range(n) { return Array.from({ length: n }, (_, i) => i); }

function configs(texts, pad) {
  const all = range(texts.length);
  const short = shortLines(texts, 40, 12);
  const tiny = shortLines(texts, 24, 10);
  const trunc = (max_length, strategy, direction, stride) => ({ max_length, strategy, direction, stride });
  return {
    single: { pair: false, special: true, lines: all },
    plain: { pair: false, special: false, lines: range(30) },
    pair: { pair: true, special: true, lines: range(30) },
    pair_plain: { pair: true, special: false, lines: range(12) },
    pair_longest_first_s2: { pair: true, special: true, lines: tiny, truncation: trunc(20, 'LongestFirst', 'right', 2) },
    pair_longest_first_left: { pair: true, special: true, lines: tiny, truncation: trunc(13, 'LongestFirst', 'left', 0) },
    pair_only_first_left_s3: { pair: true, special: true, lines: short, truncation: trunc(24, 'OnlyFirst', 'left', 3) },
    pair_only_second_s1: { pair: true, special: true, lines: short, truncation: trunc(20, 'OnlySecond', 'right', 1) },
    single_s4_left: { pair: false, special: true, lines: short, truncation: trunc(12, 'LongestFirst', 'left', 4) },
    single_s3_right: { pair: false, special: true, lines: short, truncation: trunc(10, 'LongestFirst', 'right', 3) },
    single_only_first_plain: { pair: false, special: false, lines: short, truncation: trunc(7, 'OnlyFirst', 'right', 2) },
    batch_pad_left_m8: {
      pair: true, special: true, lines: short.slice(0, 8), batch: true,
      padding: { direction: 'left', pad_to_multiple_of: 8, pad_id: pad[0], pad_token: pad[1], pad_type_id: 0 },
    },
    batch_pad_right_m5_trunc: {
      pair: false, special: true, lines: short.slice(0, 8), batch: true, truncation: trunc(14, 'LongestFirst', 'right', 2),
      padding: { direction: 'right', pad_to_multiple_of: 5, pad_id: pad[0], pad_token: pad[1], pad_type_id: 1 },
    },
    fixed_pad_m8_overflow: {
      pair: false, special: true, lines: short.slice(0, 8), batch: true, truncation: trunc(14, 'OnlyFirst', 'right', 3),
      padding: { max_length: 14, direction: 'right', pad_to_multiple_of: 8, pad_id: pad[0], pad_token: pad[1], pad_type_id: 0 },
    },
  };
}


function readLines(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// attention_mask is left out when it is all ones (no padding), to keep the
// files small.
function fields(e) {
  const r = {
    ids: e.getIds(),
    type_ids: e.getTypeIds(),
    special_tokens_mask: e.getSpecialTokensMask(),
    offsets: [].concat(...e.getOffsets()),
  };
  const mask = e.getAttentionMask();
  if (mask.some((m) => m !== 1)) r.attention_mask = mask;
  return r;
}

function record(c, i, e) {
  const r = { c, i, ...fields(e) };
  const over = e.getOverflowing();
  if (over.length) r.overflowing = over.map(fields);
  return r;
}

// HF panics (aborting node) when a sequence is cut to a length <= stride;
// predict it from the untruncated lengths (utils/truncation.rs) so such
// inputs are recorded as errors instead. tokrec returns an error there.
function panicsOnStride(cfg, n1, n2, added) {
  const t = cfg.truncation;
  if (!t || t.stride === 0) return false;
  const max = t.max_length - added;
  const total = n1 + (n2 === null ? 0 : n2);
  if (total <= max) return false;
  const bad = (len, cut) => cut < len && cut > 0 && t.stride >= cut;
  if (t.strategy === 'LongestFirst') {
    if (n2 === null) return bad(n1, max);
    let a = n1; let b = n2; const swap = a > b;
    if (swap) [a, b] = [b, a];
    b = a > max ? a : Math.max(a, max - a);
    if (a + b > max) { a = Math.floor(max / 2); b = a + (max % 2); }
    if (swap) [a, b] = [b, a];
    return bad(n1, a) || bad(n2, b);
  }
  const len = t.strategy === 'OnlyFirst' ? n1 : n2;
  if (len === null || len <= total - max) return false;
  return bad(len, len - (total - max));
}

function setup(tok, cfg) {
  tok.disableTruncation();
  tok.disablePadding();
  if (cfg.truncation) {
    const t = cfg.truncation;
    tok.setTruncation(t.max_length, { strategy: t.strategy, direction: t.direction, stride: t.stride });
  }
  if (cfg.padding) {
    const p = cfg.padding;
    const opts = { direction: p.direction, padToMultipleOf: p.pad_to_multiple_of, padId: p.pad_id,
      padTypeId: p.pad_type_id, padToken: p.pad_token };
    if (p.max_length) opts.maxLength = p.max_length;
    tok.setPadding(opts);
  }
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const texts = readLines(path.join(GOLDEN, 'wordpiece', 'inputs_handwritten.txt'));
  const input = (cfg, i) => (cfg.pair ? [texts[i], texts[(i + 1) % texts.length]] : texts[i]);
  let total = 0;
  const synthetic = SYNTHETIC.map((spec) => ({ ...spec, json: syntheticJson(spec, texts) }));
  for (const spec of TOKENIZERS.concat(synthetic)) {
    let tok; let cfgs;
    const header = { generator: 'tests/golden/gen/gen_encoding.js', inputs: 'wordpiece/inputs_handwritten.txt' };
    if (spec.json) {
      tok = Tokenizer.fromString(JSON.stringify(spec.json));
      header.tokenizer_json = spec.json;
      cfgs = { single: { pair: false, special: true, lines: range(34) },
        pair: { pair: true, special: true, lines: range(40, 50) } };
    } else {
      const file = path.join(CACHE, spec.path);
      tok = spec.fixMerges ? withPairMerges(file) : Tokenizer.fromFile(file);
      header.tokenizer = spec.path;
      cfgs = configs(texts, spec.pad);
    }
    header.configs = cfgs;
    const lines = [JSON.stringify(header)];
    for (const [name, cfg] of Object.entries(cfgs)) {
      setup(tok, cfg);
      const opts = { addSpecialTokens: cfg.special };
      if (cfg.batch && !cfg.pair) {
        const encs = await tok.encodeBatch(cfg.lines.map((i) => input(cfg, i)), opts);
        encs.forEach((e, k) => lines.push(JSON.stringify(record(name, cfg.lines[k], e))));
        continue;
      }
      if (cfg.batch) {
        // encodeBatch takes single strings only: pad each pair to the
        // batch's longest as HF's pad_encodings does (longest, then the
        // multiple), through Fixed padding.
        tok.disablePadding();
        let longest = 0;
        for (const i of cfg.lines) {
          const x = input(cfg, i);
          longest = Math.max(longest, (await tok.encode(x[0], x[1], opts)).getIds().length);
        }
        setup(tok, cfg);
        const p = cfg.padding;
        tok.setPadding({ maxLength: longest, direction: p.direction, padToMultipleOf: p.pad_to_multiple_of,
          padId: p.pad_id, padTypeId: p.pad_type_id, padToken: p.pad_token });
        const encs = [];
        for (const i of cfg.lines) { const x = input(cfg, i); encs.push(await tok.encode(x[0], x[1], opts)); }
        encs.forEach((e, k) => lines.push(JSON.stringify(record(name, cfg.lines[k], e))));
        continue;
      }
      for (const i of cfg.lines) {
        const x = input(cfg, i);
        if (cfg.truncation && cfg.truncation.stride > 0) {
          tok.disableTruncation();
          const n1 = (await tok.encode(cfg.pair ? x[0] : x, null, { addSpecialTokens: false })).getIds().length;
          const n2 = cfg.pair ? (await tok.encode(x[1], null, { addSpecialTokens: false })).getIds().length : null;
          const added = cfg.special ? (await tok.encode('', cfg.pair ? '' : null, opts)).getIds().length : 0;
          setup(tok, cfg);
          if (panicsOnStride(cfg, n1, n2, added)) {
            lines.push(JSON.stringify({ c: name, i, error: 'stride >= truncated length (HF panics)' }));
            continue;
          }
        }
        try {
          const e = cfg.pair ? await tok.encode(x[0], x[1], opts) : await tok.encode(x, null, opts);
          lines.push(JSON.stringify(record(name, i, e)));
        } catch (err) {
          lines.push(JSON.stringify({ c: name, i, error: String(err.message || err).slice(0, 120) }));
        }
      }
    }
    const text = lines.join('\n') + '\n';
    fs.writeFileSync(path.join(OUT, `${spec.name}.jsonl`), text);
    total += text.length;
    console.log(`${spec.name}.jsonl ${lines.length - 1} encodings, ${text.length} bytes`);
  }
  console.log(`total ${total} bytes`);
}

main().catch((e) => { console.error(e); process.exit(1); });
