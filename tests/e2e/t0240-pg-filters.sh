#!/usr/bin/env bash
# PostgreSQL backup filters: --schema keeps only the named schemas,
# --exclude-table leaves a table (definition and rows) out; the manifest
# counts exactly what was dumped and the backup restores.
. "$(dirname "$0")/lib.sh"
need_pg

B=$T/bk
pg_recreate filt
pg -d filt >/dev/null <<'SQL'
CREATE SCHEMA app;
CREATE SCHEMA audit;
CREATE TABLE app.orders (id int PRIMARY KEY, total numeric);
CREATE TABLE app.big_log (id int, msg text);
CREATE TABLE audit.events (id int, what text);
INSERT INTO app.orders SELECT g, g * 1.5 FROM generate_series(1, 40) g;
INSERT INTO app.big_log SELECT g, 'line ' || g FROM generate_series(1, 500) g;
INSERT INTO audit.events SELECT g, 'event' FROM generate_series(1, 7) g;
SQL

run 0 "backup --schema app" "$DBKEEP" backup --db filt -d "$B/s" --schema app -q
m=$(ls "$B"/s/*.json)
same "the manifest counts only app's tables" "app.big_log app.orders" \
	"$(sqlite3 :memory: "select group_concat(key, ' ') from (select key from json_each(json_extract(readfile('$m'), '\$.tables')) order by key)")"
same "app.orders has its 40 rows" 40 "$(manifest_get "$m" '$.tables."app.orders"')"
check "the dump holds no audit schema" bash -c "! gunzip -c $B/s/*.sql.gz | grep -q 'audit\.events'"

run 0 "backup --exclude-table app.big_log" "$DBKEEP" backup --db filt -d "$B/x" --exclude-table app.big_log -q
m=$(ls "$B"/x/*.json)
same "the manifest leaves the excluded table out" "" "$(manifest_get "$m" '$.tables."app.big_log"')"
same "and keeps the others" 7 "$(manifest_get "$m" '$.tables."audit.events"')"
pg_drop filt_r
run 0 "the filtered backup restores" "$DBKEEP" restore 1 -d "$B/x" --target filt_r --force -q
same "restored: orders" 40 "$(pg -d filt_r -c 'select count(*) from app.orders')"
same "restored: no big_log table" "" "$(pg -d filt_r -c "select to_regclass('app.big_log')")"
run 2 "--schema is refused for SQLite" "$DBKEEP" backup --db "$T/x.db" --engine sqlite --schema app -d "$B/q"
pg_drop filt_r
