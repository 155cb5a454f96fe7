#!/usr/bin/env bash
# t0510-distcheck.sh - a release tarball builds from scratch.  `make
# distcheck` in the build folder makes the tarball, unpacks it read-only,
# configures and builds it out of tree, runs make check, install and
# uninstall under a prefix and under DESTDIR, makes the tarball again and
# distcleans; it must exit 0 and say the archive is ready.
#
# The check inside the distcheck runs a subset (DBKEEP_TESTS, see
# tests/run): the unit tests, the command line (t0001) and the admin's
# toolkit (t0500: man page, contrib files, install and uninstall), all from
# the unpacked tarball.  The whole suite there would take as long again and
# run this test inside itself; a developer's plain `make distcheck` still
# runs everything.
. "$(dirname "$0")/lib.sh"

mk=$DBKEEP_BUILD/Makefile
if [ ! -f "$mk" ]; then
	not_ok "a Makefile in the build folder '$DBKEEP_BUILD' (run configure)"
	exit 1
fi
distdir=$(sed -n 's/^PACKAGE = //p' "$mk")-$(sed -n 's/^VERSION = //p' "$mk")
tarball=$DBKEEP_BUILD/$distdir.tar.gz
subset="unit/ e2e/t0001 e2e/t0500"
shared=$(cd "$SHARED" && pwd)
had_tarball=
[ -e "$tarball" ] && had_tarball=1
touch "$T/stamp"

# As a developer runs it: nothing of this runner's environment (the binary
# under test, the outer make's flags) leaks into the check inside, except
# the shared corpus and the PostgreSQL server already running.
env -u DBKEEP -u DBKEEP_SRC -u DBKEEP_BUILD -u CORPUS -u TOOLS -u PSQL \
	-u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	DBKEEP_SHARED="$shared" DBKEEP_TESTS="$subset" \
	make -C "$DBKEEP_BUILD" distcheck </dev/null >"$T/distcheck.log" 2>&1
status=$?
if [ "$status" -eq 0 ]; then ok "make distcheck exits 0"; else
	not_ok "make distcheck exits 0 (exit $status)"
	grep -vE '^[0-9-]+ [0-9:.]+ UTC \[' "$T/distcheck.log" | tail -40 | sed 's/^/# /'
fi
dre=${distdir//./\\.}
grep_in "it says the archive is ready" "^$dre archives ready for distribution: *$" "$T/distcheck.log"
grep_in "naming the tarball" "^$dre\.tar\.gz$" "$T/distcheck.log"
check "the tarball is there, made now" test "$tarball" -nt "$T/stamp"
check "gzip reads it" gzip -t "$tarball"

# The check inside ran the subset, on the binary built from the tarball.
grep_in "the check inside ran only the subset" "^tests/run: only the tests matching: $subset$" "$T/distcheck.log"
grep_in "on the binary built in the unpacked tree" "DBKEEP=[^ ]*/$distdir/_build/sub/dbkeep " "$T/distcheck.log"
for t in unit/test_names e2e/t0001 e2e/t0500; do
	grep_in "the check inside passed $t" "^ok +$t" "$T/distcheck.log"
done
grep_in "and ended with no failure" "^[1-9][0-9]* passed, 0 failed$" "$T/distcheck.log"

# The tarball holds every file of the repository but those that only serve
# the repository (when the source is a git checkout).
tar -tzf "$tarball" | sed -n "s|^$distdir/||p" | grep -v '/$' | LC_ALL=C sort >"$T/tar.list"
if [ -e "$DBKEEP_SRC/.git" ] && command -v git >/dev/null; then
	git -C "$DBKEEP_SRC" ls-files | grep -vxE '\.gitignore|\.clang-format' |
		while read -r f; do [ -e "$DBKEEP_SRC/$f" ] && echo "$f"; done |
		LC_ALL=C sort | LC_ALL=C comm -23 - "$T/tar.list" >"$T/missing"
	same "the tarball holds every file git tracks" "" "$(xargs <"$T/missing")"
fi
for f in configure Makefile.in README COPYING doc/dbkeep.1 tests/run tests/e2e/lib.sh \
	tests/e2e/t0510-distcheck.sh contrib/dbkeep.service; do
	grep -qxF "$f" "$T/tar.list" || missing_f="${missing_f:-} $f"
done
same "the tarball holds configure, the docs, contrib and the tests" "" "${missing_f:-}"

# The build folder is left as it was: distcheck removed its unpacked tree
# (a failed one leaves it, read-only: it goes too, so that a distcheck
# running this test finds a clean build folder), and the tarball goes
# unless it was there before.
check "no unpacked tree is left in the build folder" test ! -e "$DBKEEP_BUILD/$distdir"
if [ -e "$DBKEEP_BUILD/$distdir" ]; then
	chmod -R u+w "$DBKEEP_BUILD/$distdir" && rm -rf "$DBKEEP_BUILD/$distdir"
fi
[ -n "$had_tarball" ] || rm -f "$tarball"
