#!/usr/bin/env bash
# t0130-sqlite-restore-open.sh - restore while an application keeps the
# database open: afterwards that same connection reads the restored rows
# (no stale inode, no "database disk image is malformed").  A connection
# that holds a read transaction in rollback mode makes the restore wait
# and then fail cleanly, leaving the database as it was.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
dump_sum() { sqlite3 -cmd '.timeout 5000' "$1" .dump | sha256sum | cut -d' ' -f1; }
leftovers() { ls -A "$T" | grep -E "^\.?$1.+" | grep -vE "^$1-(wal|shm)$" | tr '\n' ' '; }

for mode in delete wal; do
	db=$mode.db
	chinook_copy "$db"
	sqlite3 "$db" "pragma journal_mode=$mode" >/dev/null
	good=$(dump_sum "$db")
	"$DBKEEP" backup --db "$db" -d "bk-$mode" -q </dev/null
	sqlite3 "$db" "delete from Track where TrackId > 100; update Artist set Name = 'oops';"

	sql_open "app$mode" "$db"
	same "$mode: (set-up) the application sees the damaged state" \
		"$(sql_do "app$mode" 'select count(*) from Track;')" 100
	run 0 "$mode: restore while the application holds the file open" \
		"$DBKEEP" restore 1 -d "bk-$mode" --force -q
	same "$mode: the same connection now reads the restored Track rows" \
		"$(sql_do "app$mode" 'select count(*) from Track;')" 3503
	same "$mode: and the restored Artist names" \
		"$(sql_do "app$mode" "select count(*) from Artist where Name = 'oops';")" 0
	same "$mode: the same connection finds the database intact" \
		"$(sql_do "app$mode" 'pragma integrity_check;')" ok
	sql_do "app$mode" "insert into Genre(Name) values ('after restore');" >/dev/null
	same "$mode: the same connection can write after the restore" \
		"$(sqlite3 -cmd '.timeout 5000' "$db" "select count(*) from Genre where Name = 'after restore'")" 1
	sql_do "app$mode" "delete from Genre where Name = 'after restore';" >/dev/null
	sql_close "app$mode"
	same "$mode: a new connection sees the backed-up database exactly" "$(dump_sum "$db")" "$good"
	same "$mode: the journal mode is kept" "$(sqlite3 "$db" 'pragma journal_mode')" "$mode"
	same "$mode: no scratch file is left beside the database" "$(leftovers "$db")" ""
done

# A connection in the middle of a read transaction (rollback mode): the
# restore cannot get the write lock.  It must give up after the busy
# timeout with a clear message and change nothing.
db=busy.db
chinook_copy "$db"
"$DBKEEP" backup --db "$db" -d bk-busy -q </dev/null
sqlite3 "$db" "delete from Track where TrackId > 100"
damaged=$(dump_sum "$db")
sql_open reader "$db"
sql_do reader "begin; select count(*) from Track;" >/dev/null
start=$(date +%s)
DBKEEP_BUSY_TIMEOUT_MS=1000 run 1 "a restore blocked by an open read transaction fails (exit 1)" \
	timeout 60 "$DBKEEP" restore 1 -d bk-busy --force
took=$(($(date +%s) - start))
grep_in "the message says the database is locked" "^dbkeep: .*busy\.db.*locked" "$T/err"
if [ "$took" -le 10 ]; then ok "it gave up after the busy timeout (${took}s)"; else
	not_ok "it gave up after the busy timeout (${took}s)"; fi
same "the reader's transaction still sees its snapshot" "$(sql_do reader 'select count(*) from Track;')" 100
sql_do reader "commit;" >/dev/null
same "the database is unchanged" "$(dump_sum "$db")" "$damaged"
same "no scratch file is left beside the database" "$(leftovers "$db")" ""
run 0 "once the transaction ends, the restore succeeds" "$DBKEEP" restore 1 -d bk-busy --force -q
same "and the reader's connection sees the restored rows" "$(sql_do reader 'select count(*) from Track;')" 3503
sql_close reader
echo "1..$tap_n"
