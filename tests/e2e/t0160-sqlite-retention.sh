#!/usr/bin/env bash
# t0160-sqlite-retention.sh - which backups retention deletes, checked on
# disk: whole sets (data, .sha256, .json) of the oldest regular backups go;
# legacy files, safety backups, other files and other databases' backups
# stay; --dry-run, --no-prune and the environment behave as documented.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
sqlite3 s.db "create table t(x); insert into t values (1), (2);"
sqlite3 other.db "create table u(y); insert into u values ('a');"
B=bk
sets() { # sets LABEL: the data files of LABEL's regular backups, newest first by name
	ls "$B" | grep -E "^$1_[0-9]{8}_[0-9]{6}(_[0-9]+)?\.db\.gz$" |
		sed -E 's/\.db\.gz$//; s/_([0-9]{6})$/_\1_1/' | sort -t_ -k2,2r -k3,3r -k4,4nr |
		sed -E 's/_1$//; s/$/.db.gz/'
}
count_sets() { sets "$1" | grep -c .; }
set_complete() { test -f "$B/$1" -a -f "$B/$1.sha256" -a -f "$B/$1.json"; }
set_gone() { test ! -e "$B/$1" -a ! -e "$B/$1.sha256" -a ! -e "$B/$1.json"; }
others_sum() { # checksums of everything that is not a regular set of s or other
	(cd "$B" && ls -A | grep -vE '^(s|other)_[0-9]{8}_[0-9]{6}(_[0-9]+)?\.db\.gz(\.sha256|\.json)?$|^\.dbkeep\.(lock|index)$' |
		xargs -r sha256sum)
}
backup_s() { "$DBKEEP" backup --db s.db -d "$B" -q "$@" </dev/null; }

# ---- five backups, legacy files, a safety backup, a stranger -------------
for i in 1 2 3 4 5; do backup_s --no-prune; done
same "(set-up) five regular backups" "$(count_sets s)" 5
all5=$(sets s)
cp s.db "$B/old.db"
sqlite3 s.db .dump | gzip >"$B/dump.sql.gz"
printf -- '--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE t (x integer);\n' | gzip >"$B/pg_dump.sql.gz"
echo "not a backup" >"$B/notes.txt"
touch -d '3 days ago' "$B/old.db" "$B/dump.sql.gz" "$B/pg_dump.sql.gz"
"$DBKEEP" restore 1 -d "$B" --force -q </dev/null
same "(set-up) one safety backup" "$(ls "$B" | grep -c '^s_preRestore_.*\.db\.gz$')" 1
keep_sum=$(others_sum)

run 0 "list shows the legacy files" "$DBKEEP" list -d "$B"
grep_in "the plain copy old.db is listed as legacy" "legacy +old\.db$" "$T/out"
grep_in "a pg_dump file is listed as legacy" "legacy +pg_dump\.sql\.gz$" "$T/out"
grep_in "an sqlite3 .dump (gzip) is listed as legacy" "legacy +dump\.sql\.gz$" "$T/out"
check "notes.txt is not listed" bash -c "! grep -q notes.txt '$T/out'"

# ---- prune --dry-run ---------------------------------------------------------
before=$(ls -A "$B")
run 0 "prune --keep-last 2 --dry-run exits 0" "$DBKEEP" prune -d "$B" --keep-last 2 --dry-run
same "--dry-run says 3 would go" "$(grep -ci 'would delete' "$T/out")" 3
for x in $(echo "$all5" | tail -3); do
	grep_in "--dry-run names $x" "would delete +$x" "$T/out"
done
same "--dry-run deletes nothing" "$(ls -A "$B")" "$before"

# ---- prune ------------------------------------------------------------------
run 0 "prune --keep-last 2 exits 0" "$DBKEEP" prune -d "$B" --keep-last 2
same "exactly 2 regular backups remain" "$(count_sets s)" 2
same "they are the 2 newest" "$(sets s)" "$(echo "$all5" | head -2)"
for x in $(echo "$all5" | head -2); do check "$x is complete" set_complete "$x"; done
for x in $(echo "$all5" | tail -3); do check "all three files of $x are gone" set_gone "$x"; done
same "legacy files, the safety backup and notes.txt are untouched" "$(others_sum)" "$keep_sum"
run 0 "list after prune" "$DBKEEP" list -d "$B"
same "list shows the 2 regular backups" "$(grep -cE ' scheduled +s_' "$T/out")" 2
grep_in "old.db still listed as legacy" "legacy +old\.db$" "$T/out"
grep_in "the safety backup still listed" "^[ !]s1 .*preRestore" "$T/out"

# ---- retention after a backup ---------------------------------------------
run 0 "backup --keep-last 1" backup_s --keep-last 1
same "--keep-last 1 leaves 1 regular backup" "$(count_sets s)" 1
newest=$(sets s)
check "it is the one just taken (newest)" test "$newest" != "$(echo "$all5" | head -1)"
same "--keep-last 1 leaves legacy and safety backups alone" "$(others_sum)" "$keep_sum"

for i in 1 2 3; do backup_s --keep-last 1 --no-prune; done
same "--no-prune keeps every backup, even with a rule given" "$(count_sets s)" 4
for i in 1 2 3 4 5 6 7 8 9 10; do backup_s --no-prune; done
same "(set-up) 14 backups" "$(count_sets s)" 14
run 0 "a backup with no rule at all" backup_s
same "the default keeps the 10 newest" "$(count_sets s)" 10

