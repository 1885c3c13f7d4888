#!/usr/bin/env bash
# tokrec segment against the committed python3-jieba goldens (held-out text),
# through the CLI's I/O contract: one output line per input line, words joined
# by one space, word/tag with --pos, blank words not printed.
#   bash tests/integration/segment_cli.sh <tokrec> <source-dir>
set -euo pipefail
BIN=$1; SRC=$2
export TOKREC_JIEBA_DIR=${TOKREC_CACHE_DATA:-$SRC/data/cache}/zh/jieba
if [[ ! -f $TOKREC_JIEBA_DIR/dict.txt ]]; then echo "SKIP: jieba data missing (scripts/fetch-data.sh)"; exit 0; fi
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
GOLD=$SRC/tests/golden/data/jieba/heldout.jsonl

# Inputs (lines without line breaks inside) and expected outputs per mode.
python3 - "$GOLD" "$TMP" <<'PY'
import json, sys
gold, tmp = sys.argv[1], sys.argv[2]
recs = [json.loads(l) for l in open(gold, encoding="utf-8")]
recs = [r for r in recs if "\n" not in r["text"] and "\r" not in r["text"]]
def out(name, lines):
    with open(f"{tmp}/{name}", "w", encoding="utf-8", newline="\n") as f:
        for l in lines: f.write(l + "\n")
out("in.txt", [r["text"] for r in recs])
for mode in ["accurate", "accurate_nohmm", "full", "search"]:
    out(mode + ".want", [" ".join(w for w in r[mode] if w.strip()) for r in recs])
out("pos.want", [" ".join(f"{w}/{t}" for w, t in r["pos"] if w.strip()) for r in recs])
PY

compare() {  # compare NAME GOT WANT
  python3 - "$1" "$2" "$3" <<'PY'
import sys
name, got, want = sys.argv[1:]
g = open(got, encoding="utf-8").read().split("\n"); w = open(want, encoding="utf-8").read().split("\n")
assert len(g) == len(w), f"{name}: {len(g)} output lines for {len(w)} expected"
same = sum(a == b for a, b in zip(g, w))
print(f"{name}: {same}/{len(w)} identical lines ({100 * same / len(w):.3f}%)")
for a, b in zip(g, w):
    if a != b: print("  got: ", a, "\n  want:", b); break
sys.exit(0 if same >= 0.999 * len(w) else 1)
PY
}

"$BIN" segment --input "$TMP/in.txt" --output "$TMP/accurate.got"
compare accurate "$TMP/accurate.got" "$TMP/accurate.want"
"$BIN" segment --no-hmm < "$TMP/in.txt" > "$TMP/nohmm.got"          # stdin -> stdout
compare accurate-no-hmm "$TMP/nohmm.got" "$TMP/accurate_nohmm.want"
"$BIN" segment --mode full --input "$TMP/in.txt" > "$TMP/full.got"
compare full "$TMP/full.got" "$TMP/full.want"
"$BIN" segment --mode search --input "$TMP/in.txt" > "$TMP/search.got"
compare search "$TMP/search.got" "$TMP/search.want"
"$BIN" segment --pos --input "$TMP/in.txt" > "$TMP/pos.got"
compare pos "$TMP/pos.got" "$TMP/pos.want"

# User dictionary and explicit --dict.
printf '清华大学 0\n' > "$TMP/user.txt"
out=$(echo "我来到北京清华大学" | "$BIN" segment --user-dict "$TMP/user.txt" --no-hmm)
[[ "$out" == "我 来到 北京 清华 大学" ]] || { echo "user dict not applied: $out"; exit 1; }
printf '北京 10\n大学 5\n' > "$TMP/tiny.txt"
out=$(echo "北京大学" | "$BIN" segment --dict "$TMP/tiny.txt" --no-hmm)
[[ "$out" == "北京 大学" ]] || { echo "--dict not applied: $out"; exit 1; }
# Blank words are not printed; an empty line stays an empty line.
out=$(printf '中国\xe3\x80\x80\t 人民\n\n' | "$BIN" segment)
[[ "$out" == $'中国 人民\n' || "$out" == "中国 人民" ]] || { echo "blank handling: [$out]"; exit 1; }
[[ $(printf 'a\n\nb\n' | "$BIN" segment | wc -l) == 3 ]] || { echo "line count"; exit 1; }

# Errors: one line, exit 1.
expect_error() {  # expect_error PATTERN CMD...
  local pat=$1; shift
  set +e; err=$("$@" 2>&1 >/dev/null < /dev/null); rc=$?; set -e
  [[ $rc -ne 0 && $(wc -l <<< "$err") -eq 1 && "$err" == *"$pat"* ]] || { echo "expected error '$pat', got rc=$rc: $err"; exit 1; }
}
expect_error "unknown mode" "$BIN" segment --mode fast
expect_error "dict" "$BIN" segment --dict /nonexistent/dict.txt
expect_error "accurate mode only" "$BIN" segment --pos --mode full
printf '\xff\xfe\n' > "$TMP/bad.txt"
expect_error "UTF-8" "$BIN" segment --input "$TMP/bad.txt"
echo "segment_cli: OK"
