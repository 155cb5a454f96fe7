#!/usr/bin/env bash
# PostgreSQL: the dumper against the odd objects and values real schemas
# hold.  The fixtures of tests/e2e/data are loaded into one database (an
# oracle run costs seconds per database, so one database keeps the script
# within a couple of minutes), backed up with dbkeep and restored twice,
# each time judged by the shared round-trip oracle with database-level
# properties enforced: once with dbkeep restore --target, once by psql from
# the gunzipped file.
#   pg-extensions.sql  contrib extensions in several schemas, objects on them,
#                      privileges changed on their members
#   pg-extconfig.sql   rows of extension configuration tables (needs the
#                      test extension dbk_cfgtest, installed below)
#   pg-kinds.sql       operator classes and families, conversions, access
#                      methods, languages, transforms, text search parsers
#                      and templates, base and shell types, subscriptions
#   pg-shapes.sql      table, key, index, trigger, view and routine shapes
#   pg-values.sql      values at the edges of their types
#   pg-corners.sql     odd names in every position, inheritance children
#                      with reordered columns, index statistics, GUC lists
#                      in function SET clauses, reg* values, and more
# Then what the dumper cannot write (a security label) must fail the backup
# naming it, and --allow-partial must record it in the manifest.
. "$(dirname "$0")/lib.sh"
need_pg

data=$DBKEEP_SRC/tests/e2e/data

# The test extension: configuration tables with and without a condition,
# one referencing another, configuration sequences, a plain member table.
extdir=$(pg_config --sharedir 2>/dev/null)/extension
ext_made=
install_ext() {
	[ -d "$extdir" ] && [ -w "$extdir" ] || return 1
	if [ ! -f "$extdir/dbk_cfgtest.control" ]; then
		ext_made=1
	fi
	cat >"$extdir/dbk_cfgtest.control" <<'EOF' &&
comment = 'dbkeep test extension with configuration tables'
default_version = '1.0'
relocatable = true
EOF
	cat >"$extdir/dbk_cfgtest--1.0.sql" <<'EOF'
CREATE TABLE dbk_settings (k text PRIMARY KEY, v text, standard boolean NOT NULL DEFAULT false);
INSERT INTO dbk_settings VALUES ('version', '1', true), ('mode', 'default', true);
SELECT pg_catalog.pg_extension_config_dump('dbk_settings', 'WHERE NOT standard');
CREATE TABLE dbk_log (id serial PRIMARY KEY, msg text, len integer GENERATED ALWAYS AS (length(msg)) STORED);
SELECT pg_catalog.pg_extension_config_dump('dbk_log', '');
SELECT pg_catalog.pg_extension_config_dump('dbk_log_id_seq', '');
CREATE TABLE dbk_note (log_id integer REFERENCES dbk_log ON DELETE CASCADE, note text);
SELECT pg_catalog.pg_extension_config_dump('dbk_note', '');
CREATE SEQUENCE dbk_ticket;
SELECT pg_catalog.pg_extension_config_dump('dbk_ticket', '');
CREATE FUNCTION dbk_hello() RETURNS text LANGUAGE sql AS 'SELECT ''hi''';
CREATE TABLE dbk_plain (x integer);
EOF
}
cleanup_ext() {
	if [ -n "$ext_made" ]; then
		rm -f "$extdir/dbk_cfgtest.control" "$extdir/dbk_cfgtest--1.0.sql"
	fi
}
trap 'cleanup_ext; jobs -p | xargs -r kill 2>/dev/null; rm -rf "$T"' EXIT

# A database holding subscriptions cannot be dropped: they go first
# (disabled, slot forgotten, so no publisher is contacted).
drop_subs_db() {
	[ "$(pg -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ] || return 0
	pg -d "$1" >/dev/null 2>&1 <<'SQL'
DO $$
DECLARE s text;
BEGIN
    FOR s IN SELECT subname FROM pg_subscription
             WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) LOOP
        EXECUTE format('ALTER SUBSCRIPTION %I DISABLE', s);
        EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', s);
        EXECUTE format('DROP SUBSCRIPTION %I', s);
    END LOOP;
END
$$;
SQL
	pg_drop "$1"
}

oracle() { # oracle DB how [VAR=VALUE...]: pg_oracle, with DB's subscriptions dropped around it
	local rc
	drop_subs_db "rt_$1"
	pg_oracle "$@" KEEP=1
	rc=$?
	drop_subs_db "rt_$1"
	return $rc
}

check "test extension dbk_cfgtest installed in $extdir" install_ext

db=dbk_objects
drop_subs_db "$db"
pg_recreate "$db"
for fx in extensions extconfig kinds shapes values corners; do
	check "pg-$fx.sql loads" pg -d "$db" -f "$data/pg-$fx.sql"
done
check "fixtures: dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" oracle "$db" dbkeep
check "fixtures: dbkeep backup, psql restore (oracle, STRICT_DBLEVEL=1)" oracle "$db" psql SKIP_SOURCE_CHECK=1

