#!/usr/bin/env node
// Differential "component sweep": tokrec's tokenizer.json support against
// Hugging Face tokenizers (npm @anush008/tokenizers, the Rust core 0.22),
// one small tokenizer.json variant per component option (normalizers,
// pre-tokenizers, models, added-token flags, post-processors, decoders,
// truncation / padding) and a few combinations the real files do not use.
//
//   cd tests/golden/gen && npm install --ignore-scripts
//   node component_sweep.js [--tokrec PATH] [--texts 120] [--seed 7]
//                           [--only SUBSTRING[,..]] [--show 2] [--keep DIR]
//   node component_sweep.js --write-golden     (rewrites ../data/components/)
//
// A variant is a base tokenizer.json (a real file read by path from the data
// cache or the shared data, never copied; or none) with top-level entries
// replaced ("patch") and model fields replaced ("model_patch"), or a fully
// synthetic one whose small vocabulary is built here from text written here.
// For each variant: seeded held-out texts (many scripts, combining marks,
// emoji, zero-width and control characters, whitespace runs incl. newlines,
// digits, punctuation, very long words, the variant's added-token strings in
// odd places) and text pairs are encoded with and without special tokens;
// compared: ids, tokens, type ids, attention mask, special tokens mask,
// offsets (code points) and decode of the ids with and without
// skip_special_tokens. Without special tokens HF's truncation and padding are
// off (docs/conventions.md, --no-special-tokens).
//
// tokrec side: component_driver.cc (tokrec's public API; built here against
// the build folder of --tokrec with the CLI's link line), since texts and
// decoded texts may hold '\n'; the single-line texts also go through the CLI
// (`tokrec tokenize --format jsonl --offsets --special-tokens-mask`, and
// `tokrec detokenize` where no decode holds '\n') and must give the same as
// the driver. A config HF refuses on load must be refused by tokrec too.
// Exit status 1 when anything differs (known differences listed in
// KNOWN_DIFFERENCES are reported apart), 2 on errors.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { Tokenizer } = require('@anush008/tokenizers');
const { ROOT, CACHE, SHARED, GOLDEN } = require('./paths');
const { mulberry32, range, chars } = require('./random_text');

// ---------------------------------------------------------------------------
// Options.

function parseArgs(argv) {
  const opt = {
    tokrec: process.env.TOKREC_BIN || path.join(ROOT, 'build', 'tokrec'), texts: 120, seed: 7,
    only: null, show: 2, keep: null, writeGolden: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--tokrec') opt.tokrec = path.resolve(next());
    else if (a === '--texts') opt.texts = parseInt(next(), 10);
    else if (a === '--seed') opt.seed = parseInt(next(), 10);
    else if (a === '--only') opt.only = next().split(',');
    else if (a === '--show') opt.show = parseInt(next(), 10);
    else if (a === '--keep') opt.keep = path.resolve(next());
    else if (a === '--write-golden') opt.writeGolden = true;
    else if (a === '--strict-tokens') opt.strictTokens = true;
    else throw new Error(`unknown option ${a}`);
  }
  return opt;
}

// ---------------------------------------------------------------------------
// Base files and synthetic models.

// "cache:REL" / "shared:REL" -> path (the golden test resolves them the same way).
function basePath(ref) {
  const [root, rel] = ref.split(/:(.*)/s);
  return path.join(root === 'cache' ? CACHE : SHARED, rel);
}
const baseCache = new Map();
function readBase(ref) {
  if (!baseCache.has(ref)) baseCache.set(ref, JSON.parse(fs.readFileSync(basePath(ref), 'utf8')));
  return baseCache.get(ref);
}

// Text the synthetic vocabularies are built from (written here).
const TRAIN = `the quick brown fox jumps over the lazy dog while the users rate movies and books
recommendation systems learn from ratings clicks and reviews of items they loved or hated
running runner runs ran unbelievable unbelievably tokenization tokenizer tokens token
le café est très bon déjà vu naïve über straße größe
москва привет мир съешь ещё этих мягких булок
東京 日本 推荐 系统 电影 评分 한국어 세계
1234567890 3.14 2024 o'clock don't it's we've they'll
hello world hello there hello again world peace`;

function trainWords() {
  return TRAIN.split(/\s+/).filter(Boolean);
}

// Every char of TRAIN (plus ASCII printables), sorted.
function trainChars() {
  const set = new Set(chars(TRAIN.replace(/\s+/g, '')));
  for (let c = 0x21; c < 0x7f; c++) set.add(String.fromCharCode(c));
  return [...set].sort();
}

// A WordPiece vocabulary: specials, chars, prefixed chars, whole words and a
// few suffixes.
function syntheticWordPiece(prefix = '##') {
  const vocab = {};
  const add = (t) => { if (!(t in vocab)) vocab[t] = Object.keys(vocab).length; };
  ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].forEach(add);
  for (const c of trainChars()) { add(c); add(prefix + c); }
  for (const w of trainWords()) add(w);
  for (const s of ['ing', 's', 'ed', 'er', 'ly', 'able', 'ization', 'iz', 'ation']) add(prefix + s);
  return vocab;
}

// A small BPE trained here (greedy most-frequent pair, ties by string
// order) with HF's symbol conventions: non-initial symbols carry `prefix`,
// the last carries `suffix`; a merge (a, b) makes a + b without b's prefix.
function trainBpe({ prefix = '', suffix = '', merges: nMerges = 120, byteTokens = false, unk = null, specials = [] } = {}) {
  const counts = new Map();
  for (const w of trainWords()) counts.set(w, (counts.get(w) || 0) + 1);
  const words = [...counts].map(([w, n]) => {
    const cs = chars(w);
    return { n, syms: cs.map((c, i) => (i ? prefix : '') + c + (i === cs.length - 1 ? suffix : '')) };
  });
  const vocab = {};
  const add = (t) => { if (!(t in vocab)) vocab[t] = Object.keys(vocab).length; };
  specials.forEach(add);
  if (unk) add(unk);
  if (byteTokens) for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  const initial = new Set();
  for (const w of words) w.syms.forEach((s) => initial.add(s));
  for (const c of trainChars()) initial.add(c);
  [...initial].sort().forEach(add);
  const merges = [];
  for (let k = 0; k < nMerges; k++) {
    const pairs = new Map();
    for (const w of words) {
      for (let i = 0; i + 1 < w.syms.length; i++) {
        const key = `${w.syms[i]}\u0000${w.syms[i + 1]}`;
        pairs.set(key, (pairs.get(key) || 0) + w.n);
      }
    }
    if (!pairs.size) break;
    const best = [...pairs].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0][0];
    const [a, b] = best.split('\u0000');
    const merged = a + b.slice(prefix.length);
    merges.push([a, b]);
    add(merged);
    for (const w of words) {
      const out = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) { out.push(merged); i++; } else out.push(w.syms[i]);
      }
      w.syms = out;
    }
  }
  return { vocab, merges };
}

