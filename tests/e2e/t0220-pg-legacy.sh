#!/usr/bin/env bash
# Adopting dbkeep over old cron backups: plain pg_dump files (.sql, .sql.gz,
# with --create) in the backup folder are listed as legacy and restore.
. "$(dirname "$0")/lib.sh"
need_pg

B=$T/bk
mkdir -p "$B"
check "pagila loads" pg_load_pagila pagila
pg_dump -Fp pagila | gzip >"$B/pagila-old.sql.gz"
pg_dump -Fp --create pagila >"$B/pagila-create.sql"
"$DBKEEP" list -d "$B" >"$T/list" 2>&1
grep_in "a pg_dump .sql.gz is listed as legacy" "legacy +pagila-old.sql.gz" "$T/list"
grep_in "a pg_dump --create .sql is listed as legacy" "legacy +pagila-create.sql" "$T/list"

for f in pagila-old.sql.gz pagila-create.sql; do
	pg_drop from_legacy
	run 0 "restore of $f into a new database" "$DBKEEP" restore "$f" -d "$B" --db from_legacy --engine postgres --force
	same "$f: rentals restored" "$(pg -d pagila -c 'select count(*) from rental')" \
		"$(pg -d from_legacy -c 'select count(*) from rental')"
done
run 0 "prune leaves legacy files alone" "$DBKEEP" prune -d "$B" --keep-last 0
check "legacy files still there" test -f "$B/pagila-old.sql.gz" -a -f "$B/pagila-create.sql"
