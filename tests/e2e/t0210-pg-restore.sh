#!/usr/bin/env bash
# PostgreSQL restore protocol: safety backup, the swap refused while other
# sessions are connected (listed), --terminate, --keep-old, a bad backup
# leaving the live database untouched, and restore without a terminal.
. "$(dirname "$0")/lib.sh"
need_pg

B=$T/bk
pg_recreate shop
pg -d shop -c "CREATE TABLE item (id int PRIMARY KEY, name text); INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 100) g" >/dev/null
run 0 "backup of shop" "$DBKEEP" backup --db shop -d "$B" -q
pg -d shop -c "DELETE FROM item WHERE id > 10" >/dev/null

run 2 "restore without a terminal and without --force is refused" timeout 10 "$DBKEEP" restore 1 -d "$B"
same "nothing changed after the refusal" 10 "$(pg -d shop -c 'select count(*) from item')"

# Another session holds the database: the swap must refuse and name it.
psql -X -q -d shop -c "select pg_sleep(60)" >/dev/null 2>&1 &
holder=$!
sleep 1
run 1 "restore refuses while another session is connected" "$DBKEEP" restore 1 -d "$B" --force
grep_in "the refusal lists the other session" "pid|session|connected" "$T/err"
same "the live database is untouched by the refused restore" 10 "$(pg -d shop -c 'select count(*) from item')"
same "no scratch database left after the refusal" "" \
	"$(pg -d postgres -c "select datname from pg_database where datname like 'shop_dbkeep%'")"

run 0 "restore --terminate ends the other session and restores" "$DBKEEP" restore 1 -d "$B" --force --terminate
wait $holder 2>/dev/null
same "rows are back" 100 "$(pg -d shop -c 'select count(*) from item')"
"$DBKEEP" list -d "$B" >"$T/list"
grep_in "the pre-restore state is kept as a safety backup" "preRestore" "$T/list"

run 0 "restore --keep-old keeps the replaced database" "$DBKEEP" restore 1 -d "$B" --force --keep-old
same "one old database kept" 1 \
	"$(pg -d postgres -c "select count(*) from pg_database where datname like 'shop_dbkeep_old%'")"
for d in $(pg -d postgres -c "select datname from pg_database where datname like 'shop_dbkeep_old%'"); do pg_drop "$d"; done

# A corrupted backup is refused before anything is touched.
pg -d shop -c "DELETE FROM item WHERE id > 50" >/dev/null
f=$(ls "$B"/shop_2*.sql.gz | head -1)
safety_before=$(ls "$B" | grep -c preRestore)
printf '\x00' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
run 1 "a corrupted backup is refused" "$DBKEEP" restore "$(basename "$f")" -d "$B" --force
grep_in "the refusal names the checksum" "checksum" "$T/err"
same "the live database is untouched" 50 "$(pg -d shop -c 'select count(*) from item')"
same "no safety backup taken for a refused restore" "$safety_before" "$(ls "$B" | grep -c preRestore)"

# The SQL loader reports the failing line and leaves nothing behind.
pg_recreate shop2
printf 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (oops);\n' | gzip >"$B/broken.sql.gz"
run 1 "a failing SQL file is refused" "$DBKEEP" restore broken.sql.gz -d "$B" --db shop2 --force --engine postgres
grep_in "the error names the line" "line 3" "$T/err"
same "no scratch database left after a failed load" "" \
	"$(pg -d postgres -c "select datname from pg_database where datname like 'shop2_dbkeep%'")"
