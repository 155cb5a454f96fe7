#!/usr/bin/env bash
# PostgreSQL: types, routines, privileges and values (pg-torture-types.sql)
# backed up with dbkeep and restored twice, each time judged by the shared
# round-trip oracle with database-level properties enforced: once with
# dbkeep restore --target, once by psql from the gunzipped file.  Then what
# a user would check by hand: privileges changed on pg_catalog's objects
# (and on a catalog's column) are back, and so are the comments and the
# owner given to plpgsql, which initdb makes in every database and the dump
# does not make again; a restore without privileges and owners keeps the
# comments and settings whose text says "grant" or "owner to".
. "$(dirname "$0")/lib.sh"
need_pg

data=$DBKEEP_SRC/tests/e2e/data

db=dbk_torture
pg_recreate "$db"
check "pg-torture-types.sql loads" pg -d "$db" -f "$data/pg-torture-types.sql"
check "dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" pg_oracle "$db" dbkeep
check "dbkeep backup, psql restore (oracle, STRICT_DBLEVEL=1)" pg_oracle "$db" psql SKIP_SOURCE_CHECK=1

run 0 "backup" "$DBKEEP" backup --db "$db" -d "$T/bk" -q
run 0 "restore into a new database" "$DBKEEP" restore 1 -d "$T/bk" --target dbk_torture_copy --force -q
q_acl="SELECT concat_ws(' | ', (SELECT proacl::text FROM pg_proc WHERE oid = 'pg_catalog.pg_sleep(float8)'::regprocedure),
	(SELECT relacl::text FROM pg_class WHERE oid = 'pg_catalog.pg_authid'::regclass),
	(SELECT attacl::text FROM pg_attribute WHERE attrelid = 'pg_catalog.pg_authid'::regclass AND attname = 'rolname'),
	(SELECT relacl::text FROM pg_class WHERE oid = 'pg_catalog.pg_settings'::regclass),
	(SELECT typacl::text FROM pg_type WHERE oid = 'pg_catalog.money'::regtype),
	(SELECT lanacl::text FROM pg_language WHERE lanname = 'sql'))"
want=$(pg -d "$db" -c "$q_acl")
case $want in *dbk_tt_mid*) ;; *) not_ok "the fixture changed pg_catalog's privileges ($want)" ;; esac
same "privileges changed on pg_catalog's functions, tables, columns, types and languages" \
	"$want" "$(pg -d dbk_torture_copy -c "$q_acl")"
same "pg_sleep is no longer PUBLIC's" "f" \
	"$(pg -d dbk_torture_copy -c "SELECT has_function_privilege('public', 'pg_catalog.pg_sleep(float8)', 'EXECUTE')")"
q_plpgsql="SELECT concat_ws(' | ', obj_description((SELECT oid FROM pg_extension WHERE extname = 'plpgsql'), 'pg_extension'),
	obj_description('pg_catalog.plpgsql_validator(oid)'::regprocedure, 'pg_proc'),
	obj_description((SELECT oid FROM pg_language WHERE lanname = 'plpgsql'), 'pg_language'),
	(SELECT lanowner::regrole::text FROM pg_language WHERE lanname = 'plpgsql'))"
same "comments and the owner given to plpgsql, its extension and a member" \
	"the extension's comment, changed | validator: revoke nothing, grant nothing | procedural | dbk_tt_mid" \
	"$(pg -d dbk_torture_copy -c "$q_plpgsql")"
same "enum labels in their order" "awful,sad,meh,fine,happy,ecstatic" \
	"$(pg -d dbk_torture_copy -c "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'tt.mood'::regtype")"
same "the large object over 1 MB, whole" "$(pg -d "$db" -c "SELECT md5(lo_get(2500000000))")" \
	"$(pg -d dbk_torture_copy -c "SELECT md5(lo_get(2500000000))")"

# --no-privileges: none of those grants, and the restore still loads
run 0 "restore --no-privileges --no-owner" "$DBKEEP" restore 1 -d "$T/bk" --target dbk_torture_noacl \
	--force -q --no-privileges --no-owner
same "no privileges restored on pg_catalog's objects" "" \
	"$(pg -d dbk_torture_noacl -c "SELECT proacl FROM pg_proc WHERE oid = 'pg_catalog.pg_sleep(float8)'::regprocedure")"
# ...but comments and settings whose text says grant, revoke, owner to or
# create role are no privileges nor owners
q_said="SELECT concat_ws(' | ', shobj_description(d.oid, 'pg_database'),
	(SELECT count(*) FROM pg_db_role_setting s WHERE s.setdatabase = d.oid),
	obj_description('pg_catalog.plpgsql_validator(oid)'::regprocedure, 'pg_proc'))
	FROM pg_database d WHERE d.datname = current_database()"
same "comments and settings that say grant or owner to, restored without privileges and owners" \
	"$(pg -d "$db" -c "$q_said")" "$(pg -d dbk_torture_noacl -c "$q_said")"

pg_drop dbk_torture_noacl

# A database the user dropped plpgsql from is restored without it (the
# new database's template has it, and the dump's DO blocks use it).
pg_recreate dbk_noplpgsql
check "a database without plpgsql" pg -d dbk_noplpgsql -c "DROP EXTENSION plpgsql;
	CREATE TABLE t (id int PRIMARY KEY, s text); INSERT INTO t VALUES (1, 'x');
	CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS 'SELECT \$1'; GRANT SELECT ON t TO dbk_tt_mid"
check "dbk_noplpgsql: dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" pg_oracle dbk_noplpgsql dbkeep
check "dbk_noplpgsql: dbkeep backup, psql restore (oracle, STRICT_DBLEVEL=1)" pg_oracle dbk_noplpgsql psql SKIP_SOURCE_CHECK=1
run 0 "its backup" "$DBKEEP" backup --db dbk_noplpgsql -d "$T/np" -q
run 0 "its restore on 2 connections" "$DBKEEP" restore 1 -d "$T/np" --target dbk_noplpgsql_copy --force -q -j 2
same "no plpgsql in the restored database, its rows there" "0 1" \
	"$(pg -d dbk_noplpgsql_copy -c "SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql') || ' ' || (SELECT count(*) FROM t)")"
pg_drop dbk_noplpgsql_copy
pg_drop rt_dbk_noplpgsql
pg_drop dbk_noplpgsql
pg_drop dbk_torture_copy
pg_drop "rt_$db"
pg_drop "$db"
