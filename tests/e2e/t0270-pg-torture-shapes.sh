#!/usr/bin/env bash
# PostgreSQL: table shapes, dependency orders and post-data objects of
# tests/e2e/data/pg-torture-shapes.sql, backed up with dbkeep and restored
# twice, each time judged by the shared round-trip oracle with
# database-level properties enforced: once with dbkeep restore --target,
# once by psql from the gunzipped file.  Then what a user would check of
# what dbkeep used to get wrong there:
#   - an inherited CHECK validated on a child (an inheritance child at any
#     depth, a partition) under a parent's NOT VALID one stays validated
#   - a domain CHECK calling a function that reads another table no longer
#     fails the COPY of the domain's column; it is valid after the restore,
#     also where the domain sits in a table whose row type is a column
#   - a NOT NULL dropped from an inheritance child's inherited column (also
#     on a child joined by ALTER TABLE ... INHERIT) keeps the child's NULLs
#   - a foreign key a partition had before ATTACH PARTITION keeps its name
#     (and its comment) as the clone of its parent's, at every level; a
#     partition left out by --exclude-table takes them along
#   - internal triggers of keys disabled by DISABLE TRIGGER ALL stay so,
#     and rows failing such a foreign key load, the key valid as before
#   - stored generated columns looking up another table have their values
. "$(dirname "$0")/lib.sh"
need_pg

data=$DBKEEP_SRC/tests/e2e/data

db=dbk_torture_shapes
pg_recreate "$db"
check "pg-torture-shapes.sql loads" pg -d "$db" -f "$data/pg-torture-shapes.sql"
check "fixture: dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" pg_oracle "$db" dbkeep
check "fixture: dbkeep backup, psql restore (oracle, STRICT_DBLEVEL=1)" pg_oracle "$db" psql SKIP_SOURCE_CHECK=1

bk=$T/bk
copy=dbk_torture_shapes_copy
run 0 "backup of the fixture database" "$DBKEEP" backup --db "$db" -d "$bk" -q
run 0 "its restore into a new database" "$DBKEEP" restore 1 -d "$bk" --target "$copy" --force -q

same "inherited checks validated on children stay validated under NOT VALID parents" \
	"t5.g:g_pos:false t5.gc:g_pos:false t5.gcc:g_pos:true t5.pv:b_nn:false t5.pv1:b_nn:false t5.pv1a:b_nn:false t5.pv2:b_nn:true t5.q:q_pos:false t5.qc:q_pos:true" \
	"$(pg -d "$copy" -c "SELECT string_agg(conrelid::regclass || ':' || conname || ':' || convalidated, ' ' ORDER BY conrelid::regclass::text) FROM pg_constraint WHERE conname IN ('g_pos', 'b_nn', 'q_pos')")"
same "rows under a domain whose check reads another table" "ok" \
	"$(pg -d "$copy" -c "SELECT string_agg(x, ',') FROM t6.a_user")"
same "domain checks calling functions are valid" "allowed_text_check:true even_check:true" \
	"$(pg -d "$copy" -c "SELECT string_agg(conname || ':' || convalidated, ' ' ORDER BY conname) FROM pg_constraint WHERE contypid IN ('t6.allowed_text'::regtype, 'ts_a.even'::regtype)")"
run 1 "the domain check still refuses a value" pg -d "$copy" -c "INSERT INTO t6.a_user VALUES ('nope')"
same "NOT NULL dropped from inherited columns, NULLs kept" "t6.c:false:1 t6.p:true:0 t6.rc:false:1" \
	"$(pg -d "$copy" -c "SELECT string_agg(a.attrelid::regclass || ':' || a.attnotnull || ':' || (SELECT count(*) FROM t6.p x WHERE x.tableoid = a.attrelid AND x.a IS NULL), ' ' ORDER BY a.attrelid::regclass::text) FROM pg_attribute a WHERE a.attrelid IN ('t6.p'::regclass, 't6.c'::regclass, 't6.rc'::regclass) AND a.attname = 'a'")"
same "partitions' foreign keys keep their own names" \
	"t7.ml1:mid_fk t7.ml1a:leaf_fk t7.ml2:ml_q_fkey t7.pf1:my own fk name t7.pf2:pf_r_fkey" \
	"$(pg -d "$copy" -c "SELECT string_agg(conrelid::regclass || ':' || conname, ' ' ORDER BY conrelid::regclass::text) FROM pg_constraint WHERE contype = 'f' AND conparentid <> 0 AND conrelid::regclass::text LIKE 't7.%' AND confrelid IN ('t7.ref'::regclass, 't7.pr'::regclass)")"
same "internal triggers of keys keep their state" "t13.c:D t13.c:D t13.c3:R t13.ref2:D t13.ref2:D t13.ref2:D" \
	"$(pg -d "$copy" -c "SELECT string_agg(tgrelid::regclass || ':' || tgenabled::text, ' ' ORDER BY tgrelid::regclass::text COLLATE \"C\", tgenabled::text) FROM pg_trigger WHERE tgisinternal AND tgenabled <> 'O'")"
same "rows failing foreign keys whose triggers were off, the keys valid" "t13.c2:1:true t13.c:42:true" \
	"$(pg -d "$copy" -c "SELECT string_agg(x, ' ' ORDER BY x COLLATE \"C\") FROM (SELECT 't13.c:' || r || ':' || (SELECT convalidated FROM pg_constraint WHERE conname = 'c_r_fkey') AS x FROM t13.c UNION ALL SELECT 't13.c2:' || r || ':' || (SELECT convalidated FROM pg_constraint WHERE conname = 'c2_r_fkey') FROM t13.c2) s")"
same "generated columns looking up another table" "20 60" \
	"$(pg -d "$copy" -c "SELECT (SELECT conv FROM t15.amount) || ' ' || (SELECT conv FROM t15.pa)")"
same "the comment on such a key" "kept name" \
	"$(pg -d "$copy" -c "SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'my own fk name'")"
pg_drop "$copy"
run 0 "backup without a partition holding a commented foreign key" "$DBKEEP" backup --db "$db" \
	-d "$T/excl" -q --exclude-table t7.pf1
run 0 "its restore" "$DBKEEP" restore 1 -d "$T/excl" --target "$copy" --force -q
same "the partition is left out, its parent is there" "0 1" \
	"$(pg -d "$copy" -c "SELECT count(*) FILTER (WHERE relname = 'pf1') || ' ' || count(*) FILTER (WHERE relname = 'pf') FROM pg_class WHERE relnamespace = 't7'::regnamespace")"
pg_drop "$copy"
pg_drop "$db"
