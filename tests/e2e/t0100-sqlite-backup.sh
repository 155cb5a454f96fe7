#!/usr/bin/env bash
# t0100-sqlite-backup.sh - what a user checks after "dbkeep backup" of an
# SQLite file: the three files and their names, that sha256sum and gunzip
# accept them without dbkeep, that the copy has the same rows, the manifest,
# the permissions, the options that change the output, and the failures
# that must leave nothing behind.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy "$T/chinook.db"

# data_files DIR: the data files of the folder (no .sha256/.json/lock).
data_files() {
	ls -A "$1" 2>/dev/null | grep -vE '\.(sha256|json)$|^\.dbkeep\.lock$'
}
# no_backup_files DESC DIR: the folder holds nothing but (maybe) the lock.
no_backup_files() {
	local left
	left=$(ls -A "$2" 2>/dev/null | grep -v '^\.dbkeep\.lock$')
	if [ -z "$left" ]; then ok "$1"; else not_ok "$1 (left: $(echo $left))"; fi
}
counts() { # every table's row count, one "name|n" a line
	local t
	for t in $(sqlite3 "$1" "select name from sqlite_schema where type='table' order by name"); do
		echo "$t|$(sqlite3 "$1" "select count(*) from \"$t\"")"
	done
}

# ---- a plain backup of Chinook -------------------------------------------
before=$(date -u +%s)
run 0 "backup of Chinook exits 0" "$DBKEEP" backup --db chinook.db -d bk
after=$(date -u +%s)
files=$(data_files bk)
same "exactly one data file" "$(echo "$files" | wc -l)" 1
f=$files
if [[ $f =~ ^chinook_([0-9]{8}_[0-9]{6})\.db\.gz$ ]]; then
	ok "the name is chinook_YYYYMMDD_HHMMSS.db.gz ($f)"
	stamp=${BASH_REMATCH[1]}
	t=$(date -u -d "${stamp:0:8} ${stamp:9:2}:${stamp:11:2}:${stamp:13:2}" +%s)
	if [ "$t" -ge "$before" ] && [ "$t" -le "$after" ]; then ok "the name's time is now, in UTC"
	else not_ok "the name's time is now, in UTC ($stamp not in $before..$after)"; fi
else
	not_ok "the name is chinook_YYYYMMDD_HHMMSS.db.gz (got '$f')"
	not_ok "the name's time is now, in UTC"
fi
check "$f.sha256 exists" test -f "bk/$f.sha256"
check "$f.json exists" test -f "bk/$f.json"
grep_in "stdout names the file written" "bk/$f" "$T/out"
grep_in "stdout says 11 tables" "11 tables" "$T/out"
check "no .partial is left" bash -c "! ls -A bk | grep -q partial"
check "sha256sum -c accepts the .sha256 (inside the folder)" \
	bash -c "cd bk && sha256sum -c --strict '$f.sha256'"
gunzip -c "bk/$f" >restored.db 2>"$T/gz.err"
check "gunzip -c decodes the data file" test -s restored.db
same "the copy passes integrity_check" "$(sqlite3 restored.db 'pragma integrity_check')" ok
same "the copy has the same row counts in every table" "$(counts restored.db)" "$(counts chinook.db)"
same "the copy's .dump equals the source's" \
	"$(sqlite3 restored.db .dump | sha256sum)" "$(sqlite3 chinook.db .dump | sha256sum)"

# ---- the manifest --------------------------------------------------------
m=bk/$f.json
same "manifest engine is sqlite" "$(manifest_get "$m" '$.engine')" sqlite
same "manifest database is the absolute path" "$(manifest_get "$m" '$.database')" "$T/chinook.db"
same "manifest file is the data file's name" "$(manifest_get "$m" '$.file')" "$f"
same "manifest lists 11 tables" "$(manifest_get "$m" '$.tableCount')" 11
same "manifest tables object has 11 keys" \
	"$(sqlite3 :memory: "select count(*) from json_each(json_extract(readfile('$m'),'\$.tables'))")" 11
same "manifest Track has 3503 rows" "$(manifest_get "$m" '$.tables.Track')" 3503
same "manifest InvoiceLine has 2240 rows" "$(manifest_get "$m" '$.tables.InvoiceLine')" 2240
same "manifest integrity is ok" "$(manifest_get "$m" '$.integrity')" ok
same "manifest kind is scheduled (no terminal)" "$(manifest_get "$m" '$.kind')" scheduled
same "manifest compression gzip level 6" \
	"$(manifest_get "$m" '$.compression') $(manifest_get "$m" '$.level')" "gzip 6"