// A small Unigram: <unk>, optional byte pieces, every char and the frequent
// substrings (2..6 chars) of TRAIN's words, scored by log frequency.
function syntheticUnigram({ byteTokens = false, metaspace = false } = {}) {
  const freq = new Map();
  for (const w0 of trainWords()) {
    const w = chars((metaspace ? '\u2581' : '') + w0);
    for (let i = 0; i < w.length; i++) {
      for (let l = 1; l <= 6 && i + l <= w.length; l++) {
        const s = w.slice(i, i + l).join('');
        freq.set(s, (freq.get(s) || 0) + 1);
      }
    }
  }
  for (const c of trainChars()) freq.set(c, (freq.get(c) || 0) + 1);
  if (metaspace) freq.set('\u2581', (freq.get('\u2581') || 0) + 5);
  const kept = [...freq].filter(([s, n]) => chars(s).length === 1 || n >= 2).sort((x, y) => (x[0] < y[0] ? -1 : 1));
  const total = kept.reduce((t, [, n]) => t + n, 0);
  const vocab = [['<unk>', 0], ['<s>', 0], ['</s>', 0]];
  if (byteTokens) for (let b = 0; b < 256; b++) vocab.push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0]);
  for (const [s, n] of kept) vocab.push([s, Math.round(Math.log(n / total) * 1e4) / 1e4 - chars(s).length * 0.1]);
  return vocab;
}

function syntheticWordLevel() {
  const vocab = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (const w of trainWords().concat(chars('.,!?\'"-:;()'))) if (!(w in vocab)) vocab[w] = Object.keys(vocab).length;
  return vocab;
}

const added = (id, content, o = {}) => ({
  id, content, single_word: !!o.single_word, lstrip: !!o.lstrip, rstrip: !!o.rstrip,
  normalized: o.normalized === undefined ? !o.special : o.normalized, special: !!o.special,
});

// ---------------------------------------------------------------------------
// Variants.

const BERT = 'cache:tokenizers/bert-base-uncased/tokenizer.json';
const GPT2 = 'cache:tokenizers/gpt2/tokenizer.json';
const ROBERTA = 'cache:tokenizers/roberta-base/tokenizer.json';
const LLAMA2 = 'cache:tokenizers/llama2/tokenizer.json';
const T5 = 'shared:tokenizers/t5-small/tokenizer.json';

