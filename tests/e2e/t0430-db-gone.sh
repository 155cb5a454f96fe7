#!/usr/bin/env bash
# t0430-db-gone.sh - the database goes away while a backup runs.
# PostgreSQL: the dumping session is ended with pg_terminate_backend, as
# soon as it connects (while it reads the catalog) and in the middle of
# the data.  SQLite: an exclusive writer holds the file past the busy
# timeout (DBKEEP_BUSY_TIMEOUT_MS=500), from the start or taken between
# two steps of the copy.  Each time: exit 1, one clear line, nothing
# half-written kept (no .partial, no scratch file, no new set), the older
# backups intact, and the next backup succeeds.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# gone_case NAME DIR STATUS_FILE ERR_FILE BEFORE WANT_RE: checks the
# outcome of a backup run in the background (its status in STATUS_FILE).
gone_case() {
	local name=$1 dir=$2 st=$3 err=$4 before=$5 want=$6
	sed "s/^/# $name: /" "$err"
	same "$name: the backup fails (exit 1)" "$st" 1
	# Known, reported: when the session dies during connection start-up
	# libpq itself sometimes prints the server's bare "FATAL:" line first;
	# dbkeep's own line must still be the only other one.
	same "$name: one line on stderr" "$(grep -vc '^FATAL:  terminating connection' "$err")" 1
	grep_in "$name: the message says what happened" "^dbkeep: .*($want)" "$err"
	same "$name: no .partial or scratch file is left" "$(leftovers "$dir")" ""
	same "$name: no new backup set, the older ones kept" "$(complete_sets "$dir")" "$before"
	run 0 "$name: the older backups verify" "$DBKEEP" verify --all -d "$dir"
}

# ---- SQLite: locked by an exclusive writer ------------------------------------
sqlite3 big.db "
create table t1(id integer primary key, name text, v real, b blob);
with recursive c(i) as (select 1 union all select i + 1 from c where i < 60000)
insert into t1 select i, 'name ' || i || ' ' || hex(randomblob(16)), random() / 1e9,
	randomblob(abs(random()) % 160) from c;"
run 0 "sqlite: (set-up) a first backup" "$DBKEEP" backup --db big.db -d bk -q
before=$(complete_sets bk)
sql_open blocker big.db
sql_do blocker "begin exclusive;" >/dev/null
t0=$(ms_now)
DBKEEP_BUSY_TIMEOUT_MS=500 "$DBKEEP" backup --db big.db -d bk </dev/null >out1 2>err1
st=$?
took=$(($(ms_now) - t0))
gone_case "sqlite, locked from the start" bk "$st" err1 "$before" "locked"
grep_in "sqlite, locked from the start: the message names the database" "big\.db" err1
if [ "$took" -lt 5000 ]; then ok "sqlite: it gave up after the busy timeout (${took} ms)"; else
	not_ok "sqlite: it gave up after the busy timeout (${took} ms)"; fi
sql_do blocker "rollback;" >/dev/null

# Taken between two steps of the copy, the backup already under way: the
# writer's lock request goes out the moment the scratch copy appears (the
# copy is quick, so a few attempts may be needed for one to land mid-copy;
# a backup that finished first is a clean success and is counted as such).
landed=0
for attempt in 1 2 3 4 5 6; do
	before=$(complete_sets bk)
	DBKEEP_BUSY_TIMEOUT_MS=500 "$DBKEEP" backup --db big.db -d bk --no-prune </dev/null >out2 2>err2 &
	pid=$!
	for _ in $(seq 2000); do
		[ -n "$(ls -A bk | grep '^\.dbkeep-scratch-')" ] && break
		kill -0 "$pid" 2>/dev/null || break
	done
	printf 'begin exclusive;\n' >&"${SQL_FD[blocker]}"
	wait "$pid"
	st=$?
	sql_do blocker "rollback;" >/dev/null
	if [ "$st" -ne 0 ]; then landed=$attempt; break; fi
done
echo "# sqlite: the writer landed mid-copy at attempt $landed (0: never)"
check "sqlite: (set-up) the writer's lock landed during a copy" test "$landed" -gt 0
gone_case "sqlite, locked during the copy" bk "$st" err2 "$before" "locked"
sql_close blocker
run 0 "sqlite: once the writer is gone the next backup succeeds" \
	"$DBKEEP" backup --db big.db -d bk -q --no-prune

# ---- PostgreSQL: the dumping session is terminated ----------------------------
need_pg
DB=dbkeep_t0430
pg_recreate "$DB"
pg -d "$DB" >/dev/null <<'SQL'
CREATE TABLE acct (id int PRIMARY KEY, name text, balance bigint, note text);
INSERT INTO acct SELECT g, 'acct ' || g, 1000, md5(g::text) FROM generate_series(1, 20000) g;
CREATE TABLE ev (id bigint PRIMARY KEY, at timestamptz, payload text, data bytea);
INSERT INTO ev SELECT g, '2026-01-01'::timestamptz - g * interval '1 second',
	repeat(md5(g::text), 1 + g % 5), decode(md5(random()::text) || md5(random()::text), 'hex')
	FROM generate_series(1, 80000) g;
SQL
run 0 "postgres: (set-up) a first backup" "$DBKEEP" backup --db "$DB" -d bk-pg -q
before=$(complete_sets bk-pg)

# terminate_when NAME COND DELAY: starts a backup; a server-side loop (no
# polling latency) ends its session once it shows up in pg_stat_activity
# with COND true, DELAY seconds later.
terminate_when() {
	local name=$1 cond=$2 delay=$3 pid st
	pg -d postgres -v db="$DB" -v cond="$cond" -v delay="$delay" >"$T/term.out" 2>&1 <<'SQL' &
SELECT format($f$
DO $$
DECLARE p int;
BEGIN
	FOR i IN 1 .. 30000 LOOP
		PERFORM pg_stat_clear_snapshot();
		SELECT pid INTO p FROM pg_stat_activity
			WHERE datname = %L AND application_name = 'dbkeep' AND (%s);
		EXIT WHEN p IS NOT NULL;
		PERFORM pg_sleep(0.001);
	END LOOP;
	PERFORM pg_sleep(%s);
	RAISE NOTICE 'terminated: %%', pg_terminate_backend(p);
END $$$f$, :'db', :'cond', :'delay') \gexec
SQL
	local term=$!
	sleep 0.3
	"$DBKEEP" backup --db "$DB" -d bk-pg --no-prune </dev/null >"$T/pg.out" 2>"$T/pg.err"
	st=$?
	wait "$term"
	check "$name: (set-up) the backup's session was found and ended" grep -q 'terminated: t' "$T/term.out"
	gone_case "$name" bk-pg "$st" "$T/pg.err" "$before" "terminat|connection|server closed"
}
terminate_when "postgres, terminated as it connects" true 0
terminate_when "postgres, terminated in the middle of the data" "query ILIKE 'COPY%ev%'" 0.05
run 0 "postgres: the next backup succeeds" "$DBKEEP" backup --db "$DB" -d bk-pg -q --no-prune
pg_drop "$DB"
echo "1..$tap_n"
