#!/usr/bin/env bash
# t0180-sqlite-status-show-compare.sh - the read-only commands a monitor or
# a person runs: status (exit codes, --json, --max-age by the manifest's
# time), show (text and --json), compare (equal, rows deleted, a table
# added, another database), list --json.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy chinook.db
jget() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"; }
jvalid() { sqlite3 :memory: "select json_valid(readfile('$1'))"; }

# ---- status ------------------------------------------------------------------
run 1 "status without a backup folder exits 1" "$DBKEEP" status
grep_in "it says there are no backups" "^dbkeep: no backups" "$T/err"
mkdir -m 700 backups
run 1 "status on an empty folder exits 1" "$DBKEEP" status
run 1 "status --json on an empty folder exits 1" "$DBKEEP" status --json
cp "$T/out" st.json
same "status --json is valid JSON" "$(jvalid st.json)" 1
same "status --json: hasBackups false" "$(jget st.json '$.hasBackups')" 0
cp chinook.db backups/legacy-copy.db && touch -d "1 day ago" backups/legacy-copy.db
run 1 "a legacy file alone does not satisfy status" "$DBKEEP" status

"$DBKEEP" backup --db chinook.db -q </dev/null
f=$(ls backups | grep -E '^chinook_.*\.db\.gz$')
run 0 "status after a backup exits 0" "$DBKEEP" status
grep_in "status names the newest backup" "$f" "$T/out"
run 0 "status --json exits 0" "$DBKEEP" status --json
cp "$T/out" st.json
same "status --json is valid JSON" "$(jvalid st.json)" 1
same "hasBackups true" "$(jget st.json '$.hasBackups')" 1
same "count 1 (legacy files do not count)" "$(jget st.json '$.count')" 1
same "totalBytes is the data file's size" "$(jget st.json '$.totalBytes')" "$(stat -c %s "backups/$f")"
same "latest.name" "$(jget st.json '$.latest.name')" "$f"
same "latest.created is the manifest's createdAt" "$(jget st.json '$.latest.created')" \
	"$(manifest_get "backups/$f.json" '$.createdAt')"
age=$(jget st.json '$.latest.age')
if [ "$age" -ge 0 ] && [ "$age" -le 30 ]; then ok "latest.age is a few seconds ($age)"; else
	not_ok "latest.age is a few seconds ($age)"; fi
same "latest.ok true" "$(jget st.json '$.latest.ok')" 1
run 0 "status --max-age 1 passes for a fresh backup" "$DBKEEP" status --max-age 1
run 2 "status --max-age 0 is refused" "$DBKEEP" status --max-age 0

# Age the backup by its manifest only (two hours): status must go by the
# manifest's creation time, not by file times.
cp "backups/$f.json" json.orig
ep=$(($(date +%s) - 7200))
sqlite3 :memory: "select writefile('backups/$f.json', json_set(readfile('backups/$f.json'),
	'\$.createdEpoch', $ep, '\$.createdAt', '$(date -u -d "@$ep" +%Y-%m-%dT%H:%M:%SZ)'))" >/dev/null
run 1 "status --max-age 1 fails for a 2-hour-old backup" "$DBKEEP" status --max-age 1
grep_in "the message names the backup and its age" "$f.*2 hours old" "$T/err"
run 0 "status --max-age 3 passes for it" "$DBKEEP" status --max-age 3
run 1 "status --json --max-age 1 also exits 1" "$DBKEEP" status --json --max-age 1
cp "$T/out" st.json
age=$(jget st.json '$.latest.age')
if [ "$age" -ge 7200 ] && [ "$age" -le 7260 ]; then ok "latest.age is about 7200 ($age)"; else
	not_ok "latest.age is about 7200 ($age)"; fi
cp json.orig "backups/$f.json"

# A damaged newest backup.
cp "backups/$f.sha256" sha.orig
rm "backups/$f.sha256"
run 1 "status exits 1 when the newest backup is damaged" "$DBKEEP" status
grep_in "it says damaged" "damaged" "$T/err"
"$DBKEEP" status --json </dev/null >st.json 2>/dev/null
same "status --json: latest.ok false" "$(jget st.json '$.latest.ok')" 0
cp sha.orig "backups/$f.sha256"