same "manifest storedBytes is the data file's size" \
	"$(manifest_get "$m" '$.storedBytes')" "$(stat -c %s "bk/$f")"
same "manifest rawBytes is the decompressed size" \
	"$(manifest_get "$m" '$.rawBytes')" "$(stat -c %s restored.db)"
same "manifest sha256 is the data file's SHA-256" \
	"$(manifest_get "$m" '$.sha256')" "$(sha256sum "bk/$f" | cut -d' ' -f1)"
same "the .sha256 line is '<hex>  <file>'" "$(cat "bk/$f.sha256")" \
	"$(sha256sum "bk/$f" | cut -d' ' -f1)  $f"
created=$(manifest_get "$m" '$.createdEpoch')
if [ "$created" -ge "$before" ] && [ "$created" -le "$after" ]; then ok "manifest createdEpoch is now"
else not_ok "manifest createdEpoch is now ($created not in $before..$after)"; fi
same "manifest createdAt is createdEpoch in UTC" "$(manifest_get "$m" '$.createdAt')" \
	"$(date -u -d "@$created" +%Y-%m-%dT%H:%M:%SZ)"
same "the source database is unchanged (rows)" "$(counts chinook.db)" "$(counts "$CORPUS/chinook/Chinook_Sqlite.sqlite")"

