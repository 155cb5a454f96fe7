#!/usr/bin/env bash
# PostgreSQL round trips judged by the shared oracle: Pagila, Chinook and a
# database of odd objects, backed up with dbkeep and restored with dbkeep into
# a new database; then an in-place restore with database-level properties.
. "$(dirname "$0")/lib.sh"
need_pg

oracle() { # oracle DB [VAR=VALUE...]: dbkeep backup + restore --target, judged
	local db=$1; shift
	env "$@" "$TOOLS/pg-roundtrip" "$db" \
		"$DBKEEP backup --db {db} -d {dir}/bk -q && cp \"\$(ls {dir}/bk/*.gz)\" {file}" \
		"$DBKEEP restore 1 -d {dir}/bk --target {newdb} --force -q"
}

check "pagila loads" pg_load_pagila pagila
check "pagila: backup and restore --target match (oracle)" oracle pagila

check "chinook loads" pg_load_chinook
check "chinook: backup and restore --target match (oracle)" oracle chinook

odd=$DBKEEP_SRC/tests/e2e/data/pg-odd-objects.sql
if [ -f "$odd" ]; then
	pg_recreate odd_objects
	check "odd objects load" pg -d odd_objects -f "$odd"
	check "odd objects: backup and restore --target match (oracle)" oracle odd_objects
else
	not_ok "fixture $odd exists"
fi

# A plain dump that psql loads without dbkeep.
pg_recreate plain_target
run 0 "backup of pagila for psql" "$DBKEEP" backup --db pagila -d "$T/plain" -q
check "psql -v ON_ERROR_STOP=1 loads the gunzipped backup" \
	bash -c "gunzip -c $T/plain/pagila_*.sql.gz | psql -X -q -v ON_ERROR_STOP=1 -d plain_target >/dev/null"
same "psql-loaded copy has pagila's rentals" \
	"$(pg -d pagila -c 'select count(*) from rental')" "$(pg -d plain_target -c 'select count(*) from rental')"

# In place, with database-level properties that a plain pg_dump file lacks.
pg -d pagila -c "COMMENT ON DATABASE pagila IS 'the rental shop'" \
	-c "ALTER DATABASE pagila SET work_mem = '8MB'" >/dev/null
check "pagila in place, database-level properties too (oracle, STRICT_DBLEVEL=1)" \
	oracle pagila IN_PLACE=1 STRICT_DBLEVEL=1
same "no scratch or old database left behind" "" \
	"$(pg -d postgres -c "select datname from pg_database where datname like '%dbkeep%'")"
