#!/usr/bin/env bash
# PostgreSQL: every extension of postgresql-15's contrib that can be made
# without shared_preload_libraries or a superuser-only resource outside the
# database, in one database used the way applications use them
# (tests/e2e/data/pg-contrib.sql), backed up with dbkeep and restored:
# judged by the shared round-trip oracle with database-level properties
# enforced, once with dbkeep restore --target, once by psql from the
# gunzipped file; restored on 2 connections with the same rows; then what a
# user would check by hand in the restored copy: the extensions at their
# versions and in their schemas, values of extension-typed columns,
# indexes valid and used, constraints and triggers that still act, the
# foreign tables, text search, large objects, privileges and comments.
#
# What cannot round trip, and how it shows:
#   - the rows behind a foreign table (postgres_fdw's remote table, the file
#     of file_fdw) are not in the database: the backup has the definition
#     (server, user mappings with their passwords, options), not the rows,
#     as pg_dump does; file_fdw's file must be on the restoring server.
#   - pg_stat_statements and old_snapshot are restored as made, but their
#     functions work only with shared_preload_libraries (and
#     old_snapshot_threshold) on the restoring server, as on the source.
# An index on earthdistance's ll_to_earth(lat, lon) (its documentation's
# example), whose SQL functions find cube's by the search_path, is tested
# in a database of its own: every query of its table needs earthdistance's
# schema on the search_path, the oracle's too.
. "$(dirname "$0")/lib.sh"
need_pg

data=$DBKEEP_SRC/tests/e2e/data

db=dbk_contrib
copy=dbk_contrib_copy
par=dbk_contrib_j2
pg_recreate "$db"
check "pg-contrib.sql loads" pg -d "$db" -f "$data/pg-contrib.sql"
# every extension the server offers is there (the suite's own test
# extensions, dbk_*, left out)
same "the fixture creates every contrib extension" "" \
	"$(pg -d "$db" -c "SELECT string_agg(name, ' ' ORDER BY name) FROM pg_available_extensions WHERE name NOT IN (SELECT extname FROM pg_extension) AND name NOT LIKE 'dbk\\_%'")"
check "dbkeep backup, dbkeep restore --target (oracle, STRICT_DBLEVEL=1)" pg_oracle "$db" dbkeep
check "dbkeep backup, psql restore (oracle, STRICT_DBLEVEL=1)" pg_oracle "$db" psql SKIP_SOURCE_CHECK=1

run 0 "backup" "$DBKEEP" backup --db "$db" -d "$T/bk" -q
run 0 "restore into a new database" "$DBKEEP" restore 1 -d "$T/bk" --target "$copy" --force -q
run 0 "restore on 2 connections" "$DBKEEP" restore 1 -d "$T/bk" --target "$par" --force -q -j 2
want=$(pg_content_sum "$db")
same "restore -j 2: the same rows" "$want" "$(pg_content_sum "$par")"
same "restore -j 1: the same rows" "$want" "$(pg_content_sum "$copy")"

q="SELECT string_agg(extname || ':' || extnamespace::regnamespace || ':' || extversion || ':' || coalesce(obj_description(oid, 'pg_extension'), '-'), ' ' ORDER BY extname) FROM pg_extension"
want=$(pg -d "$db" -c "$q")
case $want in *'hstore:"ext.x":1.6:'*'xml2:"ünï$":1.1:'*) ;; *) not_ok "the fixture's extensions ($want)" ;; esac
same "extensions in their schemas, at their versions, with their comments" "$want" "$(pg -d "$copy" -c "$q")"
same "the comment removed from adminpack stays removed" "" \
	"$(pg -d "$copy" -c "SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'adminpack'")"

