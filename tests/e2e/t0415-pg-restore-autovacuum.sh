#!/usr/bin/env bash
# t0415-pg-restore-autovacuum.sh - found by t0410: a restore must not be
# refused because an autovacuum worker is in the target database.  After
# a big restore (or any bulk change) autovacuum visits the database for a
# while; PostgreSQL's own ALTER DATABASE ... RENAME and DROP DATABASE tell
# such workers to leave (CountOtherDBBackends), so only client sessions
# block the swap.  The worker is slowed down here (cost delay) so that it
# is surely there when the restore swaps.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
need_pg
DB=dbkeep_t0415
pg_recreate "$DB"
pg -d "$DB" >/dev/null <<'SQL'
CREATE TABLE t (i int PRIMARY KEY, s text) WITH (autovacuum_vacuum_cost_delay = 100,
	autovacuum_vacuum_cost_limit = 1, autovacuum_vacuum_threshold = 0,
	autovacuum_analyze_threshold = 0);
INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 200000) g;
SQL
run 0 "backup of the database" "$DBKEEP" backup --db "$DB" -d bk -q
pg -d "$DB" -c "DELETE FROM t WHERE i % 2 = 0" >/dev/null

# autovacuum_naptime is a minute: wait up to 90 s for the worker.
workers() {
	pg -d postgres -c "select count(*) from pg_stat_activity where datname = '$DB'
		and backend_type = 'autovacuum worker'"
}
for _ in $(seq 180); do [ "$(workers)" != 0 ] && break; sleep 0.5; done
if [ "$(workers)" = 0 ]; then
	echo "# no autovacuum worker came within 90 s (autovacuum off?): nothing to show"
else
	check "(set-up) an autovacuum worker is in the database, no client session" \
		test "$(pg -d postgres -c "select count(*) from pg_stat_activity where datname = '$DB'
			and backend_type = 'client backend'")" = 0
	run 0 "restore succeeds while autovacuum works on the target" \
		"$DBKEEP" restore 1 -d bk --db "$DB" --force --no-safety-backup
	same "the rows are back" "$(pg -d "$DB" -c 'select count(*) from t')" 200000
fi
pg_drop "$DB"
echo "1..$tap_n"