# The public schema made again by the user, and no public schema at all:
# each in a small database of its own (the fixtures above use public).
for pdb in dbk_public dbk_nopublic; do
	pg_recreate "$pdb"
	if [ "$pdb" = dbk_public ]; then
		check "pg-public.sql loads" pg -d "$pdb" -f "$data/pg-public.sql"
	else
		check "a database without a public schema" pg -d "$pdb" \
			-c "DROP SCHEMA public; CREATE SCHEMA app; CREATE TABLE app.t AS SELECT 1 AS i"
	fi
	check "$pdb: dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" oracle "$pdb" dbkeep
	check "$pdb: dbkeep backup, psql restore (oracle, STRICT_DBLEVEL=1)" oracle "$pdb" psql SKIP_SOURCE_CHECK=1
	pg_drop "$pdb"
done

# Tables, partitioned tables, matviews, indexes and constraint indexes in
# a tablespace of their own (made in a folder the server's user can use).
ts_dir=$T/tblspc
mkdir -p "$ts_dir" && chmod 0755 "$T" && { [ "$(id -u)" != 0 ] || chown postgres: "$ts_dir"; }
pg -d postgres -c "DROP TABLESPACE IF EXISTS dbk_tblspc" >/dev/null 2>&1
check "a tablespace" pg -d postgres -c "CREATE TABLESPACE dbk_tblspc LOCATION '$ts_dir'"
pg_recreate dbk_ts
check "objects in the tablespace" pg -d dbk_ts -c "
	CREATE TABLE t (id int PRIMARY KEY USING INDEX TABLESPACE dbk_tblspc, v text,
		EXCLUDE USING btree (v WITH =) USING INDEX TABLESPACE dbk_tblspc) TABLESPACE dbk_tblspc;
	CREATE INDEX t_v ON t (lower(v)) TABLESPACE dbk_tblspc WHERE v <> 'x';
	CREATE TABLE p (k int) PARTITION BY RANGE (k) TABLESPACE dbk_tblspc;
	CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
	CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (10) TO (20) TABLESPACE pg_default;
	CREATE INDEX p_k ON p (k) TABLESPACE dbk_tblspc;
	CREATE MATERIALIZED VIEW mv TABLESPACE dbk_tblspc AS SELECT 1 AS a;
	INSERT INTO t VALUES (1, 'x'), (2, 'y'); INSERT INTO p VALUES (1), (15);"
check "dbk_ts: dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" oracle dbk_ts dbkeep
check "dbk_ts: dbkeep backup, psql restore (oracle, STRICT_DBLEVEL=1)" oracle dbk_ts psql SKIP_SOURCE_CHECK=1
pg_drop dbk_ts
# A database made in the tablespace (CREATE DATABASE ... TABLESPACE) is
# restored into it, as pg_dump --create does: its relations without a
# tablespace of their own go back there, apart from those it keeps in
# pg_default.
pg_drop dbk_dts
check "a database in the tablespace" pg -d postgres -c "CREATE DATABASE dbk_dts TABLESPACE dbk_tblspc"
check "relations in its tablespace and in pg_default" pg -d dbk_dts -c "
	CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);
	CREATE TABLE d (a int) TABLESPACE pg_default; CREATE INDEX d_a ON d (a) TABLESPACE pg_default"
check "dbk_dts: dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" oracle dbk_dts dbkeep
run 0 "backup of the database in the tablespace" "$DBKEEP" backup --db dbk_dts -d "$T/dts" -q
run 0 "its restore into a new database" "$DBKEEP" restore 1 -d "$T/dts" --target dbk_dts_copy --force -q
same "the restored database is in the tablespace" "dbk_tblspc" \
	"$(pg -d postgres -c "SELECT t.spcname FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = 'dbk_dts_copy'")"
pg_drop dbk_dts_copy
pg_drop dbk_dts
pg -d postgres -c "DROP TABLESPACE IF EXISTS dbk_tblspc" >/dev/null

# A SQL_ASCII database holds bytes that are not UTF-8, in rows and
# comments: the dump takes them as they are (pg_dump writes in the
# database's encoding), where converting them to UTF-8 failed the backup.
pg_drop dbk_ascii
check "a SQL_ASCII database" pg -d postgres -c "CREATE DATABASE dbk_ascii ENCODING SQL_ASCII LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
check "rows and a comment that are not UTF-8" pg -d dbk_ascii -c "
	CREATE TABLE t (id int, s text, b bytea);
	INSERT INTO t VALUES (1, convert_from('\\x636166e9', 'SQL_ASCII'), '\\xff'), (2, convert_from('\\xc3a9ff80', 'SQL_ASCII'), NULL);
	DO \$\$BEGIN
		EXECUTE 'COMMENT ON TABLE t IS ' || quote_literal(convert_from('\\x62ff', 'SQL_ASCII'));
	END\$\$;"
check "dbk_ascii: dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" oracle dbk_ascii dbkeep
pg_drop dbk_ascii

