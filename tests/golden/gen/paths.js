// The folders every golden generator reads and writes: the repository root,
// the data cache (TOKREC_CACHE_DATA, else data/cache, filled by
// scripts/fetch-data.sh), the shared third-party data (TOKREC_SHARED_DATA,
// else ../shared/data) and the committed golden data.
'use strict';

const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CACHE = process.env.TOKREC_CACHE_DATA || path.join(ROOT, 'data', 'cache');
const SHARED = process.env.TOKREC_SHARED_DATA || path.join(ROOT, '..', 'shared', 'data');
const GOLDEN = path.join(ROOT, 'tests', 'golden', 'data');

module.exports = { ROOT, CACHE, SHARED, GOLDEN };
