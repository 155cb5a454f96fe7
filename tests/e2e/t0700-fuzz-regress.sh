#!/usr/bin/env bash
# t0700-fuzz-regress.sh - every fuzz harness (tests/fuzz) runs once over its
# seed corpus, which keeps each input that once crashed: no crash, no
# sanitizer report, in a few seconds.  No fuzzing here ("make fuzz" does
# that).  make check builds the harnesses when configure found a FUZZ_CC
# (clang) with -fsanitize=fuzzer; without them this test fails.
. "$(dirname "$0")/lib.sh"

bin=$DBKEEP_BUILD/tests/fuzz/build
for t in manifest names pg_split gunzip config; do
	h=$bin/fuzz_$t
	corpus=$DBKEEP_SRC/tests/fuzz/corpus/$t
	if [ ! -x "$h" ]; then
		not_ok "fuzz_$t is built (needs clang and libclang-rt-14-dev when configure runs)"
		continue
	fi
	n=$(find "$corpus" -type f | wc -l)
	if [ "$n" -eq 0 ]; then
		not_ok "fuzz_$t has a seed corpus in tests/fuzz/corpus/$t"
		continue
	fi
	# Given files (not folders), libFuzzer runs each once and stops.
	if (cd "$T" && "$h" "$corpus"/* >"$T/$t.log" 2>&1); then
		ok "fuzz_$t runs its $n corpus inputs without a crash or sanitizer report"
	else
		not_ok "fuzz_$t crashed on its corpus"
		grep -E 'ERROR|runtime error|^fuzz_|^SUMMARY|^Running' "$T/$t.log" | tail -n 15 | sed 's/^/# /'
	fi
done
