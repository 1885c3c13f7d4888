// Seeded random text for the golden generators and diff_check.js.
'use strict';

// mulberry32: a small seeded PRNG (floats in [0, 1)), so that generated
// inputs are reproducible.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The characters of code points lo..hi (inclusive), and of a string.
function range(lo, hi) {
  const out = [];
  for (let c = lo; c <= hi; c++) out.push(String.fromCodePoint(c));
  return out;
}
const chars = (s) => Array.from(s);

module.exports = { mulberry32, range, chars };