const BERT_TEMPLATE = {
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
  pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
    { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
  special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
};
const SYN_ADDED = [added(0, '[PAD]', { special: true }), added(1, '[UNK]', { special: true }), added(2, '[CLS]', { special: true }),
  added(3, '[SEP]', { special: true }), added(4, '[MASK]', { special: true })];

// A synthetic WordPiece tokenizer.json around `over` (top-level entries).
function synWordPiece(over = {}, modelOver = {}) {
  const prefix = modelOver.continuing_subword_prefix || '##';
  return Object.assign({
    version: '1.0', truncation: null, padding: null, added_tokens: SYN_ADDED,
    normalizer: null, pre_tokenizer: { type: 'BertPreTokenizer' }, post_processor: BERT_TEMPLATE,
    decoder: { type: 'WordPiece', prefix, cleanup: true },
    model: Object.assign({ type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: prefix,
      max_input_chars_per_word: 100, vocab: syntheticWordPiece(prefix) }, modelOver),
  }, over);
}

function synBpe(train, over = {}, modelOver = {}, stringMerges = false) {
  const { vocab, merges } = trainBpe(train);
  return Object.assign({
    version: '1.0', truncation: null, padding: null, added_tokens: [],
    normalizer: null, pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null,
    model: Object.assign({
      type: 'BPE', dropout: null, unk_token: train.unk || null,
      continuing_subword_prefix: train.prefix || null, end_of_word_suffix: train.suffix || null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab,
      merges: stringMerges ? merges.map(([a, b]) => `${a} ${b}`) : merges,
    }, modelOver),
  }, over);
}

function synUnigram(opts, over = {}, modelOver = {}) {
  return Object.assign({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [added(0, '<unk>', { special: true }), added(1, '<s>', { special: true }), added(2, '</s>', { special: true })],
    normalizer: null,
    pre_tokenizer: opts.metaspace ? { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true } : { type: 'WhitespaceSplit' },
    post_processor: null,
    decoder: opts.metaspace ? { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true } : null,
    model: Object.assign({ type: 'Unigram', unk_id: 0, vocab: syntheticUnigram(opts), byte_fallback: false }, modelOver),
  }, over);
}

const meta = (scheme, split = true, replacement = '\u2581') => ({ type: 'Metaspace', replacement, prepend_scheme: scheme, split });
const split = (pattern, behavior, invert = false) => ({ type: 'Split', pattern, behavior, invert });
const bertNorm = (o) => Object.assign({ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }, o);
const roberta = (o) => Object.assign({ type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false }, o);

// {name, base?, patch?, model_patch?, json? (synthetic), fixMerges?, golden?}
// golden: how many single texts / pairs of the variant go to the golden file.
function variants() {
  const v = [];
  // bert-base-uncased's file pads to a fixed 128 (and truncates there): off
  // in its variants but those of truncation / padding, so that the golden
  // file stays small (one variant keeps the file's blocks).
  const push = (name, spec) => {
    if (spec.base === BERT && !spec.keepBlocks) {
      spec.patch = Object.assign({ truncation: null, padding: null }, spec.patch || {});
    }
    v.push(Object.assign({ name }, spec));
  };
  // --- normalizers (bert-base-uncased WordPiece, BertPreTokenizer).
  const norm = (name, normalizer, golden = 1) => push(`norm/${name}`, { base: BERT, patch: { normalizer }, golden });
  norm('bert-default', bertNorm({}));
  norm('bert-no-clean', bertNorm({ clean_text: false }));
  norm('bert-no-chinese', bertNorm({ handle_chinese_chars: false }));
  norm('bert-strip-true-lower-false', bertNorm({ strip_accents: true, lowercase: false }));
  norm('bert-strip-false-lower-true', bertNorm({ strip_accents: false }));
  norm('bert-strip-null-lower-false', bertNorm({ lowercase: false }));
  norm('bert-all-off', bertNorm({ clean_text: false, handle_chinese_chars: false, strip_accents: false, lowercase: false }));
  for (const f of ['NFC', 'NFD', 'NFKC', 'NFKD']) norm(f.toLowerCase(), { type: f });
  norm('lowercase', { type: 'Lowercase' });
  norm('strip-accents-alone', { type: 'StripAccents' });
  norm('nfd-strip-accents-lower', { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] });
  norm('replace-string', { type: 'Replace', pattern: { String: 'ing' }, content: 'ING ' });
  norm('replace-string-delete', { type: 'Replace', pattern: { String: 'e' }, content: '' });
  norm('replace-regex', { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' });
  norm('replace-regex-digits', { type: 'Replace', pattern: { Regex: '[0-9]+|\\p{Lu}' }, content: '#' });
  norm('prepend', { type: 'Prepend', prepend: 'pre ' });
  norm('strip-left', { type: 'Strip', strip_left: true, strip_right: false });
  norm('strip-right', { type: 'Strip', strip_left: false, strip_right: true });
  norm('strip-both', { type: 'Strip', strip_left: true, strip_right: true });
  norm('sequence-nfkd-lower-replace-strip', { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'Lowercase' },
    { type: 'Replace', pattern: { Regex: '[\\p{Mn}]' }, content: '' }, { type: 'Strip', strip_left: true, strip_right: true }] });
  norm('sequence-empty', { type: 'Sequence', normalizers: [] });
  // Precompiled: t5's charsmap (Unigram + Metaspace), plus other pre-tokenizers.
  push('norm/precompiled-t5', { base: T5, golden: 1 });
  push('norm/precompiled-t5-whitespace', { base: T5, patch: { pre_tokenizer: { type: 'WhitespaceSplit' } }, golden: 1 });
  push('norm/precompiled-t5-seq-lower', { base: T5, patch: { normalizer: { type: 'Sequence', normalizers: [
    { type: 'Lowercase' }, { $base: 'normalizer' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] } }, golden: 1 });

  // --- pre-tokenizers (bert-base-uncased WordPiece, its BertNormalizer).
  const pre = (name, pre_tokenizer, golden = 1) => push(`pre/${name}`, { base: BERT, patch: { pre_tokenizer }, golden });
  pre('bert', { type: 'BertPreTokenizer' });
  pre('whitespace', { type: 'Whitespace' });
  pre('whitespace-split', { type: 'WhitespaceSplit' });
  pre('none', null);
  for (const b of ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous']) {
    pre(`split-string-${b}`, split({ String: ' ' }, b));
    pre(`split-regex-${b}`, split({ Regex: '[0-9]+|[,.!?]' }, b));
    pre(`split-regex-${b}-invert`, split({ Regex: '\\p{L}+' }, b, true), b === 'Isolated' || b === 'Contiguous' ? 1 : 0);
    pre(`punctuation-${b}`, { type: 'Punctuation', behavior: b });
  }
  pre('split-string-multichar', split({ String: 'ab' }, 'Isolated'));
  pre('split-string-empty-matchless', split({ String: 'zzz' }, 'Removed', true));
  pre('digits', { type: 'Digits', individual_digits: false });
  pre('digits-individual', { type: 'Digits', individual_digits: true });
  pre('unicode-scripts', { type: 'UnicodeScripts' });
  pre('sequence-ws-digits-punct', { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Digits', individual_digits: true },
    { type: 'Punctuation', behavior: 'Isolated' }] });
  pre('sequence-unicode-scripts', { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }, { type: 'UnicodeScripts' }] });
  // ByteLevel on gpt2.
  const gpt = (name, patch, golden = 1, model_patch) => push(`bytelevel/${name}`, { base: GPT2, patch, model_patch, golden });
  gpt('prefix-false', {});
  gpt('prefix-true', { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } });
  gpt('no-regex', { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false } });
  gpt('no-regex-prefix', { pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: false } });
  gpt('post-trim-true', { post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } });
  gpt('post-trim-true-prefix-false', { post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } });
  gpt('split-then-bytelevel', { pre_tokenizer: { type: 'Sequence', pretokenizers: [split({ Regex: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" }, 'Isolated'),
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] } });
  gpt('ignore-merges', {}, 1, { ignore_merges: true });
  gpt('nfc-lower', { normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] } }, 0);
  gpt('digits-then-bytelevel', { pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }] } });
  // Metaspace on t5 (Unigram) and llama2 (BPE, byte fallback).
  for (const scheme of ['always', 'first', 'never']) {
    for (const sp of [true, false]) {
      push(`metaspace/t5-${scheme}-split-${sp}`, { base: T5, patch: { pre_tokenizer: meta(scheme, sp), decoder: meta(scheme, sp) }, golden: 1 });
      push(`metaspace/llama2-${scheme}-split-${sp}`, { base: LLAMA2, fixMerges: true, golden: sp ? 0 : 1,
        patch: { normalizer: null, pre_tokenizer: meta(scheme, sp), decoder: { type: 'Sequence', decoders: [meta(scheme, sp), { type: 'ByteFallback' }, { type: 'Fuse' }] } } });
    }
  }
  push('metaspace/replacement-underscore', { json: synUnigram({}, { pre_tokenizer: meta('always', true, '_'), decoder: meta('always', true, '_') }), golden: 1 });
  push('metaspace/legacy-add-prefix-space-false', { base: T5, patch: { pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', add_prefix_space: false } }, golden: 1 });
  push('metaspace/replacement-two-chars', { base: T5, patch: { pre_tokenizer: meta('always', true, '__') }, golden: 0 });
  push('llama2/real', { base: LLAMA2, fixMerges: true, golden: 1 });

  // --- models.
  push('wordpiece/bert-max-chars-5', { base: BERT, model_patch: { max_input_chars_per_word: 5 }, golden: 1 });
  push('wordpiece/bert-max-chars-0', { base: BERT, model_patch: { max_input_chars_per_word: 0 }, golden: 0 });
  push('wordpiece/syn-prefix-@@', { json: synWordPiece({}, { continuing_subword_prefix: '@@' }), golden: 1 });
  push('wordpiece/syn-prefix-empty', { json: synWordPiece({ decoder: { type: 'WordPiece', prefix: '', cleanup: false } }, { continuing_subword_prefix: '' }), golden: 0 });
  push('wordpiece/syn-unk-missing', { json: synWordPiece({}, { unk_token: '<nope>' }), golden: 0 });
  push('wordpiece/syn-whitespace-cased', { json: synWordPiece({ pre_tokenizer: { type: 'Whitespace' }, normalizer: { type: 'NFC' } }), golden: 1 });
  const bpeTrain = { unk: '<unk>' };
  push('bpe/syn-plain', { json: synBpe(bpeTrain), golden: 1 });
  push('bpe/syn-string-merges', { json: synBpe(bpeTrain, {}, {}, true), golden: 1 });
  push('bpe/syn-no-unk', { json: synBpe({}), golden: 1 });
  push('bpe/syn-fuse-unk', { json: synBpe(bpeTrain, {}, { fuse_unk: true }), golden: 1 });
  push('bpe/syn-prefix', { json: synBpe({ unk: '<unk>', prefix: '##' }), golden: 1 });
  push('bpe/syn-suffix', { json: synBpe({ unk: '<unk>', suffix: '</w>' }), golden: 1 });
  push('bpe/syn-prefix-suffix-fuse', { json: synBpe({ unk: '<unk>', prefix: '##', suffix: '</w>' }, {}, { fuse_unk: true }), golden: 1 });
  push('bpe/syn-byte-fallback', { json: synBpe({ unk: '<unk>', byteTokens: true }, { decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] } }, { byte_fallback: true }), golden: 1 });
  push('bpe/syn-byte-fallback-fuse-unk', { json: synBpe({ unk: '<unk>', byteTokens: true }, {}, { byte_fallback: true, fuse_unk: true }), golden: 0 });
  push('bpe/syn-byte-fallback-no-unk', { json: synBpe({ byteTokens: true }, {}, { byte_fallback: true }), golden: 0 });
  push('bpe/syn-ignore-merges', { json: (() => {
    const j = synBpe(bpeTrain, {}, { ignore_merges: true });
    for (const w of ['unbelievably', 'tokenization', 'hello', 'the']) if (!(w in j.model.vocab)) j.model.vocab[w] = Object.keys(j.model.vocab).length;
    return j;
  })(), golden: 1 });
  push('bpe/syn-dropout', { json: synBpe(bpeTrain, {}, { dropout: 0.5 }), golden: 0 });
  push('unigram/t5-real', { base: T5, golden: 1 });
  push('unigram/syn-whitespace', { json: synUnigram({}), golden: 1 });
  push('unigram/syn-byte-fallback', { json: synUnigram({ byteTokens: true }, { decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] } }, { byte_fallback: true }), golden: 1 });
  push('unigram/syn-metaspace', { json: synUnigram({ metaspace: true }), golden: 1 });
  push('unigram/syn-unk-id-null', { json: synUnigram({}, {}, { unk_id: null }), golden: 0 });
  push('wordlevel/syn', { json: {
    version: '1.0', truncation: null, padding: null, added_tokens: [added(0, '<unk>', { special: true })], normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null, model: { type: 'WordLevel', unk_token: '<unk>', vocab: syntheticWordLevel() } }, golden: 1 });

  // --- added tokens.
  const B = 30522;
  const addv = (name, tokens, patch = {}, golden = 1) => push(`added/${name}`, { base: BERT, patch: Object.assign({ added_tokens: readBase(BERT).added_tokens.concat(tokens) }, patch), golden });
  addv('special-plain', [added(B, '<ent>', { special: true })]);
  addv('nonspecial-normalized', [added(B, 'Movie Night', {}), added(B + 1, 'xyz', {})]);
  addv('nonspecial-not-normalized', [added(B, 'Movie Night', { normalized: false }), added(B + 1, 'ß', { normalized: false })]);
  addv('lstrip', [added(B, '<ent>', { special: true, lstrip: true })]);
  addv('rstrip', [added(B, '<ent>', { special: true, rstrip: true })]);
  addv('lstrip-rstrip', [added(B, '<ent>', { special: true, lstrip: true, rstrip: true })], {}, 0);
  addv('single-word', [added(B, 'ent', { single_word: true }), added(B + 1, '<ent>', { special: true, single_word: true })]);
  addv('single-word-lstrip-rstrip', [added(B, 'ent', { single_word: true, lstrip: true, rstrip: true })]);
  addv('overlapping', [added(B, 'ab', {}), added(B + 1, 'abc', { special: true }), added(B + 2, 'bc', { normalized: false })]);
  addv('mask-lstrip', [], { added_tokens: readBase(BERT).added_tokens.map((t) => (t.content === '[MASK]' ? Object.assign({}, t, { lstrip: true }) : t)) });
  push('added/gpt2-tokens', { base: GPT2, golden: 1, patch: { added_tokens: readBase(GPT2).added_tokens.concat([
    added(50257, '<|user|>', { special: true, rstrip: true }), added(50258, ' hello', {}), added(50259, 'Ġworld', { normalized: false })]) } });
  push('added/roberta-mask', { base: ROBERTA, golden: 1 });
  for (const scheme of ['first', 'always']) {
    push(`added/llama2-metaspace-${scheme}`, { base: LLAMA2, fixMerges: true, golden: 1, patch: {
      normalizer: null, pre_tokenizer: meta(scheme, false),
      added_tokens: readBase(LLAMA2).added_tokens.concat([added(32000, '<tool>', { special: true }), added(32001, 'hello world', {}), added(32002, '<pad>', { special: true, lstrip: true })]),
      decoder: { type: 'Sequence', decoders: [meta(scheme, false), { type: 'ByteFallback' }, { type: 'Fuse' }] } } });
  }
  push('added/t5-sentinels', { base: T5, golden: 1 });

  // --- post-processors.
  push('post/bert-processing', { base: BERT, golden: 1, patch: { post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] } } });
  push('post/roberta-real', { base: ROBERTA, golden: 1 });
  for (const [trim, aps] of [[false, false], [true, true], [false, true]]) {
    push(`post/roberta-trim-${trim}-prefix-${aps}`, { base: ROBERTA, golden: 1, patch: { post_processor: roberta({ trim_offsets: trim, add_prefix_space: aps }),
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: aps, trim_offsets: trim } } });
  }
  push('post/template-types', { base: BERT, golden: 1, patch: { post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '[CLS]', type_id: 2 } }, { Sequence: { id: 'A', type_id: 3 } }, { SpecialToken: { id: '[SEP]', type_id: 4 } }],
    pair: [{ Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: 'sep2', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[CLS]', type_id: 7 } }],
    special_tokens: { '[CLS]': { id: '[CLS]', ids: [101], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [102], tokens: ['[SEP]'] },
      sep2: { id: 'sep2', ids: [102, 103], tokens: ['[SEP]', '[MASK]'] } } } } });
  push('post/template-no-pair', { base: BERT, golden: 0, patch: { post_processor: Object.assign({}, readBase(BERT).post_processor, { pair: undefined }) } });
  // A template naming a special token missing from special_tokens: HF loads
  // it and then panics (aborting node) on encode; tokrec refuses it on load
  // (json_loader.cc). Not run here.
  push('post/sequence-bytelevel-template', { base: GPT2, golden: 1, patch: { post_processor: { type: 'Sequence', processors: [
    { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [50256], tokens: ['<|endoftext|>'] } } }] } } });
  push('post/sequence-roberta-bytelevel', { base: ROBERTA, golden: 0, patch: { post_processor: { type: 'Sequence', processors: [
    roberta({ trim_offsets: false }), { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }] } } });

  // --- decoders.
  push('decoder/wordpiece-no-cleanup', { base: BERT, golden: 1, patch: { decoder: { type: 'WordPiece', prefix: '##', cleanup: false } } });
  push('decoder/wordpiece-other-prefix', { base: BERT, golden: 0, patch: { decoder: { type: 'WordPiece', prefix: 'un', cleanup: true } } });
  push('decoder/none-bert', { base: BERT, golden: 1, patch: { decoder: null } });
  push('decoder/bytelevel-on-bert', { base: BERT, golden: 0, patch: { decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } } });
  // (Strip with stop > 0: HF panics, aborting node, on a token shorter than
  // stop; not run.)
  push('decoder/strip-replace-seq', { base: BERT, golden: 1, patch: { decoder: { type: 'Sequence', decoders: [
    { type: 'WordPiece', prefix: '##', cleanup: true }, { type: 'Replace', pattern: { String: 'e' }, content: 'E' },
    { type: 'Strip', content: 'E', start: 2, stop: 0 }] } } });
  push('decoder/replace-regex', { base: BERT, golden: 1, patch: { decoder: { type: 'Sequence', decoders: [
    { type: 'Replace', pattern: { Regex: '#+' }, content: '' }, { type: 'Fuse' }] } } });
  push('decoder/llama2-strip-both', { base: LLAMA2, fixMerges: true, golden: 1, patch: { decoder: { type: 'Sequence', decoders: [
    { type: 'Replace', pattern: { String: '\u2581' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 2, stop: 0 }] } } });
  push('decoder/llama2-bytefallback-only', { base: LLAMA2, fixMerges: true, golden: 1, patch: { decoder: { type: 'ByteFallback' } } });
  push('decoder/metaspace-never', { base: T5, golden: 1, patch: { decoder: meta('never', true) } });

  // --- truncation and padding (special mode only).
  const trunc = (o) => Object.assign({ direction: 'Right', max_length: 12, strategy: 'LongestFirst', stride: 0 }, o);
  const pad = (o) => Object.assign({ strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: null, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' }, o);
  push('pad/bert-real-fixed-128', { base: BERT, keepBlocks: true, golden: 0 });
  push('trunc/longest-first', { base: BERT, golden: 1, patch: { truncation: trunc({}), padding: null } });
  push('trunc/only-first', { base: BERT, golden: 1, patch: { truncation: trunc({ strategy: 'OnlyFirst' }), padding: null } });
  push('trunc/only-second-left', { base: BERT, golden: 1, patch: { truncation: trunc({ strategy: 'OnlySecond', direction: 'Left' }), padding: null } });
  // (HF panics, aborting node, when a pair leaves a sequence fewer tokens
  // than the stride: no pairs here.)
  push('trunc/stride', { base: BERT, golden: 1, noPairs: true, patch: { truncation: trunc({ stride: 3, max_length: 9 }), padding: null } });
  push('trunc/tiny-max', { base: BERT, golden: 0, patch: { truncation: trunc({ max_length: 2 }), padding: null } });
  push('pad/fixed-left', { base: BERT, golden: 1, patch: { truncation: null, padding: pad({ strategy: { Fixed: 20 }, direction: 'Left', pad_type_id: 3 }) } });
  push('pad/batch-longest-multiple', { base: BERT, golden: 1, patch: { truncation: null, padding: pad({ pad_to_multiple_of: 8, pad_id: 103, pad_token: '[MASK]' }) } });
  push('pad/trunc-and-pad', { base: GPT2, golden: 1, patch: { truncation: trunc({ max_length: 10, direction: 'Left' }),
    padding: pad({ strategy: { Fixed: 10 }, pad_id: 50256, pad_token: '<|endoftext|>' }) } });
  // --- configs both must refuse (load errors).
  push('refuse/split-behavior', { base: BERT, golden: 1, patch: { pre_tokenizer: split({ String: ' ' }, 'Sideways') } });
  push('refuse/normalizer-type', { base: BERT, golden: 1, patch: { normalizer: { type: 'Uppercase' } } });
  push('refuse/model-type', { json: synWordPiece({}, { type: 'CharLevel' }), golden: 1 });
  push('refuse/bad-regex', { base: BERT, golden: 1, patch: { pre_tokenizer: split({ Regex: '(unclosed' }, 'Isolated') } });
  return v;
}

// The tokenizer.json of a variant (an object).
function variantJson(spec) {
  let j;
  if (spec.json) j = JSON.parse(JSON.stringify(spec.json));
  else {
    const base = readBase(spec.base);
    j = Object.assign({}, base);
    // {"$base": KEY} inside a patch stands for the base file's entry KEY
    // (so that third-party data such as a charsmap is never copied).
    const resolve = (x) => {
      if (Array.isArray(x)) return x.map(resolve);
      if (x && typeof x === 'object') {
        if (typeof x.$base === 'string') return base[x.$base];
        return Object.fromEntries(Object.entries(x).map(([k, val]) => [k, resolve(val)]));
      }
      return x;
    };
    for (const [k, val] of Object.entries(spec.patch || {})) j[k] = resolve(val);
    if (spec.model_patch) j.model = Object.assign({}, j.model, spec.model_patch);
  }
  return j;
}

// llama2's "a b" merges as pairs (see withPairMerges in hf_tokenizers.js;
// tokrec resolves the strings the same way, docs/conventions.md).
function pairMerges(j) {
  const vocab = j.model.vocab;
  return Object.assign({}, j, { model: Object.assign({}, j.model, { merges: j.model.merges.map((m) => {
    if (Array.isArray(m)) return m;
    for (let k = m.indexOf(' '); k >= 0; k = m.indexOf(' ', k + 1)) {
      const a = m.slice(0, k); const b = m.slice(k + 1);
      if (a in vocab && b in vocab) return [a, b];
    }
    throw new Error(`unresolvable merge ${m}`);
  }) }) });
}

// ---------------------------------------------------------------------------
// Held-out texts (written here, seeded per variant).

const WORDS = ('the Quick brown FOX jumps over lazy dogs Movie night hello world unbelievably tokenization running ' +
  'café naïve Über Straße ÀÉÎÕÜ Ñandú MOSCOW Москва привет ΣΊΣΥΦΟΣ ὁ λόγος مرحبا שָׁלוֹם नमस्ते क़ सलाम ภาษาไทย ' +
  '東京タワー 推荐系统 機器學習 한국어 ｶﾀｶﾅ ｈｅｌｌｏ ﬁne ① ²³ Ⅻ İstanbul ǅ ß ﬀ µ K Å Ω ŉ don\'t it\'s O\'Neil').split(' ');
const COMBINING = range(0x300, 0x36f).concat(chars('\u0e31\u093c\u094d\u05b0\u064b\u3099\u20d7'));
const ZW = chars('\u200b\u200c\u200d\ufeff\u2060\u00ad\u200e\u202e\ufe0f\u034f');
const CTRL = chars('\u0000\u0001\u0007\u0008\u000b\u000c\u001b\u007f\u0085\u009f\ufffd\u2028\u2029\r\t');
const SPACES = [' ', ' ', ' ', '  ', '   ', '\t', '\u00a0', '\u3000', '\u2003', '\u202f', ' \t ', '\r', '     '];
const NEWLINES = ['\n', '\r\n', '\n\n', ' \n ', '\n\t'];
const PUNCT = chars('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~«»“”‘’…—–¿¡、。「」！？，·•§');
const EMOJI = ['👨‍👩‍👧‍👦', '👍🏽', '🇫🇷', '❤️', '1️⃣', '😀', '🤖', '🏳️‍🌈', '✌️'];
const DIGITS = chars('0123456789٠١٢٣४५๑๒０１２');
const PIECES = ['▁', '▁▁', 'Ġ', 'Ċ', '##', '##ing', '</w>', '<0x41>', '<unk>', '<s>', '</s>', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[PAD]', '<|endoftext|>', '<extra_id_0>', '<extra_id_99>'];

// Fixed texts every variant gets (edge cases), then random ones.
function fixedTexts(addedStrings) {
  const a = addedStrings.length ? addedStrings : ['[MASK]'];
  const out = ['', ' ', '  ', '\t', 'a', 'Hello world', ' Hello  world ', 'hello\u00a0world', 'x'.repeat(120),
    'Supercalifragilistic'.repeat(8), '1234567890123', "don't stop, it's 3.14!", 'CAFÉ café cafe\u0301', '推荐系统 ok',
    'a\u0301\u0302 \u0301x', '\u200bzero\u200dwidth\ufeff', 'ctrl\u0000\u0007\u001bend', 'tab\there\rcr', 'emoji 👨‍👩‍👧‍👦👍🏽🇫🇷',
    '▁hello ▁▁ Ġworld', 'unbelievably tokenization'];
  for (const t of a) {
    out.push(t, `${t}${t}`, `${t} ${t}`, ` ${t}`, `${t} `, `  ${t}  x`, `x${t}y`, `hello${t} world`, `hello ${t}world`,
      `${t}hello`, `${t.toUpperCase()} ${t.toLowerCase()}`);
  }
  return out;
}

function hashName(s) {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0;
  return h;
}

function randomTexts(n, seed, addedStrings, multiline) {
  const rnd = mulberry32(seed);
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const atoms = [
    [10, () => pick(WORDS)],
    [3, () => pick(WORDS).toUpperCase()],
    [2, () => pick(WORDS) + pick(COMBINING) + (rnd() < 0.3 ? pick(COMBINING) : '')],
    [2, () => pick(ZW)],
    [2, () => pick(CTRL)],
    [2, () => pick(EMOJI)],
    [3, () => { let s = ''; for (let i = int(1, 8); i > 0; i--) s += pick(DIGITS); return s; }],
    [3, () => { let s = ''; for (let i = int(1, 4); i > 0; i--) s += pick(PUNCT); return s; }],
    [1, () => pick(PIECES)],
    [addedStrings.length ? 3 : 0, () => pick(addedStrings)],
    [1, () => pick(WORDS).repeat(int(5, 40))],
    [1, () => { let s = ''; for (let i = int(1, 6); i > 0; i--) s += pick(stableCodePoints()); return s; }],
  ];
  const total = atoms.reduce((s, x) => s + x[0], 0);
  const atom = () => {
    let r = rnd() * total;
    for (const [w, f] of atoms) { if (r < w) return f(); r -= w; }
    return 'x';
  };
  const out = [];
  for (let k = 0; k < n; k++) {
    let s = rnd() < 0.1 ? pick(SPACES) : '';
    const m = int(1, 14);
    for (let i = 0; i < m; i++) {
      s += atom();
      const r = rnd();
      s += r < 0.6 ? ' ' : r < 0.75 ? '' : (multiline && r < 0.85 ? pick(NEWLINES) : pick(SPACES));
    }
    if (rnd() < 0.2) s = s.trimEnd();
    out.push(s);
  }
  return out;
}

// Random code points U+0020..U+2FFF whose general category is the same in
// Unicode 3.2 and 14 (/usr/bin/python3's unicodedata) and that are not in
// ../data/wordpiece/unicode_differences.txt: HF's tables are older than
// tokrec's Unicode 15 (docs/conventions.md), so newer code points would
// show table differences, not bugs.
let stable = null;
function stableCodePoints() {
  if (stable) return stable;
  const diff = new Set();
  for (const line of fs.readFileSync(path.join(GOLDEN, 'wordpiece', 'unicode_differences.txt'), 'utf8').split('\n')) {
    const m = /^U\+([0-9A-F]+)\t/.exec(line);
    if (m) diff.add(parseInt(m[1], 16));
  }
  const py = 'import json,unicodedata as u\nprint(json.dumps([c for c in range(0x20, 0x3000) if u.category(chr(c)) != "Cn" and '
    + 'u.ucd_3_2_0.category(chr(c)) == u.category(chr(c)) and not 0xd800 <= c < 0xe000]))';
  stable = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py]).toString()).filter((c) => !diff.has(c)).map((c) => String.fromCodePoint(c));
  return stable;
}