# ---- show --------------------------------------------------------------------
run 0 "show 1 exits 0" "$DBKEEP" show 1
grep_in "show names the backup" "^backup: +$f$" "$T/out"
grep_in "show gives the engine" "^engine: +sqlite" "$T/out"
grep_in "show gives the database path" "^database: +$T/chinook\.db$" "$T/out"
grep_in "show gives the sha256" "^sha256: +$(manifest_get "backups/$f.json" '$.sha256')$" "$T/out"
grep_in "show lists Track with 3503 rows" "^ +Track +3503$" "$T/out"
for s in "" .sha256 .json; do
	grep_in "show lists $f$s with mode 0600" "backups/$f$s +[0-9.]+ [KMG]?i?B +0600$" "$T/out"
done
run 0 "show 1 --json exits 0" "$DBKEEP" show 1 --json
cp "$T/out" show.json
same "show --json is valid JSON" "$(jvalid show.json)" 1
same "show --json is the manifest on disk" \
	"$(sqlite3 :memory: "select json(readfile('show.json')) = json(readfile('backups/$f.json'))")" 1
run 0 "show by file name" "$DBKEEP" show "$f"
run 2 "show without an argument is refused" "$DBKEEP" show
run 2 "show 5 (no such backup) is refused" "$DBKEEP" show 5
grep_in "the message names 5" "5" "$T/err"
leg=$(sed -n 's/^ *\([0-9]*\) .*legacy *legacy-copy\.db$/\1/p' <("$DBKEEP" list </dev/null))
run 0 "show of a legacy file exits 0" "$DBKEEP" show "$leg"
grep_in "it says there is no manifest" "manifest: +none" "$T/out"
run 1 "show --json of a legacy file exits 1 (no manifest)" "$DBKEEP" show "$leg" --json
rm backups/legacy-copy.db

# ---- compare -------------------------------------------------------------------
run 0 "compare 1 exits 0 when the database matches" "$DBKEEP" compare 1
grep_in "it says they match" "matches" "$T/out"
check "no row is marked" bash -c "! grep -q '^\*' '$T/out'"
sqlite3 chinook.db "delete from Track where TrackId > 3000"
run 1 "compare 1 exits 1 after deleting rows" "$DBKEEP" compare 1
grep_in "the Track row is marked '*' with both counts" '^\* Track +3503 +3000$' "$T/out"
same "only that row is marked" "$(grep -c '^\*' "$T/out")" 1
grep_in "stderr says it differs in 1 table" "differs .* in 1 table" "$T/err"
run 1 "compare 1 -q still exits 1" "$DBKEEP" compare 1 -q
same "compare -q prints nothing on stdout" "$(cat "$T/out")" ""
sqlite3 chinook.db "create table extra(x); insert into extra values (1);"
run 1 "compare 1 with a table added" "$DBKEEP" compare 1
grep_in "the new table is marked with '-' for the backup" '^\* extra +- +1$' "$T/out"
chinook_copy pristine.db
run 0 "compare 1 --db another database that matches" "$DBKEEP" compare 1 --db pristine.db
run 1 "compare of a database that does not exist fails" "$DBKEEP" compare 1 --db nowhere.db
grep_in "it names the missing database" "nowhere\.db" "$T/err"
check "compare did not create it" test ! -e nowhere.db

# ---- list --json -----------------------------------------------------------------
"$DBKEEP" backup --db chinook.db -q </dev/null
run 0 "list --json exits 0" "$DBKEEP" list --json
cp "$T/out" list.json
same "list --json is valid JSON" "$(jvalid list.json)" 1
same "it has 2 backups" "$(sqlite3 :memory: "select json_array_length(readfile('list.json'), '\$.backups')")" 2
same "number 1 is the newest" "$(jget list.json '$.backups[0].number') $(jget list.json '$.backups[1].file')" "1 $f"
same "storedBytes of number 2 is its size" "$(jget list.json '$.backups[1].storedBytes')" "$(stat -c %s "backups/$f")"
same "engine, kind and tableCount" \
	"$(jget list.json '$.backups[1].engine') $(jget list.json '$.backups[1].kind') $(jget list.json '$.backups[1].tableCount')" \
	"sqlite scheduled 11"
same "ok is true" "$(jget list.json '$.backups[1].ok')" 1
rm "backups/$f.sha256"
"$DBKEEP" list --json </dev/null >list.json
same "a damaged set has ok false" "$(jget list.json '$.backups[1].ok')" 0
grep_in "and its problems named" '"problems": ".*sha256 missing' list.json
cp sha.orig "backups/$f.sha256"
echo "1..$tap_n"