# ---- permissions whatever the umask ---------------------------------------
(umask 000 && "$DBKEEP" backup --db chinook.db -d perm -q </dev/null)
same "with umask 000 the folder is created 0700" "$(stat -c %a perm)" 700
modes=$(for x in perm/*; do stat -c %a "$x"; done | sort -u | tr '\n' ' ')
same "with umask 000 the three files are 0600" "$modes" "600 "
same "with umask 000 there are three files" "$(ls perm | wc -l)" 3

# ---- options that change the output ---------------------------------------
run 0 "-n (no compression) exits 0" "$DBKEEP" backup --db chinook.db -d plain -n
pf=$(data_files plain)
if [[ $pf =~ ^chinook_[0-9]{8}_[0-9]{6}\.db$ ]]; then ok "-n writes chinook_<time>.db"; else
	not_ok "-n writes chinook_<time>.db (got '$pf')"; fi
same "-n: the file is an SQLite database as is" "$(sqlite3 "plain/$pf" 'select count(*) from Track')" 3503
same "-n: byte-for-byte the same content as a gunzip of the .gz" \
	"$(sha256sum <"plain/$pf")" "$(sha256sum <restored.db)"
same "-n: manifest compression none" "$(manifest_get "plain/$pf.json" '$.compression')" none
check "-n: sha256sum -c accepts it" bash -c "cd plain && sha256sum -c --strict '$pf.sha256'"

run 0 "-Z 1 exits 0" "$DBKEEP" backup --db chinook.db -d z1 -Z 1
zf=$(data_files z1)
same "-Z 1: manifest level 1" "$(manifest_get "z1/$zf.json" '$.level')" 1
same "-Z 1: gunzip gives the same database" "$(gunzip -c "z1/$zf" | sha256sum)" "$(sha256sum <restored.db)"
z9size=$(stat -c %s "bk/$f")
if [ "$(stat -c %s "z1/$zf")" -ge "$z9size" ]; then ok "-Z 1 is not smaller than -Z 6"; else
	not_ok "-Z 1 is not smaller than -Z 6"; fi

run 0 "--label nightly exits 0" "$DBKEEP" backup --db chinook.db -d lab --label nightly
lf=$(data_files lab)
if [[ $lf =~ ^nightly_[0-9]{8}_[0-9]{6}\.db\.gz$ ]]; then ok "--label nightly names nightly_<time>.db.gz"; else
	not_ok "--label nightly names nightly_<time>.db.gz (got '$lf')"; fi
run 0 "a label with odd characters exits 0" "$DBKEEP" backup --db chinook.db -d lab2 --label 'my db/../x'
lf2=$(data_files lab2)
if [[ $lf2 =~ ^my_db_.._x_[0-9]{8}_[0-9]{6}\.db\.gz$ ]]; then ok "odd label characters become '_' ($lf2)"; else
	not_ok "odd label characters become '_' (got '$lf2')"; fi
check "and nothing was written outside the folder" bash -c "! ls -A '$T' | grep -q '^x_'"

run 0 "--kind manual exits 0" "$DBKEEP" backup --db chinook.db -d kind --kind manual
same "--kind manual is recorded" "$(manifest_get "kind/$(data_files kind).json" '$.kind')" manual

run 0 "-q exits 0" "$DBKEEP" backup --db chinook.db -d quiet -q
same "-q prints nothing on stdout" "$(cat "$T/out")" ""
same "-q prints nothing on stderr" "$(cat "$T/err")" ""
same "-q still writes the backup" "$(data_files quiet | wc -l)" 1

# DBKEEP_DIR, and ./backups by default.
DBKEEP_DIR=$T/envdir run 0 "DBKEEP_DIR picks the folder" "$DBKEEP" backup --db chinook.db -q
same "DBKEEP_DIR: the backup is there" "$(data_files envdir | wc -l)" 1
mkdir -p cwd && cp chinook.db cwd/ && (cd cwd && env -u DBKEEP_DIR "$DBKEEP" backup --db chinook.db -q </dev/null)
same "without -d the folder is ./backups" "$(data_files cwd/backups | wc -l)" 1

# ---- two backups in the same second ----------------------------------------
sqlite3 small.db 'create table t(x); insert into t values (1),(2),(3);'
# Start just after a second ticks so that both small backups fit in it.
for _ in $(seq 50); do [ "$(date +%N | cut -c1)" = 0 ] && break; sleep 0.02; done
"$DBKEEP" backup --db small.db -d same -q --no-prune </dev/null
"$DBKEEP" backup --db small.db -d same -q --no-prune </dev/null
sf=$(data_files same | sort)
same "two backups give two data files" "$(echo "$sf" | wc -l)" 2
first=$(echo "$sf" | head -1)
if [ "$(echo "$sf" | sed 's/_2\././' | sort -u | wc -l)" -eq 1 ]; then
	check "the second in the same second is named _2" test -f "same/${first%.db.gz}_2.db.gz"
	check "the first set is intact" bash -c "cd same && sha256sum -c --strict '$first.sha256'"
	check "the _2 set is intact" bash -c "cd same && sha256sum -c --strict '${first%.db.gz}_2.db.gz.sha256'"
else
	ok "# the two backups fell in different seconds: _2 not exercised ($(echo $sf))"
fi

# ---- failures that must leave nothing ------------------------------------
run 1 "a missing --db file fails with exit 1" "$DBKEEP" backup --db nope.db -d miss
grep_in "the message names the missing file" "^dbkeep: .*nope\.db" "$T/err"
no_backup_files "a missing database writes no backup" miss
check "a missing database is not created" test ! -e nope.db

sqlite3 empty.db 'pragma user_version=7'
esum=$(sha256sum <empty.db)
run 1 "a database with no tables fails with exit 1" "$DBKEEP" backup --db empty.db -d empty
grep_in "the message says there are no tables and names --allow-empty" "no tables.*--allow-empty" "$T/err"
no_backup_files "an empty database writes no backup" empty
same "the empty database was not modified" "$(sha256sum <empty.db)" "$esum"
run 0 "--allow-empty accepts it" "$DBKEEP" backup --db empty.db -d empty --allow-empty
same "--allow-empty writes one backup" "$(data_files empty | wc -l)" 1
same "its manifest lists 0 tables" "$(manifest_get "empty/$(data_files empty).json" '$.tableCount')" 0

head -c 8192 /dev/urandom >junk.db
run 1 "a file that is not a database fails with exit 1" "$DBKEEP" backup --db junk.db -d junk
grep_in "the message says it is not an SQLite database" "junk\.db.*not an SQLite database" "$T/err"
no_backup_files "a non-database writes no backup" junk
echo "hello, world" >text.sqlite
run 1 "a text file named .sqlite fails with exit 1" "$DBKEEP" backup --db text.sqlite -d junk
no_backup_files "a text file writes no backup" junk
mkdir adir.db
run 1 "a folder given as --db fails with exit 1" "$DBKEEP" backup --db adir.db -d junk --engine sqlite
no_backup_files "a folder writes no backup" junk
echo "1..$tap_n"