function textsFor(spec, j, nTexts, seed) {
  const addedStrings = (j.added_tokens || []).map((t) => t.content);
  const single = fixedTexts(addedStrings).concat(randomTexts(nTexts, seed ^ hashName(spec.name), addedStrings, true));
  const rp = randomTexts(Math.max(8, nTexts >> 3) * 2, (seed + 1) ^ hashName(spec.name), addedStrings, true);
  const pairs = [['', ''], ['Hello world', 'unbelievably tokenization goes on and on'], ['a', '']];
  if (spec.noPairs) return { single, pairs: [] };
  for (let i = 0; i + 1 < rp.length; i += 2) pairs.push([rp[i], rp[i + 1]]);
  return { single, pairs };
}

// ---------------------------------------------------------------------------
// Hugging Face side.

const FIELDS = ['ids', 'tokens', 'type_ids', 'special_tokens_mask', 'attention_mask', 'offsets', 'decode', 'decode_skip'];

async function hfEncode(tok, a, b, special) {
  try {
    const e = await tok.encode(a, b === undefined ? null : b, { addSpecialTokens: special });
    const ids = Array.from(e.getIds());
    return {
      ids, tokens: e.getTokens(), type_ids: Array.from(e.getTypeIds()),
      special_tokens_mask: Array.from(e.getSpecialTokensMask()), attention_mask: Array.from(e.getAttentionMask()),
      offsets: e.getOffsets().map((o) => [o[0], o[1]]),
      decode: await tok.decode(ids, false), decode_skip: await tok.decode(ids, true),
    };
  } catch (err) {
    return { error: String(err.message || err).split('\n')[0] };
  }
}

