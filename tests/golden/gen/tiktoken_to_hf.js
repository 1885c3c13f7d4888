#!/usr/bin/env node
// tiktoken rank file -> Hugging Face tokenizer.json, built the way
// transformers' TikTokenConverter builds one (convert_slow_tokenizer.py), so
// that HF tokenizers can run the tiktoken encodings (the side-by-side
// benchmark's o200k_base / cl100k_base vs HF figures) and tokrec's
// tokenizer.json path can be checked against its rank-file path:
//
//  * vocab: every token's bytes spelled in GPT-2's byte-to-unicode alphabet,
//    id = rank;
//  * merges: for each token of two or more bytes, BPE on its own bytes with
//    only the ranks below its own; when that ends in two parts, they are the
//    token's merge (merges come out ordered by the merged token's rank, so a
//    merge's priority is its token's rank, as in tiktoken);
//  * ignore_merges: true (a pre-tokenized word that is a token is that token,
//    as tiktoken looks the whole piece up first);
//  * pre_tokenizer: Sequence[Split(Regex pat_str, Isolated), ByteLevel(add_prefix_space=false,
//    use_regex=false)], decoder ByteLevel, post_processor ByteLevel(trim_offsets=false);
//  * added tokens: the encoding's special tokens (special, not normalized),
//    also entered in the vocabulary at their ids (see convert(): HF would
//    otherwise renumber them where the encoding leaves gaps);
//  * normalizer: NFC for qwen (docs/conventions.md), none otherwise.
//
// Output goes to the git-ignored data cache, never into the repository:
//   $TOKREC_CACHE_DATA (default data/cache)/tokenizers/tiktoken-hf/<name>/tokenizer.json
//
//   cd tests/golden/gen && npm install --ignore-scripts
//   node tiktoken_to_hf.js [--check] [NAME ...]     NAME: cl100k_base o200k_base llama3 qwen
//                                                  (default: every one whose rank file is cached)
// --check: also encode the BPE golden inputs (tests/golden/data/bpe/manifest.json)
// with HF tokenizers on the new file and compare with the committed tiktoken
// goldens (<name>.ids); exit 1 on any difference.
// Needs only node for the conversion; --check needs npm @anush008/tokenizers.
'use strict';

const fs = require('fs');
const path = require('path');
const { TIKTOKEN } = require('./tiktoken_encodings');

const { CACHE, GOLDEN } = require('./paths');

// GPT-2's byte -> character table: printable Latin-1 bytes stand for
// themselves, the other 68 bytes take U+0100 onwards in byte order.
function byteAlphabet() {
  const table = new Array(256);
  let next = 0x100;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : next++);
  }
  return table;
}

// Rank file lines "<base64> <rank>" -> [[bytes as a latin1 string, rank]].
function readRanks(file) {
  const out = [];
  const text = fs.readFileSync(file, 'utf8');
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    ++lineNo;
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const m = /^([A-Za-z0-9+/=]+) (\d+)$/.exec(line);
    if (!m) throw new Error(`${file} line ${lineNo}: expected '<base64> <rank>'`);
    out.push([Buffer.from(m[1], 'base64').toString('latin1'), Number(m[2])]);
  }
  return out;
}

// tiktoken's byte_pair_merge on `token`, allowing only ranks below maxRank:
// the lowest-ranked adjacent pair merges first (leftmost on ties).
function bpeParts(rankOf, token, maxRank) {
  const parts = Array.from(token);
  for (;;) {
    let best = -1;
    let bestRank = maxRank;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = rankOf.get(parts[i] + parts[i + 1]);
      if (r !== undefined && r < bestRank) { best = i; bestRank = r; }
    }
    if (best < 0) return parts;
    parts.splice(best, 2, parts[best] + parts[best + 1]);
  }
}

