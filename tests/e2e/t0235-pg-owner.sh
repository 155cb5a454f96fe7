#!/usr/bin/env bash
# PostgreSQL as most applications run it: the database and its objects
# belong to an ordinary role (LOGIN CREATEDB, no superuser), and the admin
# backs up and restores with that role's credentials from the environment.
# The dump reads only what such a role may read (pg_user_mappings, not the
# superuser-only pg_user_mapping, once failed every such backup), and the
# restore by the same role gives back the same database, as the oracle
# judges.  A role that may not create databases is refused before the live
# database is touched.
. "$(dirname "$0")/lib.sh"
need_pg

B=$T/bk
pw="pw-$(date +%s%N)"
pg_drop dbk_app
pg_drop dbk_app_copy
pg -d postgres >/dev/null <<SQL
DROP ROLE IF EXISTS dbk_app_owner;
DROP ROLE IF EXISTS dbk_app_reader;
CREATE ROLE dbk_app_owner LOGIN CREATEDB PASSWORD '$pw';
CREATE ROLE dbk_app_reader;
CREATE DATABASE dbk_app OWNER dbk_app_owner;
SQL
# What the owner may make itself, a trusted extension among it.
# dbkeep gets the password the way scripts give it, in DB_PASSWORD; psql
# in its own PGPASSWORD.
as_owner() { env -u PGPASSWORD PGUSER=dbk_app_owner DB_PASSWORD="$pw" "$@"; }
check "the owner's objects load" env PGUSER=dbk_app_owner PGPASSWORD="$pw" psql -X -q -v ON_ERROR_STOP=1 -d dbk_app -c "
	CREATE SCHEMA app;
	CREATE EXTENSION hstore SCHEMA app;
	CREATE TYPE app.mood AS ENUM ('ok', 'meh');
	CREATE TABLE app.t (id serial PRIMARY KEY, v text NOT NULL, m app.mood, j jsonb);
	INSERT INTO app.t (v, m, j) SELECT 'v' || g, 'ok', jsonb_build_object('g', g) FROM generate_series(1, 50) g;
	CREATE TABLE app.child (id int REFERENCES app.t, note text);
	INSERT INTO app.child VALUES (1, 'a'), (2, 'b');
	CREATE VIEW app.v AS SELECT id, v FROM app.t WHERE id > 10;
	CREATE FUNCTION app.f(int) RETURNS int LANGUAGE sql AS 'SELECT \$1 + 1';
	CREATE INDEX t_v ON app.t (lower(v));
	COMMENT ON TABLE app.t IS 'owned by an ordinary role';
	GRANT USAGE ON SCHEMA app TO dbk_app_reader;
	GRANT SELECT ON app.t, app.v TO dbk_app_reader;
	REVOKE EXECUTE ON FUNCTION app.f(int) FROM PUBLIC;
	CREATE TABLE app.kv (k int PRIMARY KEY, h app.hstore);
	INSERT INTO app.kv VALUES (1, 'a=>1');"
check "the owner is no superuser" test "$(pg -d postgres -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'dbk_app_owner'")" = f

