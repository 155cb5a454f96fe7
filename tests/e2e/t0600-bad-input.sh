#!/usr/bin/env bash
# t0600-bad-input.sh - bad input, one row per case: the command line, the
# exit status it must end with (2 bad usage or refused, 1 failure) and a
# regex that its one stderr line must match.  Every row also checks that
# nothing changed: the files under $T (backup folders, the SQLite database,
# the decoys outside the folders: names, modes, sizes, link targets,
# checksums) and, in PostgreSQL, the list of databases and every table's
# rows as an ordered checksum.  Then names full of quotes, semicolons,
# spaces and unicode, which must work.
. "$(dirname "$0")/lib.sh"
need_pg
cd "$T" || exit 1

# ---- fixtures --------------------------------------------------------------
chinook_copy app.db
"$DBKEEP" backup --db app.db -d bk -q </dev/null || not_ok "set-up: the first SQLite backup"
good=$(cd bk && ls | grep '\.db\.gz$')
# A copy of a set in its own folder, for damaging: clone SRC DST.
clone() { mkdir -p "$2" && chmod 700 "$2" && cp -p "$1"/*.gz "$1"/*.gz.json "$1"/*.gz.sha256 "$2"/; }
json_set() { # json_set FILE PATH VALUE-SQL
	sqlite3 :memory: "select writefile('$1', json_set(readfile('$1'), '$2', $3))" >/dev/null
}

# A valid backup set outside every folder, of a smaller database, and
# links to it named like a backup inside bk-link: restoring through the
# links would change app.db, which the rows catch.
mkdir outside && cp app.db outside/small.db && sqlite3 outside/small.db "delete from InvoiceLine"
"$DBKEEP" backup --db outside/small.db -d outside/set -q --label o </dev/null
o=$(cd outside/set && ls | grep '\.db\.gz$')
mkdir -m 700 bk-link
for s in "" .json .sha256; do ln -s "../outside/set/$o$s" "bk-link/app_20200101_000000.db.gz$s"; done
link=app_20200101_000000.db.gz

clone bk bk-badjson && echo '{"formatVersion": 1, "engine": "sqlite", ' >"bk-badjson/$good.json"
clone bk bk-badsum && json_set "bk-badsum/$good.json" '$.sha256' "'$(printf '0%.0s' $(seq 64))'"
clone bk bk-badsha && echo "$(printf 'f%.0s' $(seq 64))  $good" >"bk-badsha/$good.sha256"
clone bk bk-engine && json_set "bk-engine/$good.json" '$.engine' "'postgres'"
clone bk bk-trunc && head -c 100000 "bk/$good" >"bk-trunc/$good" && set_reseal "bk-trunc/$good"
clone bk bk-empty && : >"bk-empty/$good" && set_reseal "bk-empty/$good" 0
clone bk bk-garbage && head -c 300000 /dev/urandom | gzip >"bk-garbage/$good" &&
	set_reseal "bk-garbage/$good" 300000
clone bk bk-services && gzip -c /etc/services >"bk-services/$good" &&
	set_reseal "bk-services/$good" "$(stat -c %s /etc/services)"
: >empty.db.gz
head -c 100000 "bk/$good" >trunc.db.gz
head -c 300000 /dev/urandom | gzip >garbage.db.gz
gzip -c /etc/services >services.db.gz
: >afile

# PostgreSQL: a small database and its backup, damaged the same ways.
pg_recreate bi_shop
pg -d bi_shop -c "CREATE TABLE item (id int PRIMARY KEY, name text); INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 500) g; CREATE TABLE note (t text); INSERT INTO note VALUES ('a'), ('b')" >/dev/null
"$DBKEEP" backup --db bi_shop -d bkpg -q </dev/null || not_ok "set-up: the PostgreSQL backup"
pgood=$(cd bkpg && ls | grep '\.sql\.gz$')
clone bkpg bkpg-trunc && head -c $(($(stat -c %s "bkpg/$pgood") / 2)) "bkpg/$pgood" >"bkpg-trunc/$pgood" &&
	set_reseal "bkpg-trunc/$pgood"
clone bkpg bkpg-garbage && printf 'CREATE TABLE item (id int);\nTHIS IS NOT SQL;\n' >g.sql &&
	gzip -c g.sql >"bkpg-garbage/$pgood" && set_reseal "bkpg-garbage/$pgood" "$(stat -c %s g.sql)"
clone bkpg bkpg-badsum && json_set "bkpg-badsum/$pgood.json" '$.sha256' "'$(printf 'a%.0s' $(seq 64))'"
clone bkpg bkpg-badsha && echo "$(printf 'b%.0s' $(seq 64))  $pgood" >"bkpg-badsha/$pgood.sha256"
clone bkpg bkpg-engine && json_set "bkpg-engine/$pgood.json" '$.engine' "'sqlite'"

# A port on which something listens but never answers: a connection there
# can only end by the connect timeout.
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0,
	Listen => 5, ReuseAddr => 1) or die; $| = 1; print $s->sockport, "\n"; sleep 300' >silent.port &
for i in $(seq 50); do [ -s silent.port ] && break; sleep 0.1; done
silent=$(cat silent.port)

# A folder that nobody (the user the test switches to) cannot write.
chmod 711 "$T"
mkdir -m 755 ro && cp app.db ro/app.db && chmod 644 ro/app.db && mkdir -m 500 ro/bk && chown nobody ro/bk

# ---- the table -------------------------------------------------------------
state() { fs_state "$T" | grep -vE "(^| )$T/(out|err|silent\.port|\.check\.out)( |$)"; pg_state bi_shop; }
# row WANT REGEX DESC CMD...: CMD exits WANT with one stderr line matching
# REGEX, within 30 seconds, and changes nothing.
row() {
	local want=$1 re=$2 desc=$3 before lines
	shift 3
	before=$(state)
	run "$want" "$desc: exit $want" timeout 30 "$@"
	lines=$(wc -l <"$T/err")
	if [ "$lines" -eq 1 ] && grep -qE -- "$re" "$T/err"; then
		ok "$desc: one stderr line matching /$re/"
	else
		not_ok "$desc: one stderr line matching /$re/ (got $lines)"
		sed 's/^/# err: /' "$T/err" | head -5
	fi
	if [ "$before" = "$(state)" ]; then ok "$desc: nothing changed"; else
		not_ok "$desc: nothing changed"
		diff <(echo "$before") <(state) | head -10 | sed 's/^/# /'
	fi
}
K=$DBKEEP
Q="'?"

# Usage.
row 2 "unknown command 'frob'" "unknown command" $K frob
row 2 "unknown option '--frob'" "unknown option" $K backup --db app.db -d bk --frob
row 2 "missing argument '--db'" "missing argument" $K backup -d bk --db
row 2 "which backup" "restore without a backup" $K restore -d bk --force
row 2 "unexpected argument" "an extra argument" $K list -d bk extra
row 2 "--compress.* 1 to 9" "compress level 0" $K backup --db app.db -d bk -Z 0
row 2 "invalid numeric value 'x'" "--keep-last x" $K backup --db app.db -d bk --keep-last x
row 2 "unknown engine 'oracle'" "unknown engine" $K backup --db app.db -d bk --engine oracle
row 2 "port '54x32' is not a number" "SQLite with a port that is not a number" $K backup --db app.db -d bk -p 54x32

# Backup numbers.
row 2 "no backup number 0 in 'bk' \(there is 1\)" "restore 0" $K restore 0 -d bk --force
row 2 "unknown option '-1'" "restore -1" $K restore -1 -d bk --force
row 2 "no backup number -1 in" "restore -- -1" $K restore -d bk --force -- -1
row 2 "no backup number 2 in" "restore past the end" $K restore 2 -d bk --force
row 2 "no backup number 99999999999999999999999" "restore a number past 2^64" $K restore 99999999999999999999999 -d bk --force
row 2 "no safety backup number s1 in 'bk' \(there are 0\)" "restore s1 (there is none)" $K restore s1 -d bk --force
row 1 "no backup 'abc' in 'bk'" "restore abc (no such name)" $K restore abc -d bk --force
row 1 "no backup '1x' in 'bk'" "restore 1x" $K restore 1x -d bk --force
row 2 "no backup number 0" "show 0" $K show 0 -d bk
row 2 "no backup number 7" "verify 7" $K verify 7 -d bk
row 2 "no backup number 0" "compare 0" $K compare 0 -d bk --db app.db

# Paths.
row 1 "no backup './nowhere/x\.db\.gz'" "a path that does not exist" $K restore ./nowhere/x.db.gz -d bk --db app.db --force
row 2 "'bk' is a folder, not a backup" "a folder" $K restore bk -d bk --force
row 2 "'bk-link/$link' is a symbolic link in the backup folder: dbkeep does not follow" "a link in the folder to a backup outside" \
	$K restore "bk-link/$link" -d bk-link --db app.db --force
row 2 "symbolic link in the backup folder" "a link in the folder to a manifest outside" \
	$K restore "bk-link/$link.json" -d bk-link --db app.db --force
row 2 "symbolic link in the backup folder" "a link in the folder named from inside it" \
	bash -c 'cd bk-link && exec "$0" restore "$1" -d . --db ../app.db --force' $K "$link"
row 2 "symbolic link in the backup folder" "verify of a link in the folder" $K verify "bk-link/$link" -d bk-link
row 1 "no backup '$link' in 'bk-link'" "a link's name in the folder" $K restore "$link" -d bk-link --db app.db --force
row 2 "'\./empty\.db\.gz' is not a backup" "an empty file" $K restore ./empty.db.gz -d bk --db app.db --force
row 1 "trunc\.db\.gz" "a truncated gzip (no manifest)" $K restore ./trunc.db.gz -d bk --db app.db --force
row 2 "'\./garbage\.db\.gz' is not a backup" "a gzip of garbage" $K restore ./garbage.db.gz -d bk --db app.db --force
row 2 "'\./garbage\.db\.gz' is not a backup" "a gzip of garbage, --engine sqlite" $K restore ./garbage.db.gz -d bk --db app.db --force --engine sqlite
row 2 "'\./services\.db\.gz' is not a backup" "gzipped /etc/services as .db.gz" $K restore ./services.db.gz -d bk --db app.db --force

# Damaged sets in a folder, every checksum matching unless said otherwise.
row 1 "$good.*(empty|no data)" "a set whose data file is empty" $K restore 1 -d bk-empty --force --no-safety-backup
row 1 "$good.*truncated" "a set whose gzip is truncated" $K restore 1 -d bk-trunc --force --no-safety-backup
row 1 "not a valid SQLite database" "a set whose data is a gzip of garbage" $K restore 1 -d bk-garbage --force --no-safety-backup
row 1 "not a valid SQLite database" "a set whose data is gzipped /etc/services" $K restore 1 -d bk-services --force --no-safety-backup
row 1 "$good.*manifest is unreadable" "a manifest with broken JSON" $K restore 1 -d bk-badjson --force
row 1 "1 of 1 backups failed verification" "verify: a manifest with broken JSON" $K verify 1 -d bk-badjson
row 1 "$good.*checksum mismatch.*manifest" "a manifest whose checksum does not match" $K restore 1 -d bk-badsum --force
row 1 "$good.*checksum mismatch.*sha256" "a .sha256 that disagrees" $K restore 1 -d bk-badsha --force
row 1 "failed verification" "verify: a .sha256 that disagrees" $K verify 1 -d bk-badsha
row 2 "is a postgres backup, not sqlite" "a SQLite set whose manifest says postgres, --engine sqlite" $K restore 1 -d bk-engine --engine sqlite --force
row 1 "." "a SQLite set whose manifest says postgres, restored as postgres" $K restore 1 -d bk-engine --target bi_from_sqlite --force

# Folders.
row 1 "backup directory 'afile' is not a" "backup into a folder that is a file" $K backup --db app.db -d afile
row 2 "backup directory 'afile' is not a" "list a folder that is a file" $K list -d afile
row 1 "backup directory 'afile' is not a" "restore from a folder that is a file" $K restore 1 -d afile --db app.db --force
row 1 "ro/bk.*(Permission denied|not writable)" "backup into a folder nobody may write (as nobody)" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups $K backup --db ro/app.db -d ro/bk

# Restore without a terminal and without --force.
start=$(date +%s%N)
row 2 "terminal.*--force" "SQLite restore with stdin closed, no --force" $K restore 1 -d bk
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -lt 5000 ]; then ok "it refuses at once (${ms} ms)"; else not_ok "it refuses at once (${ms} ms)"; fi

# PostgreSQL.
row 2 "port '54x32' is not a number" "a port that is not a number" $K backup --db bi_shop -d bkpg -p 54x32
row 2 "port '0' is not a number from 1 to 65535" "port 0" $K backup --db bi_shop -d bkpg -p 0
row 2 "port '' is not a number" "an empty port" $K backup --db bi_shop -d bkpg -p ''
row 1 "bi_nosuch" "a database that does not exist" $K backup --db bi_nosuch -d bkpg
start=$(date +%s)
row 1 "(timeout|timed out)" "a server that never answers, --connect-timeout 2" \
	$K backup --db bi_shop -d bkpg -H 127.0.0.1 -p "$silent" --connect-timeout 2
s=$(($(date +%s) - start))
if [ "$s" -lt 12 ]; then ok "it gives up within the connect timeout (${s} s)"; else not_ok "it gives up within the connect timeout (${s} s)"; fi
start=$(date +%s%N)
row 2 "terminal.*--force" "PostgreSQL restore with stdin closed, no --force" $K restore 1 -d bkpg
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -lt 5000 ]; then ok "it refuses at once (${ms} ms)"; else not_ok "it refuses at once (${ms} ms)"; fi
row 1 "$pgood.*truncated" "a truncated SQL gzip" $K restore 1 -d bkpg-trunc --force --no-safety-backup
row 1 "line 2: syntax error" "a SQL backup that is not valid SQL" $K restore 1 -d bkpg-garbage --force --no-safety-backup
row 1 "line 2: syntax error" "a SQL backup that is not valid SQL, --target" $K restore 1 -d bkpg-garbage --target bi_shop_drill --force
row 1 "$pgood.*checksum mismatch.*manifest" "a manifest whose checksum does not match" $K restore 1 -d bkpg-badsum --force
row 1 "$pgood.*checksum mismatch.*sha256" "a .sha256 that disagrees" $K restore 1 -d bkpg-badsha --force
row 2 "is a sqlite backup, not postgres" "a PostgreSQL set whose manifest says sqlite, --engine postgres" \
	$K restore 1 -d bkpg-engine --engine postgres --force
row 2 "port 'x' is not a number" "restore with a port that is not a number" $K restore 1 -d bkpg --target bi_x -p x --force

# ---- names with quotes, semicolons, spaces and unicode ---------------------
weird='we"ird; db ü'
pg_drop "$weird"
pg_drop "$weird copy"
pg -d postgres -v n="$weird" <<<'CREATE DATABASE :"n"' >/dev/null
pg -d "$weird" -c "CREATE TABLE \"t\"\"q; ü\" (a int, \"b'\" text); INSERT INTO \"t\"\"q; ü\" SELECT g, 'x''' || g FROM generate_series(1, 42) g" >/dev/null
run 0 "PostgreSQL: backup of database '$weird'" $K backup --db "$weird" -d bkw -q
f=$(cd bkw && ls | grep '\.sql\.gz$')
same "the manifest names the database" "$(manifest_get "bkw/$f.json" '$.database')" "$weird"
run 0 "PostgreSQL: restore --target '$weird copy'" $K restore 1 -d bkw --target "$weird copy" --force -q
same "the copy has the rows" "$(pg_state "$weird copy" | tail -n +2 | grep -v '^==')" "$(pg_state "$weird" | tail -n +2 | grep -v '^==')"
pg -d "$weird" -c "DELETE FROM \"t\"\"q; ü\" WHERE a > 10" >/dev/null
run 0 "PostgreSQL: restore over '$weird' itself" $K restore 1 -d bkw --force -q
same "the rows are back" "$(pg -d "$weird" -c "SELECT count(*) FROM \"t\"\"q; ü\"")" 42
same "the safety backup is listed" "$($K list -d bkw | grep -c preRestore)" 1
pg_drop "$weird"
pg_drop "$weird copy"

sw="$T/we\"ird; 'db' ü \$x"
mkdir "$sw" && chinook_copy "$sw/app \$(touch pwned) ü.db"
sdb="$sw/app \$(touch pwned) ü.db"
run 0 "SQLite: backup of '$sdb'" $K backup --db "$sdb" -d "$sw/bk" -q
cp "$sw"/bk/*.db.gz.json sw.json
same "the manifest names the file" "$(manifest_get sw.json '$.database')" "$sdb"
sqlite3 "$sdb" "delete from Track"
run 0 "SQLite: restore over it" $K restore 1 -d "$sw/bk" --force -q
same "the rows are back" "$(sqlite3 "$sdb" 'select count(*) from Track')" 3503
run 0 "SQLite: restore --target another odd path" $K restore 1 -d "$sw/bk" --target "$sw/copy ü;.db" --force -q
same "the copy has the rows" "$(sqlite3 "$sw/copy ü;.db" 'select count(*) from Track')" 3503
same "no command in a name was run" "$(find "$T" -name pwned)" ""

pg_drop bi_shop
pg_drop bi_shop_drill
pg_drop bi_from_sqlite
pg_drop bi_x
echo "1..$tap_n"