# values of extension types, edge ones included
q="SELECT string_agg(concat_ws('|', id, ean, isbn, isbn10, issn, upc, title, attrs, shelf, weight, box, cover, uid, tags), E'\n' ORDER BY id) FROM app.book"
want=$(pg -d "$db" -c "$q")
case $want in *'"quote\"d"=>"back\\slash"'*'Top.Tools.Widgets|1.5 .. 2.5|(1, 2),(3, 4)|1280001'*) ;; *) not_ok "the fixture's books ($want)" ;; esac
same "citext, isn, hstore, ltree, seg, cube, lo values" "$want" "$(pg -d "$copy" -c "$q")"
same "hstore and ltree operators on restored values" 'red|back\slash|3|Top' \
	"$(pg -d "$copy" -c "SELECT concat_ws('|', attrs OPERATOR(\"ext.x\".->) 'color', attrs OPERATOR(\"ext.x\".->) 'quote\"d', \"ext.x\".nlevel(shelf), \"ext.x\".subpath(shelf, 0, 1)) FROM app.book WHERE id = 1")"
same "earth positions computed again by the generated column" \
	"$(pg -d "$db" -c "SELECT string_agg(name || '=' || coalesce(pos::text, '-'), ' ' ORDER BY name) FROM geo.place")" \
	"$(pg -d "$copy" -c "SELECT string_agg(name || '=' || coalesce(pos::text, '-'), ' ' ORDER BY name) FROM geo.place")"
same "the large object of the lo column" "\\x89504e470d0a1a0a" \
	"$(pg -d "$copy" -c "SELECT lo_get(cover) FROM app.book WHERE id = 1")"
same "the matview over extension functions is populated" \
	"$(pg -d "$db" -c "SELECT string_agg(concat_ws('|', id, h, s, j), ' ' ORDER BY id) FROM app.book_digest")" \
	"$(pg -d "$copy" -c "SELECT string_agg(concat_ws('|', id, h, s, j), ' ' ORDER BY id) FROM app.book_digest")"

# indexes valid and used
same "every index valid and ready" "0" \
	"$(pg -d "$copy" -c "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace::regnamespace::text NOT LIKE 'pg\_%' AND NOT (i.indisvalid AND i.indisready)")"
same "as many indexes as the source" "$(pg -d "$db" -c "SELECT count(*) FROM pg_index")" \
	"$(pg -d "$copy" -c "SELECT count(*) FROM pg_index")"
plan() { # plan DB QUERY: the indexes its plan scans, sequential scans off
	pg -d "$1" -c "SET enable_seqscan = off; EXPLAIN (COSTS OFF) $2" |
		grep -oE 'Index( Only)? Scan (using|on) [a-z_]+' | awk '{ print $NF }' | sort -u | tr '\n' ' '
}
index_used() { # index_used DESC INDEX_RE QUERY: the copy's plan is the source's, on such an index
	local want
	want=$(plan "$db" "$3")
	case $want in $2) same "$1" "$want" "$(plan "$copy" "$3")" ;;
	*) not_ok "$1: the source's plan scans '$want'" ;; esac
}
index_used "an hstore index is used" "book_attrs*" "SELECT id FROM app.book WHERE attrs OPERATOR(\"ext.x\".?) 'color'"
index_used "the trigram index is used" "book_title_trgm*" "SELECT id FROM app.book WHERE title::text LIKE '%idg%'"
index_used "the bloom index is used" "book_bloom*" "SELECT id FROM app.book WHERE length(title::text) = 15"
index_used "the ltree GiST index is used" "book_shelf*" "SELECT id FROM app.book WHERE shelf OPERATOR(\"ext.x\".<@) 'Top.Tools'"
index_used "the cube GiST index is used" "book_box*" "SELECT id FROM app.book WHERE box OPERATOR(geo.&&) '(0,0),(2,2)'"
same "the tsvector GIN index is used and finds the unaccented word" "1" \
	"$(pg -d "$copy" -c "SET enable_seqscan = off; SELECT string_agg(id::text, ',') FROM app.doc WHERE tsv @@ to_tsquery('public.\"fr unaccent\"', 'eleve')")"
check "amcheck finds the restored B-tree sound" pg -d "$copy" -c "SELECT app.check_indexes()"

# constraints and triggers act in the restored copy
run 1 "citext's unique index refuses the same title in another case" \
	pg -d "$copy" -c "INSERT INTO app.book (title) VALUES ('WIDGETS')"
run 1 "the btree_gist exclusion constraint refuses an overlap" \
	pg -d "$copy" -c "INSERT INTO app.booking VALUES (1, 'bob', '[2024-01-02,2024-01-03)', 1)"
run 1 "refint's check_primary_key refuses an unknown author" \
	pg -d "$copy" -c "INSERT INTO app.written VALUES (99, 1)"
run 1 "refint's check_foreign_key refuses deleting a referenced author" \
	pg -d "$copy" -c "DELETE FROM app.author WHERE aid = 1"
same "autoinc numbers a new ticket from the restored sequence" "102" \
	"$(pg -d "$copy" -c "INSERT INTO app.ticket (label) VALUES ('third') RETURNING id")"
