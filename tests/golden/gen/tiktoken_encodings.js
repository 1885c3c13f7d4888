// The named tiktoken encodings of docs/conventions.md (pattern, special
// tokens, NFC) for the generators that read rank files: gen_bpe.js (tiktoken
// goldens) and tiktoken_to_hf.js (rank file -> tokenizer.json).
'use strict';

const fs = require('fs');
const path = require('path');

const { SHARED } = require('./paths');

const CL100K = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN = CL100K.replace('\\p{N}{1,3}', '\\p{N}');

// Meta's llama/tokenizer.py: 256 special tokens after the 128,000 ranks.
function llama3Specials() {
  const named = ['<|begin_of_text|>', '<|end_of_text|>', '<|reserved_special_token_0|>',
    '<|reserved_special_token_1|>', '<|reserved_special_token_2|>', '<|reserved_special_token_3|>',
    '<|start_header_id|>', '<|end_header_id|>', '<|reserved_special_token_4|>', '<|eot_id|>'];
  for (let i = 5; i < 251; i++) named.push(`<|reserved_special_token_${i}|>`);
  const out = {};
  named.forEach((t, i) => { out[t] = 128000 + i; });
  return out;
}

// Qwen's tokenization_qwen.py: specials from 151643.
function qwenSpecials() {
  const named = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
  for (let i = 0; i < 205; i++) named.push(`<|extra_${i}|>`);
  const out = {};
  named.forEach((t, i) => { out[t] = 151643 + i; });
  return out;
}

// Shared data's meta files carry OpenAI's patterns and specials; read them
// when present so the output follows the reference exactly.
function sharedMeta(name) {
  const file = path.join(SHARED, 'tokenizers', 'tiktoken', `${name}.meta.json`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing (pattern and special tokens of ${name})`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// path: the rank file under the data cache; meta(): {pat_str, special_tokens};
// nfc: the text is NFC-normalized before encoding.
const TIKTOKEN = [
  { name: 'cl100k_base', path: 'tokenizers/tiktoken/cl100k_base.tiktoken', meta: () => sharedMeta('cl100k_base') },
  { name: 'o200k_base', path: 'tokenizers/tiktoken/o200k_base.tiktoken', meta: () => sharedMeta('o200k_base') },
  { name: 'llama3', path: 'tokenizers/llama3/tokenizer.model', meta: () => ({ pat_str: CL100K, special_tokens: llama3Specials() }) },
  { name: 'qwen', path: 'tokenizers/qwen/qwen.tiktoken', nfc: true, meta: () => ({ pat_str: QWEN, special_tokens: qwenSpecials() }) },
];

module.exports = { TIKTOKEN };