async function hfRun(jsonText, texts) {
  let plain, special;
  try {
    plain = Tokenizer.fromString(jsonText);
    special = Tokenizer.fromString(jsonText);
  } catch (err) {
    return { load_error: String(err.message || err).split('\n')[0] };
  }
  plain.disableTruncation();
  plain.disablePadding();
  const run = async (a, b) => ({ plain: await hfEncode(plain, a, b, false), special: await hfEncode(special, a, b, true) });
  const single = [];
  for (const t of texts.single) single.push(await run(t));
  const pairs = [];
  for (const [a, b] of texts.pairs) pairs.push(await run(a, b));
  return { single, pairs };
}

// ---------------------------------------------------------------------------
// tokrec side.

function buildDriver(opt, tmp) {
  const build = path.dirname(opt.tokrec);
  const link = fs.readFileSync(path.join(build, 'CMakeFiles', 'tokrec_cli.dir', 'link.txt'), 'utf8').trim();
  const libs = link.slice(link.indexOf(' -o tokrec ') + ' -o tokrec '.length).trim().split(/\s+/);
  const exe = path.join(tmp, 'component_driver');
  execFileSync('c++', ['-std=c++20', '-O1', `-I${path.join(ROOT, 'include')}`, path.join(__dirname, 'component_driver.cc'),
    '-o', exe, ...libs, '-pthread'], { cwd: build, stdio: ['ignore', 'inherit', 'inherit'] });
  return exe;
}

