#!/usr/bin/env bash
# PostgreSQL restore on several connections (restore -j N): Pagila and a
# database of many tables (foreign keys between them, partitioned tables
# with partitioned indexes and keys, a matview, an exclusion constraint)
# restored at -j 1, 2 and 4, each judged by the round-trip oracle; a failing
# COPY row and a failing CREATE UNIQUE INDEX stop the restore naming the
# statement's line, whatever -j, and leave no scratch database; a plain
# pg_dump file still loads on one connection.
. "$(dirname "$0")/lib.sh"
need_pg

oracle() { # oracle DB JOBS: dbkeep backup + restore --target -j JOBS, judged
	"$TOOLS/pg-roundtrip" "$1" \
		"$DBKEEP backup --db {db} -d {dir}/bk -q && cp \"\$(ls {dir}/bk/*.gz)\" {file}" \
		"$DBKEEP restore 1 -d {dir}/bk --target {newdb} --force -q -j $2"
}
scratch_left() { # the scratch databases of restores into $1
	pg -d postgres -c "select datname from pg_database where datname like '$1\\_dbkeep\\_%'"
}

check "pagila loads" pg_load_pagila pagila
for j in 1 2 4; do
	check "pagila: restore -j $j matches (oracle)" oracle pagila "$j"
done

pg_recreate many
check "many tables load" pg -d many -f "$DBKEEP_SRC/tests/e2e/data/pg-many-tables.sql"
for j in 1 2 4; do
	check "many tables: restore -j $j matches (oracle)" oracle many "$j"
done

B=$T/bk
run 0 "backup of many" "$DBKEEP" backup --db many -d "$B" -q
run 0 "restore -j 2 -v" "$DBKEEP" restore 1 -d "$B" --target many_j2 --force -v -j 2
grep_in "-j 2 loads on two more connections" "parallel restore: 2 connections" "$T/err"
run 0 "restore -j 1 -v" "$DBKEEP" restore 1 -d "$B" --target many_j1 --force -v -j 1
if grep -q "parallel restore" "$T/err"; then not_ok "-j 1 loads on one connection"; else ok "-j 1 loads on one connection"; fi

# The same backup, broken on purpose (restored by file name: no manifest).
zcat "$B"/many_*.sql.gz >"$T/many.sql"
copy_line=$(grep -n '^COPY shop.t_5 ' "$T/many.sql" | cut -d: -f1)
awk -v L=$((copy_line + 3)) 'NR == L { sub(/^[0-9]+/, "oops") } { print }' "$T/many.sql" |
	gzip >"$B/bad-data.sql.gz"
post_line=$(grep -n '^-- dbkeep:section post-data' "$T/many.sql" | cut -d: -f1)
awk -v L="$post_line" '{ print } NR == L { print ""; print "CREATE UNIQUE INDEX dups_v ON shop.dups USING btree (v);" }' \
	"$T/many.sql" | gzip >"$B/bad-post.sql.gz"
for j in 1 2 4; do
	run 1 "-j $j: a failing COPY row stops the restore" \
		"$DBKEEP" restore bad-data.sql.gz -d "$B" --db bad_target --force --engine postgres -j "$j"
	grep_in "-j $j: the error names the COPY's line and the row" \
		"^dbkeep: line $copy_line: invalid input syntax .*\"oops\"; COPY t_5, line 3" "$T/err"
	same "-j $j: no scratch database left after the failing COPY" "" "$(scratch_left bad_target)"
	run 1 "-j $j: a failing CREATE UNIQUE INDEX stops the restore" \
		"$DBKEEP" restore bad-post.sql.gz -d "$B" --db bad_target --force --engine postgres -j "$j"
	grep_in "-j $j: the error names the index's line" \
		"^dbkeep: line $((post_line + 2)): could not create unique index \"dups_v\"" "$T/err"
	same "-j $j: no scratch database left after the failing index" "" "$(scratch_left bad_target)"
done
same "the failed restores created no target" "0" \
	"$(pg -d postgres -c "select count(*) from pg_database where datname = 'bad_target'")"

# A failure while several big COPY blocks are read ahead and in flight.
pg_recreate big
pg -d big -c "CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY, v text);
	INSERT INTO a SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 200000) g;
	INSERT INTO b SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 200000) g;
	CREATE TABLE \"0small\" (id int); INSERT INTO \"0small\" SELECT generate_series(1, 10);
	ANALYZE" >/dev/null
run 0 "backup of big" "$DBKEEP" backup --db big -d "$T/bb" -q
zcat "$T"/bb/big_*.sql.gz >"$T/big.sql"
# The largest tables' rows come first, so a parallel restore starts them
# first; the small table, first by name, follows them.
same "COPY blocks largest first, then by name" '"public"."a" "public"."b" "public"."0small"' \
	"$(sed -n 's/^-- dbkeep:data //p' "$T/big.sql" | tr '\n' ' ' | sed 's/ $//')"
copy_b=$(grep -n '^COPY public.b ' "$T/big.sql" | cut -d: -f1)
awk -v L=$((copy_b + 150000)) 'NR == L { sub(/^[0-9]+/, "1") } { print }' "$T/big.sql" | gzip >"$T/bb/bad-big.sql.gz"
run 1 "-j 2: a duplicate key deep in a big COPY stops the restore" \
	"$DBKEEP" restore bad-big.sql.gz -d "$T/bb" --db big_target --force --engine postgres -j 2
