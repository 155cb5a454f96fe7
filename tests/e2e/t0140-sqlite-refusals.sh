#!/usr/bin/env bash
# t0140-sqlite-refusals.sh - restores that must be refused before anything
# is touched: a damaged backup, no terminal and no --force, an answer other
# than "yes", a backup that does not exist.  "Nothing touched" means: the
# live database file has the same SHA-256, the backup folder holds the same
# files (no preRestore safety backup), and no scratch file is left.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy chinook.db
"$DBKEEP" backup --db chinook.db -q </dev/null
sqlite3 chinook.db "delete from Track where TrackId > 100"
live_sum() { sha256sum <chinook.db; }
folder() { ls -A backups | grep -v '^\.dbkeep\.lock$'; }
snapshot() { s_live=$(live_sum); s_folder=$(folder); }
untouched() { # untouched WHAT
	same "$1: the live database is unchanged" "$(live_sum)" "$s_live"
	same "$1: no file was added or removed in the backup folder" "$(folder)" "$s_folder"
	same "$1: no scratch file beside the database" "$(ls -A "$T" | grep -c '^\.chinook')" 0
}
f=$(ls backups | grep '\.db\.gz$')
cp "backups/$f" pristine.gz
restore_pristine() { cp pristine.gz "backups/$f"; }

# ---- a flipped byte in the data file -------------------------------------
snapshot
size=$(stat -c %s "backups/$f")
printf '\x5a' | dd of="backups/$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s pristine.gz "backups/$f" || printf '\xa5' | dd of="backups/$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
s_folder=$(folder)
run 1 "a backup with one flipped byte is refused (exit 1)" "$DBKEEP" restore 1 --force
grep_in "the message names the backup" "^dbkeep: .*$f" "$T/err"
grep_in "the message says checksum" "checksum" "$T/err"
untouched "flipped byte"
restore_pristine