# --no-privileges and --no-owner restores still load (the privilege lines
# of extension members are skipped too).
bk=$T/ext
run 0 "backup of the fixtures database" "$DBKEEP" backup --db "$db" -d "$bk" -q
run 0 "restore --no-privileges --no-owner" "$DBKEEP" restore 1 -d "$bk" --target dbk_ext_noacl \
	--force -q --no-privileges --no-owner
same "no privileges restored on an extension member" "" \
	"$(pg -d dbk_ext_noacl -c "SELECT proacl FROM pg_proc WHERE proname = 'digest' AND proacl::text LIKE '%dbk_ext_user%'")"
# Configuration rows: the standard ones come from CREATE EXTENSION, the
# user's from the dump; each exactly once.
same "configuration table rows, standard and user ones, once each" \
	"mode,other,user key,version" \
	"$(pg -d dbk_ext_noacl -c "SELECT string_agg(k, ',' ORDER BY k) FROM cfg.dbk_settings")"
same "configuration sequence value" "3" "$(pg -d dbk_ext_noacl -c "SELECT nextval('cfg.dbk_ticket')")"
# Objects the user added to extensions: back, with their rows, as members.
same "rows of a table added to an extension" "1,2" \
	"$(pg -d dbk_ext_noacl -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM ext.added_rows")"
same "objects added to extensions are their members again" "hstore hstore ltree" \
	"$(pg -d dbk_ext_noacl -c "SELECT string_agg(x.extname, ' ' ORDER BY d.objid) FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid WHERE d.deptype = 'e' AND d.objid IN ('ext.added_rows'::regclass, 'ext.added_fn(int)'::regprocedure, 'ext.added_v'::regclass)")"
drop_subs_db dbk_ext_noacl

# What the dumper cannot write: a security label (no label provider is
# loaded in the test server, so it goes straight into the catalog).
pg_recreate dbk_refused
pg -d dbk_refused -c "CREATE TABLE labelled (i int); INSERT INTO labelled VALUES (1);
	INSERT INTO pg_seclabel VALUES ('labelled'::regclass, 'pg_class'::regclass, 0, 'dbk_provider', 'secret')" >/dev/null
run 1 "a security label fails the backup" "$DBKEEP" backup --db dbk_refused -d "$T/ref" -q
grep_in "the error names the labelled object" "security label on table public.labelled" "$T/err"
same "the failed backup left no backup file" "" "$(ls "$T/ref" 2>/dev/null | grep -v '^\.' | grep -E '\.gz$')"
run 0 "--allow-partial backs it up" "$DBKEEP" backup --db dbk_refused -d "$T/ref" -q --allow-partial
same "the manifest lists what was left out" "security label on table public.labelled" \
	"$(manifest_get "$(ls "$T"/ref/*.json)" '$.omitted[0]')"
run 0 "the partial backup restores" "$DBKEEP" restore 1 -d "$T/ref" --target dbk_refused_copy --force -q
same "its rows are there" "1" "$(pg -d dbk_refused_copy -c 'SELECT count(*) FROM labelled')"
pg_drop dbk_refused_copy
pg_drop dbk_refused
# The database's own label lives in a shared catalog: refused as well.
pg_recreate dbk_dblabel
pg -d dbk_dblabel -c "CREATE TABLE t (i int); INSERT INTO t VALUES (1);
	INSERT INTO pg_shseclabel SELECT oid, 'pg_database'::regclass, 'dbk_provider', 'secret' FROM pg_database WHERE datname = 'dbk_dblabel'" >/dev/null
run 1 "a security label on the database fails the backup" "$DBKEEP" backup --db dbk_dblabel -d "$T/dbl" -q
grep_in "the error names the labelled database" "security label on database dbk_dblabel" "$T/err"
pg -d postgres -c "DELETE FROM pg_shseclabel WHERE provider = 'dbk_provider'" >/dev/null
pg_drop dbk_dblabel

# A dependency cycle the dumper cannot break (pg_dump writes a dump that
# fails to load): a generated column calling a function that reads its
# table.  The backup fails naming both.
pg_recreate dbk_cycle
pg -d dbk_cycle -c "CREATE TABLE t (a int);
	CREATE FUNCTION cnt_t() RETURNS bigint LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT count(*) FROM t; END;
	ALTER TABLE t ADD COLUMN g bigint GENERATED ALWAYS AS (cnt_t() + a) STORED;
	INSERT INTO t (a) VALUES (1)" >/dev/null
run 1 "a dependency cycle dbkeep cannot break fails the backup" "$DBKEEP" backup --db dbk_cycle -d "$T/cyc" -q
grep_in "the error names the objects of the cycle" "cycle .*FUNCTION public\.cnt_t\(\), TABLE public\.t" "$T/err"
same "the failed backup left no backup file" "" "$(ls "$T/cyc" 2>/dev/null | grep -E '\.gz$')"
pg_drop dbk_cycle

drop_subs_db "$db"