grep_in "-j 2: the error names the primary key's line" "^dbkeep: line [0-9]+: could not create unique index \"b_pkey\"" "$T/err"
same "-j 2: no scratch database left" "" "$(scratch_left big_target)"
same "no read-ahead file left in the backup folder" "" "$(leftovers "$T/bb")"
run 0 "-j 2: the good backup of big restores" \
	"$DBKEEP" restore "$(basename "$(ls "$T"/bb/big_*.sql.gz)")" -d "$T/bb" --target big_target --force -q -j 2
same "big_target has b's rows" 200000 "$(pg -d big_target -c 'select count(*) from b')"
# Read-ahead goes through disk only while a worker is free for what lies
# ahead: the first big block is spilled so the second can start, the second
# then goes straight to its worker (both workers busy).  Only its tail may
# follow through disk, once the first block's worker is done and free for the
# indexes after it: how much depends on the machine's load, so the bound is
# the first block and half the second (of the same size).
first=$(awk '/^COPY public\.a /{on=1; next} on && /^\\\.$/{exit} on' "$T/big.sql" | wc -c)
run 0 "-j 2 -v: the good backup of big restores again" \
	"$DBKEEP" restore "$(basename "$(ls "$T"/bb/big_*.sql.gz)")" -d "$T/bb" --target big_target --force -v -j 2
spilled=$(sed -n 's/.*parallel restore: \([0-9]*\) bytes of COPY data read ahead through disk.*/\1/p' "$T/err")
check "the first block was read ahead through disk" test "${spilled:-0}" -gt 0
check "no more than the first block and half the second ($first bytes each) went through disk (${spilled:-0})" \
	test "${spilled:-0}" -le $((first + first / 2))

# A plain pg_dump file: no dbkeep header, so one connection, in order.
pg_dump -d many | gzip >"$B/plain.sql.gz"
run 0 "a plain pg_dump file restores at -j 4" \
	"$DBKEEP" restore plain.sql.gz -d "$B" --db plain_target --force --engine postgres -v -j 4
if grep -q "parallel restore" "$T/err"; then not_ok "the plain file loads on one connection"; else ok "the plain file loads on one connection"; fi
same "the plain file's rows are there" "$(pg -d many -c 'select count(*) from shop.ev')" \
	"$(pg -d plain_target -c 'select count(*) from shop.ev')"

# The restored copy is proven before the swap: every table holds the rows the
# manifest says.  The COPY commands that load a dbkeep dump count them (no
# second scan of the data); odd names must still find their counts, and a
# count that disagrees must still stop the restore, whatever -j.
pg_recreate odd
pg -d odd >/dev/null <<'SQL'
CREATE SCHEMA "Sch.ema";
CREATE TABLE "Sch.ema"."Tab ""q"".x" (id int);
INSERT INTO "Sch.ema"."Tab ""q"".x" SELECT generate_series(1, 123);
CREATE TABLE "Sch.ema"."café" (t text);
INSERT INTO "Sch.ema"."café" VALUES ('a'), ('b'), ('c');
CREATE TABLE public."UPPER" (id int);
INSERT INTO public."UPPER" SELECT generate_series(1, 7);
CREATE TABLE public.empty (id int);
CREATE TABLE public.parent (id int);
CREATE TABLE public.child () INHERITS (public.parent);
INSERT INTO public.parent VALUES (1), (2), (3), (4), (5);
INSERT INTO public.child VALUES (6), (7), (8), (9), (10), (11);
CREATE TABLE public.part (id int) PARTITION BY RANGE (id);
CREATE TABLE public.part_1 PARTITION OF public.part FOR VALUES FROM (0) TO (100);
INSERT INTO public.part SELECT generate_series(0, 39);
SQL
O=$T/odd
run 0 "backup of odd names" "$DBKEEP" backup --db odd -d "$O" -q
odd_sum=$(pg_content_sum odd)
for j in 1 2; do
	run 0 "-j $j: odd names restore" "$DBKEEP" restore 1 -d "$O" --target "odd_j$j" --force -v -j "$j"
	grep_in "-j $j: every table's rows are known from its COPY, none scanned again" \
		"row counts: 7 tables as their COPY loaded them, 0 scanned" "$T/err"
	grep_in "-j $j: the summary counts every row" "7 tables, 184 rows" "$T/out"
	same "-j $j: the restored content is the source's" "$odd_sum" "$(pg_content_sum "odd_j$j")"
done
# One row more in the manifest than the backup holds.
m=$(ls "$O"/odd_*.sql.gz.json)
sqlite3 :memory: "select writefile('$m', json_set(readfile('$m'), '\$.tables.\"public.UPPER\"', 8))" >/dev/null
pg -d odd_j1 -c 'INSERT INTO public."UPPER" VALUES (100)'
for j in 1 2; do
	run 1 "-j $j: a table with fewer rows than the manifest says stops the restore" \
		"$DBKEEP" restore 1 -d "$O" --target odd_j1 --force -q -j "$j"
	grep_in "-j $j: the error names the table and both counts" \
		"the restored copy has 7 rows in table 'public\.UPPER', the backup had 8" "$T/err"
	same "-j $j: the target is untouched (its extra row is still there)" 8 \
		"$(pg -d odd_j1 -c 'select count(*) from public."UPPER"')"
	same "-j $j: no scratch database left" "" "$(scratch_left odd_j1)"
done

for d in many_j1 many_j2 big big_target plain_target many odd odd_j1 odd_j2; do pg_drop "$d"; done