function convert(spec) {
  const meta = spec.meta();
  const ranks = readRanks(path.join(CACHE, spec.path)).sort((a, b) => a[1] - b[1]);
  const rankOf = new Map(ranks);
  if (rankOf.size !== ranks.length) throw new Error(`${spec.path}: a token appears twice`);
  const alphabet = byteAlphabet();
  const spell = (bin) => { let s = ''; for (let i = 0; i < bin.length; i++) s += alphabet[bin.charCodeAt(i)]; return s; };
  const vocab = {};
  const merges = [];
  let unreachable = 0;  // multi-byte tokens that BPE never builds (no merge; only whole-word hits)
  for (const [bin, rank] of ranks) {
    vocab[spell(bin)] = rank;
    if (bin.length < 2) continue;
    const parts = bpeParts(rankOf, bin, rank);
    if (parts.length === 2) merges.push([spell(parts[0]), spell(parts[1])]);
    else ++unreachable;
  }
  // The special tokens also go into the model's vocabulary at their ids: HF
  // gives an added token that the model does not know the next free id
  // (vocabulary size onwards), which is wrong wherever the encoding leaves a
  // gap (o200k_base: ranks end at 199997, <|endoftext|> is 199999;
  // cl100k_base: 100256 is unused). Pre-tokenized words never reach these
  // entries: added tokens are cut out of the text before pre-tokenization.
  const specials = Object.entries(meta.special_tokens).sort((a, b) => a[1] - b[1]);
  for (const [content, id] of specials) {
    if (content in vocab) throw new Error(`${spec.name}: special token ${content} is also a rank`);
    vocab[content] = id;
  }
  const added = specials.map(([content, id]) =>
    ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: spec.nfc ? { type: 'NFC' } : null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: meta.pat_str }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab,
      merges,
    },
  };
  const out = path.join(CACHE, 'tokenizers', 'tiktoken-hf', spec.name, 'tokenizer.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out + '.part', JSON.stringify(tokenizer));
  fs.renameSync(out + '.part', out);
  console.log(`${spec.name}: ${ranks.length} tokens, ${merges.length} merges, ${unreachable} tokens without a merge -> ${out}`);
  return out;
}

// The BPE golden inputs, in the order of tests/golden/data/bpe/manifest.json.
function goldenTexts() {
  const manifest = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'bpe', 'manifest.json'), 'utf8'));
  let texts = [];
  for (const input of manifest.inputs) {
    const content = fs.readFileSync(path.join(GOLDEN, input.file), 'utf8');
    if (input.file.endsWith('.json')) { texts = texts.concat(JSON.parse(content)); continue; }
    const lines = content.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    texts = texts.concat(input.lines === 'all' ? lines : lines.slice(0, input.lines));
  }
  if (texts.length !== manifest.count) throw new Error(`golden inputs: ${texts.length} texts, manifest says ${manifest.count}`);
  return texts;
}

async function check(spec, file) {
  const { Tokenizer } = require('@anush008/tokenizers');
  const tok = Tokenizer.fromFile(file);
  const texts = goldenTexts();
  const expected = fs.readFileSync(path.join(GOLDEN, 'bpe', `${spec.name}.ids`), 'utf8').split('\n');
  const encs = await tok.encodeBatch(texts, { addSpecialTokens: false });
  let bad = 0;
  encs.forEach((e, i) => {
    const got = e.getIds().join(' ');
    if (got === expected[i]) return;
    if (++bad <= 5) console.error(`  ${spec.name} input ${i} ${JSON.stringify(texts[i])}\n    tiktoken ${expected[i]}\n    HF       ${got}`);
  });
  console.log(`${spec.name}: HF tokenizers on the converted file vs tiktoken goldens: ${bad ? bad + ' of ' + texts.length + ' DIFFER' : 'all ' + texts.length + ' identical'}`);
  return bad === 0;
}

async function main() {
  const args = process.argv.slice(2);
  const doCheck = args.includes('--check');
  const names = args.filter((a) => a !== '--check');
  for (const n of names)
    if (!TIKTOKEN.some((s) => s.name === n)) throw new Error(`unknown encoding '${n}' (known: ${TIKTOKEN.map((s) => s.name).join(', ')})`);
  let ok = true;
  for (const spec of TIKTOKEN) {
    if (names.length ? !names.includes(spec.name) : !fs.existsSync(path.join(CACHE, spec.path))) continue;
    const file = convert(spec);
    if (doCheck) ok = (await check(spec, file)) && ok;
  }
  if (!ok) process.exit(1);
}

main().catch((e) => { console.error(`tiktoken_to_hf: ${e.message}`); process.exit(1); });