as_owner "$DBKEEP" backup --db dbk_app -d "$B" -q </dev/null >"$T/out" 2>"$T/err"
same "the owner's backup succeeds" 0 $?
sed 's/^/# /' "$T/err" | head -3
same "its manifest counts the owner's tables" 3 "$(manifest_get "$(ls "$B"/*.json | head -1)" '$.tableCount')"
as_owner "$DBKEEP" restore 1 -d "$B" --target dbk_app_copy --force -q </dev/null >"$T/out" 2>"$T/err"
same "the owner restores it into a new database" 0 $?
same "which belongs to the owner" dbk_app_owner \
	"$(pg -d postgres -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'dbk_app_copy'")"
same "with the rows" 50 "$(pg -d dbk_app_copy -c 'SELECT count(*) FROM app.t')"
same "and the grants" t "$(pg -d dbk_app_copy -c "SELECT has_table_privilege('dbk_app_reader', 'app.t', 'SELECT')")"
pg_drop dbk_app_copy

# The oracle, with dump and restore both run as the owner.
oracle_owner() {
	env NEWDB=rt_dbk_app STRICT_DBLEVEL=1 "$TOOLS/pg-roundtrip" dbk_app \
		"env -u PGPASSWORD PGUSER=dbk_app_owner DB_PASSWORD='$pw' $DBKEEP backup --db {db} -d {dir}/bk -q && cp \"\$(ls {dir}/bk/*.gz)\" {file}" \
		"env -u PGPASSWORD PGUSER=dbk_app_owner DB_PASSWORD='$pw' $DBKEEP restore 1 -d {dir}/bk --target {newdb} --force -q"
}
check "the owner's backup and restore: oracle (STRICT_DBLEVEL=1)" oracle_owner
pg_drop rt_dbk_app

# In place, as the owner: the live database is replaced, a safety copy kept.
pg -d dbk_app -c "DELETE FROM app.child" >/dev/null
as_owner "$DBKEEP" restore 1 -d "$B" --force -q </dev/null >"$T/out" 2>"$T/err"
same "the owner restores in place" 0 $?
same "the deleted rows are back" 2 "$(pg -d dbk_app -c 'SELECT count(*) FROM app.child')"

# Without CREATEDB there is no scratch database to prove the backup in:
# refused before anything is done (no safety backup either), the live
# database as it was.
pg -d postgres -c "ALTER ROLE dbk_app_owner NOCREATEDB" >/dev/null
pg -d dbk_app -c "DELETE FROM app.child WHERE id = 1" >/dev/null
files_before=$(ls "$B" | sort)
as_owner "$DBKEEP" restore 1 -d "$B" --force -q </dev/null >"$T/out" 2>"$T/err"
same "a restore by a role without CREATEDB fails" 1 $?
same "saying why, in one line" \
	"dbkeep: role 'dbk_app_owner' cannot restore 'dbk_app': it may not create databases (CREATEDB), and the backup is proven in a new scratch database" \
	"$(cat "$T/err")"
same "the live database is untouched" 1 "$(pg -d dbk_app -c 'SELECT count(*) FROM app.child')"
same "no scratch database was made" 0 "$(pg -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'dbk_app_dbkeep_%'")"
same "no safety backup was taken, nothing written to the folder" "$files_before" "$(ls "$B" | sort)"
pg -d postgres -c "ALTER ROLE dbk_app_owner CREATEDB" >/dev/null

# A role that may create databases but does not own the target cannot
# rename it into place: refused up front too.
pg -d postgres -c "CREATE ROLE dbk_app_other LOGIN CREATEDB PASSWORD '$pw'" >/dev/null
env PGUSER=dbk_app_other PGPASSWORD="$pw" "$DBKEEP" restore 1 -d "$B" --db dbk_app --force -q \
	</dev/null >"$T/out" 2>"$T/err"
same "a restore over a database another role owns fails" 1 $?
same "saying why" \
	"dbkeep: role 'dbk_app_other' cannot restore 'dbk_app': it does not own that database, which the restore must rename to put the new one in its place" \
	"$(cat "$T/err")"
same "nothing written to the folder" "$files_before" "$(ls "$B" | sort)"
same "the live database is still untouched" 1 "$(pg -d dbk_app -c 'SELECT count(*) FROM app.child')"
pg -d postgres -c "DROP ROLE dbk_app_other" >/dev/null

# A user mapping, on a server of an FDW that only a superuser could make
# (postgres_fdw is no trusted extension): the owner's backup reads it; the
# owner's restore fails in the scratch database, naming the extension, and
# leaves the live database as it was; a superuser's restore loads it.
pg -d dbk_app -c "CREATE EXTENSION postgres_fdw; GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO dbk_app_owner" >/dev/null
check "the owner's server, user mapping and foreign table" env PGUSER=dbk_app_owner PGPASSWORD="$pw" \
	psql -X -q -v ON_ERROR_STOP=1 -d dbk_app -c "
	CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', dbname 'x');
	CREATE USER MAPPING FOR dbk_app_owner SERVER remote OPTIONS (user 'someone');
	CREATE FOREIGN TABLE app.ft (a int) SERVER remote"
as_owner "$DBKEEP" backup --db dbk_app -d "$T/fdw" -q </dev/null >"$T/out" 2>"$T/err"
same "the owner's backup of a database with a user mapping succeeds" 0 $?
same "the mapping is in it" 1 "$(gunzip -c "$T"/fdw/*.gz | grep -c 'CREATE USER MAPPING FOR dbk_app_owner SERVER remote')"
pg -d dbk_app -c "DELETE FROM app.child" >/dev/null
as_owner "$DBKEEP" restore 1 -d "$T/fdw" --force -q </dev/null >"$T/out" 2>"$T/err"
same "the owner's restore of it fails" 1 $?
grep_in "naming the extension it may not create" 'permission denied to create extension "postgres_fdw"' "$T/err"
same "the live database is untouched" 0 "$(pg -d dbk_app -c 'SELECT count(*) FROM app.child')"
run 0 "a superuser's restore loads it" "$DBKEEP" restore 1 -d "$T/fdw" --target dbk_app_copy --force -q
same "the mapping is back" someone \
	"$(pg -d dbk_app_copy -c "SELECT array_to_string(umoptions, ',') FROM pg_user_mappings WHERE srvname = 'remote'" | sed 's/^user=//')"
same "the rows as they were at the backup" 1 "$(pg -d dbk_app_copy -c 'SELECT count(*) FROM app.child')"

pg_drop dbk_app_copy
pg_drop dbk_app
pg -d postgres -c "DROP ROLE dbk_app_owner" -c "DROP ROLE dbk_app_reader" >/dev/null
