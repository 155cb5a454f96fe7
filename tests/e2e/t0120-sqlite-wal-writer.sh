#!/usr/bin/env bash
# t0120-sqlite-wal-writer.sh - backups of a database that a writer keeps
# committing to: every backup succeeds and is a consistent snapshot.  The
# writer inserts one row into each of a and b and bumps a counter in each,
# in one transaction, so count(a) = count(b) and sum(a.v) = sum(b.v) in
# every committed state; a torn copy would break that.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# start_writer DB [PAUSE]: commits in a loop until killed (pid in
# $writer_pid), sleeping PAUSE seconds between transactions when given.
start_writer() {
	local pause=${2:-}
	(
		echo ".timeout 20000"
		i=0
		while :; do
			i=$((i + 1))
			echo "begin; insert into a(v) values ($i); insert into b(v) values ($i);"
			echo "update a set v = v + 1 where id = 1; update b set v = v + 1 where id = 1; commit;"
			[ -n "$pause" ] && sleep "$pause"
		done
	) | sqlite3 -batch "$1" >/dev/null 2>"$T/writer.err" &
	writer_pid=$!
}
stop_writer() { kill "$writer_pid" 2>/dev/null; wait "$writer_pid" 2>/dev/null; }
invariant() { # prints "ok" when the invariant holds in DB
	sqlite3 -cmd ".timeout 10000" "$1" "select case when (select count(*) from a) = (select count(*) from b)
		and (select sum(v) from a) = (select sum(v) from b) then 'ok'
		else 'broken: ' || (select count(*) from a) || '/' || (select count(*) from b) || ' rows, sums '
		|| (select sum(v) from a) || '/' || (select sum(v) from b) end"
}
rowcount() { sqlite3 -cmd '.timeout 10000' "$1" 'select count(*) from a'; }

# one_mode MODE: Chinook plus a and b in journal mode MODE, three backups
# taken while the writer runs, each restored and checked.
one_mode() {
	local mode=$1 pause=${2:-} db=$1.db dir=bk-$1 i m n0 nb n1
	chinook_copy "$db"
	sqlite3 "$db" "pragma journal_mode=$mode;
		create table a(id integer primary key, v integer);
		create table b(id integer primary key, v integer);
		insert into a(v) values (0); insert into b(v) values (0);" >/dev/null
	same "$mode: (set-up) journal mode" "$(sqlite3 "$db" 'pragma journal_mode')" "$mode"
	start_writer "$db" "$pause"
	sleep 0.3
	n0=$(rowcount "$db")
	for i in 1 2 3; do
		run 0 "$mode: backup $i while the writer commits exits 0" \
			"$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune
		m=$(ls -t "$dir"/*.json | head -1)
		same "$mode: backup $i manifest: a and b have the same row count" \
			"$(manifest_get "$m" '$.tables.a')" "$(manifest_get "$m" '$.tables.b')"
		same "$mode: backup $i manifest integrity ok" "$(manifest_get "$m" '$.integrity')" ok
		if [ "$mode" = wal ]; then
			same "$mode: backup $i manifest method is wal-snapshot" \
				"$(manifest_get "$m" '$.method')" wal-snapshot
		fi
		rm -f "r$i-$mode.db"
		run 0 "$mode: backup $i restores into a new file" \
			"$DBKEEP" restore "$(basename "${m%.json}")" -d "$dir" --target "r$i-$mode.db" --force -q
		same "$mode: backup $i restored copy keeps the invariant" "$(invariant "r$i-$mode.db")" ok
		same "$mode: backup $i restored copy passes integrity_check" \
			"$(sqlite3 "r$i-$mode.db" 'pragma integrity_check')" ok
		same "$mode: backup $i restored copy has the manifest's row count" \
			"$(rowcount "r$i-$mode.db")" "$(manifest_get "$m" '$.tables.a')"
	done
	nb=$(rowcount r3-$mode.db)
	check "$mode: the writer is still running after the backups" kill -0 "$writer_pid"
	n1=$(rowcount "$db")
	stop_writer
	if [ "$n0" -lt "$nb" ] && [ "$nb" -le "$n1" ]; then
		ok "$mode: the writer committed during the backups ($n0 < $nb <= $n1 rows)"
	else
		not_ok "$mode: the writer committed during the backups ($n0 < $nb <= $n1 rows)"
	fi
	same "$mode: the live database keeps the invariant" "$(invariant "$db")" ok
	check "$mode: the writer saw no error" test ! -s "$T/writer.err"
	sed 's/^/# writer: /' "$T/writer.err" | head -5
	same "$mode: no .partial is left" "$(ls "$dir" | grep -c partial)" 0
}

one_mode wal
# The same in rollback-journal mode, where the copy is stepped and restarted
# when a writer commits in between.  A writer that never pauses starves
# every reader in this mode (SQLite's locking, not dbkeep's), so this one
# leaves gaps of a few milliseconds.
one_mode delete 0.005
echo "1..$tap_n"