# ---- damage that only a full decode finds --------------------------------
# Truncate the .gz and rewrite its .sha256 and manifest sha256/storedBytes
# to match, as if the damage happened before the checksum was taken.
fix_sha() {
	local sum size
	sum=$(sha256sum "backups/$f" | cut -d' ' -f1)
	size=$(stat -c %s "backups/$f")
	echo "$sum  $f" >"backups/$f.sha256"
	sqlite3 :memory: "select writefile('backups/$f.json', json_set(readfile('backups/$f.json'),
		'\$.sha256', '$sum', '\$.storedBytes', $size))" >/dev/null
}
cp "backups/$f.sha256" sha.orig && cp "backups/$f.json" json.orig
head -c $((size - 5000)) pristine.gz >"backups/$f"
fix_sha
snapshot
run 1 "a truncated backup with matching checksums is refused (exit 1)" "$DBKEEP" restore 1 --force
grep_in "the message names the backup" "$f" "$T/err"
same "truncated: the live database is unchanged" "$(live_sum)" "$s_live"
same "truncated: no scratch file beside the database" "$(ls -A "$T" | grep -c '^\.chinook')" 0
# Cleaning up after the test: any safety backup this made goes, so that the
# folder is as before for the next cases.
for x in backups/*preRestore*; do [ -e "$x" ] && rm -f "$x"; done
restore_pristine; cp sha.orig "backups/$f.sha256"; cp json.orig "backups/$f.json"

# ---- a manifest whose row counts do not match the data -------------------
sqlite3 :memory: "select writefile('backups/$f.json', json_set(readfile('backups/$f.json'), '\$.tables.Track', 9999))" >/dev/null
snapshot
run 1 "a backup whose rows differ from its manifest is not swapped in (exit 1)" "$DBKEEP" restore 1 --force
grep_in "the message names the table that differs" "Track" "$T/err"
same "row mismatch: the live database is unchanged" "$(live_sum)" "$s_live"
same "row mismatch: no scratch file beside the database" "$(ls -A "$T" | grep -c '^\.chinook')" 0
for x in backups/*preRestore*; do [ -e "$x" ] && rm -f "$x"; done
cp json.orig "backups/$f.json"

# ---- no terminal, no --force ---------------------------------------------
snapshot
start=$(date +%s%N)
run 2 "restore without a terminal and without --force is refused (exit 2)" timeout 10 "$DBKEEP" restore 1
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -lt 5000 ]; then ok "it refuses at once (${ms} ms)"; else not_ok "it refuses at once (${ms} ms)"; fi
grep_in "the message says why and names --force" "terminal.*--force" "$T/err"
untouched "no terminal"
snapshot
echo yes | timeout 10 "$DBKEEP" restore 1 >"$T/out" 2>"$T/err"
same "a 'yes' piped into stdin is not a confirmation (exit 2)" "$?" 2
untouched "piped yes"

# ---- a real terminal (through script(1)) ---------------------------------
if command -v script >/dev/null; then
	snapshot
	(sleep 1; echo no) | timeout 20 script -qec "$DBKEEP restore 1" /dev/null >"$T/out" 2>&1
	same "on a terminal, answering 'no' cancels (exit 2)" "$?" 2
	grep_in "the question names the database and the backup" "replaces .*chinook\.db.*$f" "$T/out"
	grep_in "it asks to type yes" "Type 'yes'" "$T/out"
	untouched "answer no"
	(sleep 1; echo yes) | timeout 20 script -qec "$DBKEEP restore 1" /dev/null >"$T/out" 2>&1
	same "on a terminal, answering 'yes' restores (exit 0)" "$?" 0
	same "after 'yes' the rows are back" "$(sqlite3 chinook.db 'select count(*) from Track')" 3503
	same "after 'yes' a safety backup was kept" "$(ls backups | grep -c 'preRestore.*\.gz$')" 1
	sqlite3 chinook.db "delete from Track where TrackId > 100"
	rm -f backups/*preRestore*

	# The file replaced between the check and the load (while the
	# question waits), by another good backup with the same row counts:
	# the bytes loaded are not the bytes checked, so nothing is swapped.
	chinook_copy other.db
	sqlite3 other.db "update Track set Name = 'Replaced' where TrackId = 1"
	"$DBKEEP" backup --db other.db -d "$T/other" -q </dev/null
	s_live=$(live_sum)
	(for _ in $(seq 100); do grep -q "Type 'yes'" "$T/out" 2>/dev/null && break; sleep 0.1; done
	 cp "$T"/other/other_*.db.gz "backups/$f"; echo yes) |
		timeout 20 script -qec "$DBKEEP restore 1" /dev/null >"$T/out" 2>&1
	same "a backup replaced after its check fails the restore (exit 1)" "$?" 1
	grep_in "saying the file changed while it was restored" \
		"backup '$f' changed while it was restored: the SHA-256 of the bytes loaded is" "$T/out"
	same "the replaced backup: the live database is unchanged" "$(live_sum)" "$s_live"
	same "the replaced backup: no scratch file beside the database" "$(ls -A "$T" | grep -c '^\.chinook')" 0
	restore_pristine
	rm -f backups/*preRestore*
else
	ok "# skip: no script(1) for a terminal"
fi

# ---- backups that do not exist -------------------------------------------
snapshot
for spec in 0 -1 2 99 s1 s0; do
	run 2 "restore '$spec' is refused (exit 2)" "$DBKEEP" restore "$spec" --force
	grep_in "restore '$spec': the message names it" "^dbkeep: .*'?${spec#s}'?" "$T/err"
done
run 1 "restore 'abc' (no such name) fails (exit 1)" "$DBKEEP" restore abc --force
grep_in "restore 'abc': the message names it" "^dbkeep: .*'abc'" "$T/err"
run 1 "restore of a path that does not exist fails (exit 1)" "$DBKEEP" restore ./nowhere/x.db.gz --force
grep_in "the message names the path" "nowhere/x\.db\.gz" "$T/err"
run 2 "restore of a folder is refused (exit 2)" "$DBKEEP" restore "$T" --force
untouched "missing backups"

# ---- the data file is gone -----------------------------------------------
mv "backups/$f" aside.gz
snapshot
run 1 "restore of a backup whose data file is missing fails (exit 1)" "$DBKEEP" restore 1 --force
grep_in "the message says the data file is missing" "$f.*missing" "$T/err"
untouched "missing data file"
mv aside.gz "backups/$f"

# Finally, the untouched backup still restores.
run 0 "the intact backup restores" "$DBKEEP" restore 1 --force -q
same "the rows are back" "$(sqlite3 chinook.db 'select count(*) from Track')" 3503
echo "1..$tap_n"