function driverRun(driver, jobs, tmp) {
  const jobFile = path.join(tmp, 'jobs.jsonl');
  const outFile = path.join(tmp, 'driver_out.jsonl');
  fs.writeFileSync(jobFile, jobs.map((j) => JSON.stringify(j)).join('\n') + '\n');
  execFileSync(driver, [jobFile, outFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  return fs.readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// The CLI on the single-line texts: same fields as the driver's.
function cliRun(opt, file, texts, tmp) {
  const idx = texts.map((t, i) => (/[\n]/.test(t) || /\r$/.test(t) ? -1 : i)).filter((i) => i >= 0);
  const input = path.join(tmp, 'cli_in.txt');
  fs.writeFileSync(input, idx.map((i) => texts[i]).join('\n') + '\n');
  const res = {};
  for (const mode of ['plain', 'special']) {
    const args = ['tokenize', '--tokenizer', file, '--input', input, '--format', 'jsonl', '--offsets', '--special-tokens-mask', '--threads', '1'];
    if (mode === 'plain') args.push('--no-special-tokens');
    const out = execFileSync(opt.tokrec, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }).toString().split('\n');
    const idsFile = path.join(tmp, 'cli_ids.txt');
    const encs = idx.map((_, k) => JSON.parse(out[k]));
    fs.writeFileSync(idsFile, encs.map((e) => e.ids.join(' ')).join('\n') + '\n');
    const dec = {};
    for (const skip of [false, true]) {
      const a = ['detokenize', '--tokenizer', file, '--input', idsFile];
      if (skip) a.push('--skip-special-tokens');
      dec[skip] = execFileSync(opt.tokrec, a, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }).toString().split('\n');
    }
    idx.forEach((i, k) => {
      const e = encs[k];
      res[i] = res[i] || {};
      res[i][mode] = { ids: e.ids, tokens: e.tokens, type_ids: e.type_ids, special_tokens_mask: e.special_tokens_mask,
        attention_mask: e.attention_mask, offsets: e.offsets, decode: dec[false][k], decode_skip: dec[true][k] };
    });
  }
  return res;
}

// ---------------------------------------------------------------------------
// Comparison.

// Differences that are known and explained; counted apart.
const KNOWN_DIFFERENCES = {
  'bpe/syn-dropout': 'dropout > 0 refused on purpose (random encodings)',
};

let TOKENS_STRICT = false;
let tokenDiffs = 0;

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

function compareEnc(got, ref) {
  if (ref.error || got.error) {
    if (ref.error && got.error) return null;
    return `error: tokrec ${got.error ? JSON.stringify(got.error) : 'none'}, HF ${ref.error ? JSON.stringify(ref.error) : 'none'}`;
  }
  for (const f of FIELDS) {
    if (!same(got[f], ref[f])) {
      // HF's Encoding.tokens hold the text an added token matched (with
      // the whitespace lstrip/rstrip took, normalized for normalized
      // tokens) and a Unigram unknown piece's own text; tokrec's hold the
      // vocabulary string of each id (include/tokrec/tokenize/tokenizer.h).
      // Reported apart, once the other fields agree.
      if (f === 'tokens' && !TOKENS_STRICT) { tokenDiffs++; continue; }
      const a = got[f]; const b = ref[f];
      if (Array.isArray(a) && Array.isArray(b)) {
        let k = 0;
        while (k < a.length && k < b.length && same(a[k], b[k])) k++;
        return `${f} at ${k}: tokrec ${JSON.stringify(a.slice(Math.max(0, k - 2), k + 4))} (${a.length}) HF ${JSON.stringify(b.slice(Math.max(0, k - 2), k + 4))} (${b.length})`;
      }
      return `${f}: tokrec ${JSON.stringify(a)} HF ${JSON.stringify(b)}`;
    }
  }
  return null;
}

function esc(s, max = 80) {
  const cut = Array.from(s);
  return JSON.stringify(cut.slice(0, max).join('')).replace(/[\u0300-\u036f\u0080-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060\ufeff\ufe0f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + (cut.length > max ? `…(${cut.length})` : '');
}

// ---------------------------------------------------------------------------
// Golden file: ../data/components/components.jsonl. One {"variant": {...}}
// line per variant (base by reference, patches inline; synthetic ones whole),
// then its {"case": {...}} lines (a few texts and pairs, both modes).

function goldenSpec(spec) {
  const out = { name: spec.name };
  if (spec.json) out.json = spec.json;
  else {
    out.base = spec.base;
    if (spec.patch) out.patch = spec.patch;
    if (spec.model_patch) out.model_patch = spec.model_patch;
  }
  return out;
}

// Expected fields of one case, both modes; "tokens" left out where tokrec's
// differ (see compareEnc), so that the replay checks everything else.
function expectOf(refCase, mineCase) {
  const out = {};
  for (const mode of ['plain', 'special']) {
    const e = Object.assign({}, refCase[mode]);
    if (!e.error && !same(e.tokens, mineCase[mode].tokens)) delete e.tokens;
    // Compact: absent = all ones (attention_mask), all zeros (type_ids,
    // special_tokens_mask), same as decode (decode_skip).
    if (!e.error) {
      if (e.attention_mask.every((x) => x === 1)) delete e.attention_mask;
      if (e.type_ids.every((x) => x === 0)) delete e.type_ids;
      if (e.special_tokens_mask.every((x) => x === 0)) delete e.special_tokens_mask;
      if (e.decode_skip === e.decode) delete e.decode_skip;
    }
    out[mode] = e;
  }
  return out;
}

// Variants the sweep runs but the golden file leaves out (kept < 300 KB;
// each is a near-duplicate of one that is in).
const NOT_IN_GOLDEN = new Set(['unigram/syn-whitespace', 'added/single-word-lstrip-rstrip', 'bytelevel/no-regex-prefix',
  'pre/split-string-multichar', 'norm/strip-left', 'norm/strip-right', 'norm/bert-strip-null-lower-false',
  'pre/split-string-MergedWithPrevious', 'pre/punctuation-MergedWithPrevious', 'pre/split-regex-MergedWithNext',
  'norm/bert-strip-false-lower-true']);

function pickGolden(spec, texts, ref, mine, rnd) {
  if (!spec.golden) return [];
  // Kept small (the file stays a few hundred lines): an edge text (the
  // variant's added-token string inside a word, else accents in NFC and
  // NFD), a short random text and a short pair.
  const nFixed = fixedTexts([]).length;
  const hasAdded = texts.single.length > nFixed + 7 && spec.name.startsWith('added/');
  const want = [hasAdded ? nFixed + 7 : 12];
  const short = (t, k) => Array.from(t).length <= k;
  for (let tries = 0; want.length < 2 && tries < 400; tries++) {
    const i = nFixed + Math.floor(rnd() * (texts.single.length - nFixed));
    if (!want.includes(i) && short(texts.single[i], 26) && texts.single[i].trim()) want.push(i);
  }
  const cases = want.map((i) => ({ text: texts.single[i], expect: expectOf(ref.single[i], mine.single[i]) }));
  let p = -1;
  for (let tries = 0; p < 0 && tries < 400 && texts.pairs.length > 3; tries++) {
    const i = 3 + Math.floor(rnd() * (texts.pairs.length - 3));
    if (short(texts.pairs[i][0], 18) && short(texts.pairs[i][1], 18)) p = i;
  }
  if (p < 0 && texts.pairs.length > 1) p = 1;
  if (p >= 0) cases.push({ text: texts.pairs[p][0], pair: texts.pairs[p][1], expect: expectOf(ref.pairs[p], mine.pairs[p]) });
  return cases;
}

// ---------------------------------------------------------------------------

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  TOKENS_STRICT = !!opt.strictTokens;
  if (!fs.existsSync(opt.tokrec)) throw new Error(`${opt.tokrec}: no tokrec binary (build it or pass --tokrec)`);
  const tmp = opt.keep || fs.mkdtempSync(path.join(os.tmpdir(), 'tokrec-components-'));
  fs.mkdirSync(tmp, { recursive: true });
  const driver = buildDriver(opt, tmp);
  let all = variants();
  if (opt.only) all = all.filter((s) => opt.only.some((o) => s.name.includes(o)));

  const jobs = [];
  const prepared = [];
  for (const spec of all) {
    let j = variantJson(spec);
    const texts = textsFor(spec, j, opt.texts, opt.seed);
    const file = path.join(tmp, `${spec.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
    const text = JSON.stringify(j);
    fs.writeFileSync(file, text);
    if (spec.fixMerges) j = pairMerges(j);
    prepared.push({ spec, file, texts, hfJson: spec.fixMerges ? JSON.stringify(j) : text });
    jobs.push({ file, texts: texts.single, pairs: texts.pairs });
  }
  const got = driverRun(driver, jobs, tmp);

  const rows = [];
  const golden = [];
  let bad = 0;
  for (let v = 0; v < prepared.length; v++) {
    const { spec, file, texts, hfJson } = prepared[v];
    const t0 = Date.now();
    const ref = await hfRun(hfJson, texts);
    const mine = got[v];
    const row = { name: spec.name, texts: texts.single.length + texts.pairs.length, bad: 0, first: '' };
    tokenDiffs = 0;
    const note = (msg) => { row.bad++; if (!row.first) row.first = msg; };
    if (ref.load_error || mine.load_error) {
      row.texts = 0;
      if (!mine.load_error) note(`HF refuses (${ref.load_error}), tokrec loads`);
      else if (!ref.load_error) note(`tokrec refuses (${mine.load_error}), HF loads`);
      else row.first = `both refuse: HF "${ref.load_error.slice(0, 60)}" / tokrec "${mine.load_error.slice(0, 80)}"`;
    } else {
      const shown = [];
      const check = (kind, i, label) => {
        for (const mode of ['plain', 'special']) {
          const d = compareEnc(mine[kind][i][mode], ref[kind][i][mode]);
          if (d) {
            note(`${label} [${mode}] ${d}`);
            if (shown.length < opt.show) shown.push(`    ${label} [${mode}]: ${d}`);
            break;
          }
        }
      };
      texts.single.forEach((t, i) => check('single', i, `text ${esc(t)}`));
      texts.pairs.forEach((p, i) => check('pairs', i, `pair ${esc(p[0], 40)} / ${esc(p[1], 40)}`));
      // The CLI must give what the driver gives (single-line texts).
      // (A text the API refuses fails the CLI's whole batch: skipped then.)
      // (Nor with BatchLongest padding: the CLI pads its whole batch.)
      const batchPad = spec.patch && spec.patch.padding && spec.patch.padding.strategy === 'BatchLongest';
      const anyError = batchPad || mine.single.some((r) => r.plain.error || r.special.error);
      const cli = anyError ? {} : cliRun(opt, file, texts.single, tmp);
      for (const [i, r] of Object.entries(cli)) {
        for (const mode of ['plain', 'special']) {
          const d = mine.single[i][mode];
          if (d.error) continue;
          const r2 = Object.assign({}, r[mode]);
          // detokenize writes one line per text: a decoded '\n' cannot be told apart.
          if (/\n/.test(d.decode)) r2.decode = d.decode;
          if (/\n/.test(d.decode_skip)) r2.decode_skip = d.decode_skip;
          const diff = compareEnc(r2, d);
          if (diff) note(`CLI vs API on text ${esc(texts.single[i])} [${mode}] ${diff}`);
        }
      }
      if (shown.length) console.log(`${spec.name}:\n${shown.join('\n')}`);
      if (opt.writeGolden && !row.bad && spec.golden && !NOT_IN_GOLDEN.has(spec.name)) {
        golden.push({ variant: goldenSpec(spec) });
        const rnd = mulberry32(hashName(spec.name));
        for (const c of pickGolden(spec, texts, ref, mine, rnd)) golden.push({ case: Object.assign({ variant: spec.name }, c) });
      }
    }
    if (opt.writeGolden && (ref.load_error || mine.load_error) && ref.load_error && mine.load_error) {
      golden.push({ variant: Object.assign(goldenSpec(spec), { load_error: true }) });
    }
    row.known = KNOWN_DIFFERENCES[spec.name];
    if (tokenDiffs) row.tokens = tokenDiffs;
    if (row.bad && !row.known) bad++;
    row.secs = (Date.now() - t0) / 1000;
    rows.push(row);
  }

  console.log('\nvariant'.padEnd(52) + 'texts  mismatches  first mismatch');
  for (const r of rows) {
    console.log(`${r.name.padEnd(51)} ${String(r.texts).padStart(5)} ${String(r.bad).padStart(11)}  ${r.known ? '(known) ' : ''}${r.tokens ? `[tokens differ: ${r.tokens}] ` : ''}${r.first.slice(0, 220)}`);
  }
  console.log(`\n${rows.length} variants, ${rows.filter((r) => r.bad).length} with mismatches (${bad} unexplained)`);

  if (opt.writeGolden) {
    const dir = path.join(GOLDEN, 'components');
    fs.mkdirSync(dir, { recursive: true });
    const header = { generator: 'tests/golden/gen/component_sweep.js --write-golden', reference: 'Hugging Face tokenizers 0.22 (npm @anush008/tokenizers)',
      note: 'base = "cache:" (TOKREC_CACHE_DATA) or "shared:" (TOKREC_SHARED_DATA) path of a real tokenizer.json; patch replaces its top-level entries ({"$base": KEY} = the base file\'s entry), model_patch fields of its model. Cases: plain = add_special_tokens false (no truncation/padding), special = true; offsets in code points; absent attention_mask = all 1, type_ids / special_tokens_mask = all 0, decode_skip = decode; tokens absent where tokrec\'s differ (HF puts matched text there).' };
    const body = [JSON.stringify({ header })].concat(golden.map((g) => JSON.stringify(g))).join('\n') + '\n';
    fs.writeFileSync(path.join(dir, 'components.jsonl'), body);
    console.log(`wrote ${path.join(dir, 'components.jsonl')}: ${golden.length + 1} lines, ${body.length} bytes`);
  }
  if (!opt.keep) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(bad ? 1 : 0);
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(2); });
