#!/usr/bin/env bash
# t0110-sqlite-recovery.sh - the story users tell: a good backup, rows
# deleted by mistake, a backup of the bad state, then "restore 2" brings
# the rows back, the state it replaced is kept as a preRestore safety
# backup listed apart, and restoring that undoes the restore.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy chinook.db
dump_sum() { sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1; }
good=$(dump_sum chinook.db)
ino=$(stat -c %i chinook.db)

run 0 "backup of the good state" "$DBKEEP" backup --db chinook.db -q
sqlite3 chinook.db "delete from InvoiceLine where InvoiceId > 100; delete from Invoice where InvoiceId > 100;"
bad=$(dump_sum chinook.db)
badlines=$(sqlite3 chinook.db 'select count(*) from InvoiceLine')
[ "$badlines" -lt 2240 ] || not_ok "(set-up) rows were deleted"
run 0 "backup of the bad state" "$DBKEEP" backup --db chinook.db -q

run 0 "list exits 0" "$DBKEEP" list
same "list shows 2 backups" "$(grep -cE '^[ !] *[0-9]+ ' "$T/out")" 2
same "list: number 1 is the bad state (fewer rows, smaller)" \
	"$(sed -n 's/^ *1 .*\(chinook_[0-9_]*\.db\.gz\).*/\1/p' "$T/out")" \
	"$(ls -t backups/*.json | head -1 | xargs basename | sed 's/\.json$//')"
"$DBKEEP" show 1 --json >show1.json </dev/null
same "show 1: number 1 holds the bad state's row count" \
	"$(manifest_get show1.json '$.tables.InvoiceLine')" "$badlines"
run 0 "list --json exits 0" "$DBKEEP" list --json
cp "$T/out" list.json
same "list --json: 2 backups, no safety backups" \
	"$(sqlite3 :memory: "select json_array_length(readfile('list.json'),'\$.backups') || ' ' || json_array_length(readfile('list.json'),'\$.safetyBackups')")" "2 0"

run 0 "restore 2 --force exits 0" "$DBKEEP" restore 2 --force
grep_in "restore says what it restored and where the old content went" \
	"restored .* into .*chinook\.db.*preRestore" "$T/out"
same "the deleted InvoiceLine rows are back" "$(sqlite3 chinook.db 'select count(*) from InvoiceLine')" 2240
same "the deleted Invoice rows are back" "$(sqlite3 chinook.db 'select count(*) from Invoice')" 412
same "the whole database equals the good state (.dump)" "$(dump_sum chinook.db)" "$good"
same "the restored database passes integrity_check" "$(sqlite3 chinook.db 'pragma integrity_check')" ok
same "the database file kept its inode" "$(stat -c %i chinook.db)" "$ino"
same "the database file kept its mode" "$(stat -c %a chinook.db)" 644
same "no scratch or journal file is left beside the database" "$(ls -A "$T" | grep -i chinook | tr '\n' ' ')" "chinook.db "

# The replaced state is a safety backup, listed apart from the regular ones.
safety=$(ls backups | grep -E '^chinook_preRestore_[0-9]{8}_[0-9]{6}(_[0-9]+)?\.db\.gz$')
same "one preRestore backup was written" "$(echo "$safety" | grep -c .)" 1
check "its .sha256 and .json exist" test -f "backups/$safety.sha256" -a -f "backups/$safety.json"
same "its manifest kind is preRestore" "$(manifest_get "backups/$safety.json" '$.kind')" preRestore
same "its manifest counts the bad state's rows" "$(manifest_get "backups/$safety.json" '$.tables.InvoiceLine')" "$badlines"
check "sha256sum -c accepts it" bash -c "cd backups && sha256sum -c --strict '$safety.sha256'"
run 0 "list after the restore" "$DBKEEP" list
same "list still shows 2 regular backups" "$(grep -cE '^[ !] *[0-9]+ ' "$T/out")" 2
grep_in "list has a safety section" "^Safety backups" "$T/out"
grep_in "list shows it as s1 preRestore" "^[ !]s1 .*preRestore +$safety" "$T/out"
if sed -n '/^Safety backups/,$p' "$T/out" | grep -q "$safety" &&
	! sed -n '1,/^Safety backups/p' "$T/out" | grep -q "$safety"; then
	ok "the safety backup is listed only in the safety section"
else not_ok "the safety backup is listed only in the safety section"; fi
run 0 "list --json after the restore" "$DBKEEP" list --json
cp "$T/out" list.json
same "list --json: 2 backups, 1 safety backup named as on disk" \
	"$(sqlite3 :memory: "select json_array_length(readfile('list.json'),'\$.backups') || ' ' || json_extract(readfile('list.json'),'\$.safetyBackups[0].file')")" "2 $safety"

# Undo the restore: s1 gives the bad state back.
run 0 "restore s1 --force exits 0" "$DBKEEP" restore s1 --force
same "restore s1 gives the deleted-rows state back" "$(dump_sum chinook.db)" "$bad"
same "and the database file still has its inode" "$(stat -c %i chinook.db)" "$ino"
run 0 "list after undoing" "$DBKEEP" list
same "two safety backups now (s1, s2)" "$(grep -cE '^[ !]s[0-9]+ ' "$T/out")" 2
same "the regular backups are untouched" "$(grep -cE '^[ !] *[0-9]+ ' "$T/out")" 2

# Restore by file name, and into another file (a restore drill).
first=$(ls backups | grep -E '^chinook_[0-9]{8}_[0-9]{6}(_[0-9]+)?\.db\.gz$' | sort | head -1)
run 0 "restore by file name into a new file (--target)" "$DBKEEP" restore "$first" --target drill.db --force
same "the drill copy is the good state" "$(dump_sum drill.db)" "$good"
same "the live database was not touched by the drill" "$(dump_sum chinook.db)" "$bad"
same "a restore into a new file makes no safety backup" "$(ls backups | grep -c 'preRestore.*\.gz$')" 2
run 0 "restore 2 --no-safety-backup" "$DBKEEP" restore 2 --force --no-safety-backup
same "--no-safety-backup restores" "$(dump_sum chinook.db)" "$good"
same "--no-safety-backup writes no safety backup" "$(ls backups | grep -c 'preRestore.*\.gz$')" 2

# A database with spaces and non-ASCII in its path, backed up through a
# relative path from one folder and restored from another: the manifest's
# absolute path finds it.
mkdir -p "$T/dir ü/x"
chinook_copy "$T/dir ü/x/my db ü.sqlite"
(cd "$T/dir ü" && "$DBKEEP" backup --db "x/my db ü.sqlite" -d "$T/bk2" -q </dev/null)
same "the odd path is recorded absolute" "$(manifest_get "$(ls "$T"/bk2/*.json)" '$.database')" "$T/dir ü/x/my db ü.sqlite"
sqlite3 "$T/dir ü/x/my db ü.sqlite" "delete from Track"
(cd / && "$DBKEEP" restore 1 -d "$T/bk2" --force -q </dev/null)
same "restore from another folder brings its rows back" \
	"$(sqlite3 "$T/dir ü/x/my db ü.sqlite" 'select count(*) from Track')" 3503
echo "1..$tap_n"
