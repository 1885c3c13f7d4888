# Shared checks for tests/integration/*.sh (sourced, not a test itself: ctest
# only registers the scripts directly under tests/integration/).
# Gives: $TMP (removed on exit), fail, expect_eq, expect_error, finish_checks.
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_eq() {  # name expected actual
  if [[ "$2" != "$3" ]]; then fail "$1: expected [$2] got [$3]"; fi
}
# Bad input: non-zero exit, exactly one line on stderr containing $2, no crash.
expect_error() {  # name needle command...
  local name="$1" needle="$2"; shift 2
  "$@" >"$TMP/err.out" 2>"$TMP/err.txt" </dev/null
  local rc=$?
  if [[ $rc -eq 0 ]]; then fail "$name: exit 0"; return; fi
  if [[ $rc -ge 128 ]]; then fail "$name: crashed (rc $rc)"; return; fi
  local n; n=$(wc -l <"$TMP/err.txt")
  if [[ $n -ne 1 ]]; then fail "$name: $n stderr lines: $(cat "$TMP/err.txt")"; fi
  grep -qF -- "$needle" "$TMP/err.txt" || fail "$name: stderr lacks '$needle': $(cat "$TMP/err.txt")"
}
# Last line of a script: exit 1 with the count when any check failed.
finish_checks() {  # script name
  if [[ $failures -ne 0 ]]; then
    echo "$failures failure(s)"
    exit 1
  fi
  echo "$1: all checks passed"
}