DBKEEP_KEEP_LAST=3 run 0 "backup with DBKEEP_KEEP_LAST=3" backup_s
same "DBKEEP_KEEP_LAST from the environment applies" "$(count_sets s)" 3
DBKEEP_KEEP_LAST=1 run 0 "backup with DBKEEP_KEEP_LAST=1 and --keep-last 2" backup_s --keep-last 2
same "the option wins over the environment" "$(count_sets s)" 2
DBKEEP_KEEP_LAST=1 run 0 "prune with DBKEEP_KEEP_LAST=1" "$DBKEEP" prune -d "$B"
same "prune reads the environment too" "$(count_sets s)" 1

# ---- retention is per database ---------------------------------------------
for i in 1 2 3; do "$DBKEEP" backup --db other.db -d "$B" -q --no-prune </dev/null; done
same "(set-up) 3 backups of the other database" "$(count_sets other)" 3
backup_s --no-prune
same "(set-up) 2 of s" "$(count_sets s)" 2
run 0 "backup of s with --keep-last 1" backup_s --keep-last 1
same "s keeps 1" "$(count_sets s)" 1
same "the other database keeps its 3" "$(count_sets other)" 3
# (Top up, so that what follows does not depend on the line above.)
while [ "$(count_sets other)" -lt 3 ]; do "$DBKEEP" backup --db other.db -d "$B" -q --no-prune </dev/null; done
run 0 "prune --keep-last 1 over the folder" "$DBKEEP" prune -d "$B" --keep-last 1
same "prune keeps 1 of s" "$(count_sets s)" 1
same "prune keeps 1 of the other database" "$(count_sets other)" 1
run 0 "prune --keep-last 0 (no rule)" "$DBKEEP" prune -d "$B" --keep-last 0
same "the newest backup of s is never deleted" "$(count_sets s)" 1
same "the newest backup of the other database is never deleted" "$(count_sets other)" 1
same "legacy files and the safety backup survived everything" "$(others_sum)" "$keep_sum"

# ---- --keep-days, by the manifest's time -------------------------------------
for i in 1 2 3; do backup_s --no-prune; done
old=$(sets s | tail -1)
ep=$(($(date +%s) - 30 * 86400))
sqlite3 :memory: "select writefile('$B/$old.json', json_set(readfile('$B/$old.json'),
	'\$.createdEpoch', $ep, '\$.createdAt', '$(date -u -d "@$ep" +%Y-%m-%dT%H:%M:%SZ)'))" >/dev/null
run 0 "prune --keep-days 7" "$DBKEEP" prune -d "$B" --keep-days 7
check "the 30-day-old backup is deleted" set_gone "$old"
same "the recent ones stay" "$(count_sets s)" 3
same "legacy files are never deleted by age" "$(others_sum)" "$keep_sum"

# ---- many backups within one second (the wall clock frozen by faketime) -----
# A fast machine takes several sets in one second: the seq in their names
# must keep the order they were taken in, even after retention deleted the
# lower ones, or a --keep-last would delete the backup just taken.
# libfaketime deadlocks inside AddressSanitizer's allocator (its clock
# wrapper resolves symbols with a malloc while the allocator asks the time):
# the sanitizer build skips this part, the plain build runs it.
if grep -qa __asan_init "$DBKEEP"; then
	echo "# skip: the frozen-clock checks (sanitizer build; libfaketime cannot run under ASan)"
else
	check "faketime is installed (the suite's dependencies)" command -v faketime
	F=frozen
	at() { local when=$1; shift; timeout 120 faketime -m --exclude-monotonic -f "$when" "$DBKEEP" "$@"; }
	nth() { awk -v n="$1" '$1 == n { print $NF }' "$T/out"; }
	rows_in() { gunzip -c "$F/$1" >"$T/copy.db" && sqlite3 "$T/copy.db" "select count(*) from t"; }
	sqlite3 f.db "create table t(x); insert into t values (1);"
	for i in $(seq 11); do at "2030-06-15 12:00:00" backup --db f.db -d "$F" -q --no-prune </dev/null; done
	run 0 "list of 11 backups taken in one second" at "2030-06-15 12:00:00" list -d "$F"
	same "the 11th taken is #1" "$(nth 1)" f_20300615_120000_11.db.gz
	same "the 10th taken is #2, above the 9th (numbers, not bytes)" "$(nth 2)" f_20300615_120000_10.db.gz
	same "the 9th taken is #3" "$(nth 3)" f_20300615_120000_9.db.gz
	same "the first taken is #11" "$(nth 11)" f_20300615_120000.db.gz
	run 0 "prune --keep-last 2 in that second" at "2030-06-15 12:00:00" prune -d "$F" --keep-last 2
	same "it keeps the two taken last" "$(ls "$F" | grep -E '\.db\.gz$' | sort | tr '\n' ' ')" \
		"f_20300615_120000_10.db.gz f_20300615_120000_11.db.gz "
	sqlite3 f.db "insert into t values (2);"
	run 0 "backup --keep-last 1 in the same second" \
		at "2030-06-15 12:00:00" backup --db f.db -d "$F" -q --keep-last 1
	same "one backup is left, named after the highest in use (not a freed lower one)" \
		"$(ls "$F" | grep -E '\.db\.gz$')" f_20300615_120000_12.db.gz
	check "it is complete" test -f "$F/f_20300615_120000_12.db.gz.json" -a -f "$F/f_20300615_120000_12.db.gz.sha256"
	same "it is the one just taken: it holds the row added before it" "$(rows_in f_20300615_120000_12.db.gz)" 2
	sqlite3 f.db "insert into t values (3);"
	run 0 "backup --keep-last 1 with the clock set back a day" \
		at "2030-06-14 12:00:00" backup --db f.db -d "$F" -q --keep-last 1
	same "the backup just taken is not its own retention's victim" "$(rows_in f_20300614_120000.db.gz)" 3
	check "the newer-dated backup is kept by the rule" test -f "$F/f_20300615_120000_12.db.gz"
fi
echo "1..$tap_n"