pg -d "$copy" -c "LISTEN book_events; INSERT INTO app.book (title) VALUES ('new one'); UPDATE app.book SET updated_at = '2000-01-01' WHERE title = 'new one'; SELECT concat_ws('|', added_by = session_user, updated_at > '2024-01-02', (SELECT count(*) FROM app.book WHERE title = 'new one')) FROM app.book WHERE title = 'new one'" >"$T/fired" 2>&1
same "insert_username and moddatetime fire on a new book" "t|t|1" "$(grep -v '^Asynchronous' "$T/fired")"
grep_in "tcn notifies the book's insert" 'notification "book_events" with payload ""book",I,"id"=.[0-9]+.' "$T/fired"
same "lo_manage unlinks the replaced cover" "0" \
	"$(pg -d "$copy" -c "UPDATE app.book SET cover = NULL WHERE id = 1; SELECT count(*) FROM pg_largeobject_metadata WHERE oid = 1280001")"

# foreign tables, text search, privileges
same "the file_fdw foreign table reads its file" "$(pg -d "$db" -c "SELECT count(*) FROM app.xsyn_rules")" \
	"$(pg -d "$copy" -c "SELECT count(*) FROM app.xsyn_rules")"
q="SELECT string_agg(concat_ws('|', srvname, srvoptions, (SELECT string_agg(usename || '=' || coalesce(umoptions::text, '-'), ',' ORDER BY usename) FROM pg_user_mappings m WHERE m.srvid = s.oid)), ' ' ORDER BY srvname) FROM pg_foreign_server s"
want=$(pg -d "$db" -c "$q")
case $want in *"password=p'w"*) ;; *) not_ok "the fixture's servers ($want)" ;; esac
same "servers and user mappings with their options" "$want" "$(pg -d "$copy" -c "$q")"
q="SELECT to_tsvector('public.\"fr unaccent\"', 'Élève 12345 42 supernova')"
same "the text search configuration with unaccent, dict_int and dict_xsyn" \
	"$(pg -d "$db" -c "$q")" "$(pg -d "$copy" -c "$q")"
same "privileges on extension members" "f|t|t|f|t" \
	"$(pg -d "$copy" -c "SELECT concat_ws('|', has_function_privilege('public', '\"ext.x\".gen_random_bytes(int)', 'EXECUTE'), has_function_privilege('dbk_ct_app', '\"ext.x\".gen_random_bytes(int)', 'EXECUTE WITH GRANT OPTION'), has_function_privilege('dbk_ct_app', 'pg_catalog.pg_file_write(text, text, bool)', 'EXECUTE'), has_type_privilege('public', '\"ünï\$\".citext', 'USAGE'), has_table_privilege('dbk_ct_app', '\"tools \"\"2\"\"\".pg_buffercache', 'SELECT'))")"

# earthdistance's documented index on ll_to_earth(lat, lon): its SQL
# functions find cube's by the search_path, which the restore sets for it
ed=dbk_contrib_earth
pg_recreate "$ed"
check "a database with an index on ll_to_earth" pg -d "$ed" -c "CREATE SCHEMA \"Geo\"; CREATE EXTENSION cube WITH SCHEMA \"Geo\";
	CREATE EXTENSION earthdistance WITH SCHEMA \"Geo\"; ALTER DATABASE $ed SET search_path = \"\$user\", public, \"Geo\";
	SET search_path = public, \"Geo\"; CREATE TABLE shop (id int PRIMARY KEY, lat float8, lon float8,
	CONSTRAINT on_earth CHECK (earth_distance(ll_to_earth(lat, lon), ll_to_earth(0, 0)) >= 0));
	INSERT INTO shop VALUES (1, 48.85, 2.35), (2, -33.86, 151.2), (3, NULL, NULL);
	CREATE INDEX shop_ll ON shop USING gist (ll_to_earth(lat, lon))"
run 0 "its backup" "$DBKEEP" backup --db "$ed" -d "$T/ed" -q
for j in 1 2; do
	run 0 "its restore -j $j" "$DBKEEP" restore 1 -d "$T/ed" --target "${ed}_$j" --force -q -j "$j"
	same "restore -j $j: the index on ll_to_earth is valid, the rows there, found by it" "t|3|2" \
		"$(pg -d "${ed}_$j" -c "SET enable_seqscan = off; SELECT concat_ws('|', (SELECT indisvalid FROM pg_index WHERE indexrelid = 'shop_ll'::regclass), (SELECT count(*) FROM shop), (SELECT count(*) FROM shop WHERE earth_box(ll_to_earth(0, 0), 2e7) @> ll_to_earth(lat, lon)))")"
	pg_drop "${ed}_$j"
done
check "its psql restore" bash -c "createdb ${ed}_psql && gunzip -c $T/ed/*.gz | psql -X -q -v ON_ERROR_STOP=1 -d ${ed}_psql"

pg_drop "${ed}_psql"
pg_drop "$ed"
pg_drop "$par"
pg_drop "$copy"
pg_drop "rt_$db"
pg_drop "$db"
