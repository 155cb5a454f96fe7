-- pg-contrib.sql: one database with every extension of Debian's
-- postgresql-15 (postgresql-contrib) that CREATE EXTENSION can make without
-- shared_preload_libraries or a superuser-only resource outside the
-- database, used the way applications use them, for the PostgreSQL dump and
-- restore round trip (tests/e2e/t0280-pg-contrib.sh).  Load it as a
-- superuser into an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-contrib.sql
-- pg-extensions.sql covers the members changed by the user (owners,
-- comments, ALTER EXTENSION ADD/DROP); this one covers the breadth: each
-- extension created (some in schemas with odd names, one at an older
-- version), and columns of their types with edge values and NULLs,
-- indexes and exclusion constraints with their operator classes and access
-- methods, triggers of the trigger-function extensions, views, functions,
-- text search configurations, foreign tables of both wrappers, privileges
-- and comments.  No contrib extension of PostgreSQL 15 has configuration
-- tables (pg_extension_config_dump); pg-extconfig.sql covers those.
-- pg_stat_statements and old_snapshot are created but not queried: their
-- functions need shared_preload_libraries and old_snapshot_threshold.

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_ct_app') THEN
        CREATE ROLE dbk_ct_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk ct "Reader"') THEN
        CREATE ROLE "dbk ct ""Reader""" NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA app AUTHORIZATION dbk_ct_app;
CREATE SCHEMA "ext.x";
CREATE SCHEMA "Select";
CREATE SCHEMA "tools ""2""";
CREATE SCHEMA "ünï$";
CREATE SCHEMA geo;
CREATE SCHEMA audit;

-- every extension, in the order of the folder; some in schemas of their own
CREATE EXTENSION adminpack;                                   -- pg_catalog, not relocatable
CREATE EXTENSION amcheck WITH SCHEMA "tools ""2""";
CREATE EXTENSION autoinc WITH SCHEMA "ext.x";
CREATE EXTENSION bloom;
CREATE EXTENSION btree_gin WITH SCHEMA "ext.x";
CREATE EXTENSION btree_gist WITH SCHEMA "Select";
CREATE EXTENSION citext WITH SCHEMA "ünï$";
CREATE EXTENSION cube WITH SCHEMA geo;
CREATE EXTENSION dblink WITH SCHEMA "tools ""2""";
CREATE EXTENSION dict_int;
CREATE EXTENSION dict_xsyn WITH SCHEMA "ext.x";
CREATE EXTENSION earthdistance WITH SCHEMA geo;
CREATE EXTENSION file_fdw;
CREATE EXTENSION fuzzystrmatch WITH SCHEMA "ext.x";
CREATE EXTENSION hstore WITH SCHEMA "ext.x" VERSION '1.6';     -- not the newest (1.8)
CREATE EXTENSION insert_username WITH SCHEMA audit;
CREATE EXTENSION intagg;
CREATE EXTENSION intarray WITH SCHEMA "Select";
CREATE EXTENSION isn WITH SCHEMA app;
CREATE EXTENSION lo;
CREATE EXTENSION ltree WITH SCHEMA "ext.x";
CREATE EXTENSION moddatetime WITH SCHEMA audit;
CREATE EXTENSION old_snapshot;
CREATE EXTENSION pageinspect WITH SCHEMA "tools ""2""";
CREATE EXTENSION pg_buffercache WITH SCHEMA "tools ""2""";
CREATE EXTENSION pg_freespacemap WITH SCHEMA "tools ""2""";
CREATE EXTENSION pg_prewarm WITH SCHEMA "tools ""2""";
CREATE EXTENSION pg_stat_statements WITH SCHEMA "tools ""2""";
CREATE EXTENSION pg_surgery WITH SCHEMA "tools ""2""";
CREATE EXTENSION pg_trgm WITH SCHEMA "Select";
CREATE EXTENSION pg_visibility WITH SCHEMA "tools ""2""";
CREATE EXTENSION pg_walinspect WITH SCHEMA "tools ""2""";
CREATE EXTENSION pgcrypto WITH SCHEMA "ext.x";
CREATE EXTENSION pgrowlocks WITH SCHEMA "tools ""2""";
CREATE EXTENSION pgstattuple WITH SCHEMA "tools ""2""";
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION refint WITH SCHEMA audit;
CREATE EXTENSION seg WITH SCHEMA geo;
CREATE EXTENSION sslinfo;
CREATE EXTENSION tablefunc WITH SCHEMA "ext.x";
CREATE EXTENSION tcn WITH SCHEMA audit;
CREATE EXTENSION tsm_system_rows;
CREATE EXTENSION tsm_system_time;
CREATE EXTENSION unaccent WITH SCHEMA "ünï$";
CREATE EXTENSION "uuid-ossp" WITH SCHEMA "ext.x";
CREATE EXTENSION xml2 WITH SCHEMA "ünï$";                     -- not relocatable, not in its default schema

COMMENT ON EXTENSION citext IS 'case-insensitive text, as the application''s DBA put it';
COMMENT ON EXTENSION "uuid-ossp" IS 'ids';
COMMENT ON EXTENSION adminpack IS NULL;

-- citext, isn, hstore, ltree, seg, lo columns with edge values and NULLs
CREATE TABLE app.book (
    id serial PRIMARY KEY,
    ean app.ean13,
    isbn app.isbn13 UNIQUE,
    isbn10 app.isbn,
    issn app.issn,
    upc app.upc,
    title "ünï$".citext NOT NULL,
    attrs "ext.x".hstore,
    shelf "ext.x".ltree,
    weight geo.seg,
    box geo.cube,
    cover lo,
    uid uuid DEFAULT "ext.x".uuid_generate_v5("ext.x".uuid_ns_url(), 'urn:book'),
    tags int[] DEFAULT '{}',
    updated_at timestamptz DEFAULT '2024-01-01 00:00:00+00',
    added_by text
);
INSERT INTO app.book (ean, isbn, isbn10, issn, upc, title, attrs, shelf, weight, box, tags) VALUES
    ('4006381333931', '978-0-306-40615-7', '0-306-40615-2', '0317-8471', '036000291452', 'Widgets',
     'color=>red, "size"=>"X L", "quote\"d"=>"back\\slash", empty=>""', 'Top.Tools.Widgets', '1.5 .. 2.5', '(1,2),(3,4)', '{1,2,3}'),
    ('9780262033848', '9780262033848', '0262033844', '1050-124X', '012345678905', 'ÉLÈVE à l''école',
     'a=>NULL', 'Top', '<5', '(1e+308, -1e-308, 0)', '{3,2,1}'),
    (NULL, NULL, NULL, '0317-8472!', NULL, 'gadget', NULL, NULL, NULL, NULL, '{}'),  -- isn.weak's invalid check digit
    ('0000000000000', '979-10-90636-07-1', NULL, NULL, NULL, 'a', '', '', '5.0 .. 5.0', '(0)', NULL),
    ('2000000000008', NULL, NULL, NULL, NULL, 'Zz ' || repeat('ß', 40), '"k" => "日本語"', ('a.b_c.d1.' || repeat('x', 200))::"ext.x".ltree, '~7.25e-3', '(-0.5, 1.5)', '{2147483647,-2147483648}');
-- a large object owned by the lo column (lo_manage unlinks it on update)
DO $$BEGIN PERFORM lo_create(1280001); PERFORM lo_put(1280001, 0, '\x89504e470d0a1a0a'::bytea); END$$;
UPDATE app.book SET cover = 1280001 WHERE id = 1;
-- a unique index over citext: 'widgets' is 'Widgets'
CREATE UNIQUE INDEX book_title_key ON app.book (title) WHERE id > 0;
CREATE INDEX book_attrs ON app.book USING gin (attrs);
CREATE INDEX book_attrs_gist ON app.book USING gist (attrs "ext.x".gist_hstore_ops);  -- 1.6: no siglen
CREATE INDEX book_shelf ON app.book USING gist (shelf "ext.x".gist_ltree_ops(siglen = 16));
CREATE INDEX book_shelf_btree ON app.book (shelf);
CREATE INDEX book_title_trgm ON app.book USING gin ((title::text) "Select".gin_trgm_ops);
CREATE INDEX book_title_trgm_gist ON app.book USING gist (lower(title::text) "Select".gist_trgm_ops(siglen = 64));
CREATE INDEX book_tags ON app.book USING gin (tags "Select".gin__int_ops);
CREATE INDEX book_tags_gist ON app.book USING gist (tags "Select".gist__intbig_ops(siglen = 8));
CREATE INDEX book_box ON app.book USING gist (box);
CREATE INDEX book_weight ON app.book USING gist (weight);
CREATE INDEX book_isbn_hash ON app.book USING hash (isbn);
CREATE INDEX book_bloom ON app.book USING bloom (id, length(title::text)) WITH (length = 80, col1 = 2, col2 = 4);
CREATE INDEX book_uid_gin ON app.book USING gin (uid, id);
CREATE INDEX book_sound ON app.book ("ext.x".dmetaphone(title::text));
CREATE TRIGGER book_cover BEFORE UPDATE OR DELETE ON app.book
    FOR EACH ROW EXECUTE FUNCTION public.lo_manage(cover);
CREATE TRIGGER book_touch BEFORE UPDATE ON app.book
    FOR EACH ROW EXECUTE FUNCTION audit.moddatetime(updated_at);
CREATE TRIGGER book_who BEFORE INSERT OR UPDATE ON app.book
    FOR EACH ROW EXECUTE FUNCTION audit.insert_username(added_by);
CREATE TRIGGER book_notify AFTER INSERT OR UPDATE OR DELETE ON app.book
    FOR EACH ROW EXECUTE FUNCTION audit.triggered_change_notification('book_events');
ALTER TABLE app.book OWNER TO dbk_ct_app;

-- autoinc: a counter column filled from a sequence by a trigger
CREATE SEQUENCE app.ticket_seq START 100;
CREATE TABLE app.ticket (id int NOT NULL DEFAULT 0, label text);
CREATE TRIGGER ticket_id BEFORE INSERT OR UPDATE ON app.ticket
    FOR EACH ROW EXECUTE FUNCTION "ext.x".autoinc(id, 'app.ticket_seq');
INSERT INTO app.ticket (label) VALUES ('first'), ('second');

-- refint: a hand-made foreign key by trigger
CREATE TABLE app.author (aid int PRIMARY KEY, name "ünï$".citext);
CREATE TABLE app.written (aid int, bid int);
INSERT INTO app.author VALUES (1, 'Ann'), (2, 'BOB');
INSERT INTO app.written VALUES (1, 1), (2, 1);
CREATE TRIGGER written_pk BEFORE INSERT OR UPDATE ON app.written
    FOR EACH ROW EXECUTE FUNCTION audit.check_primary_key('aid', 'app.author', 'aid');
CREATE TRIGGER author_fk BEFORE DELETE OR UPDATE ON app.author
    FOR EACH ROW EXECUTE FUNCTION audit.check_foreign_key(1, 'restrict', 'aid', 'app.written', 'aid');

-- btree_gist exclusion constraint; btree_gin index over scalar columns
CREATE TABLE app.booking (
    room int NOT NULL,
    guest "ünï$".citext,
    during tstzrange NOT NULL,
    price numeric,
    CONSTRAINT booking_no_overlap EXCLUDE USING gist (room WITH =, guest "Select".gist_text_ops WITH <>, during WITH &&)
);
INSERT INTO app.booking VALUES
    (1, 'ann', '[2024-01-01,2024-01-03)', 10.5),
    (1, 'ann', '[2024-01-02,2024-01-05)', NULL),
    (2, NULL, '(,)', 0);
CREATE INDEX booking_gin ON app.booking USING gin (room, price);
CREATE INDEX booking_gist ON app.booking USING gist (price, during);

-- earthdistance: places with their earth position (a generated column)
-- and a matview.  earthdistance's SQL functions find cube's and earth() by
-- the search_path (pg_dump's restores fail to compute them), so the
-- application puts geo on it.  (An index on ll_to_earth(lat, lon) makes
-- every query of its table need geo on the path, the round-trip oracle's
-- too: t0280 tests that one in a database of its own.)
SET search_path = public, geo;
CREATE TABLE geo.place (name text PRIMARY KEY, lat float8, lon float8,
    pos geo.earth GENERATED ALWAYS AS (ll_to_earth(lat, lon)) STORED);
INSERT INTO geo.place VALUES ('Paris', 48.8566, 2.3522), ('Quito', -0.1807, -78.4678),
    ('North Pole', 90, 0), ('Nowhere', NULL, NULL);
CREATE INDEX place_pos ON geo.place USING gist (pos);
CREATE MATERIALIZED VIEW geo.place_box AS
    SELECT name, earth_box(ll_to_earth(lat, lon), 1000) AS box FROM geo.place WHERE lat IS NOT NULL;
RESET search_path;
CREATE VIEW geo.nearby AS
    SELECT a.name AS "from", b.name AS "to", round(geo.earth_distance(a.pos, b.pos)) AS meters,
           a.pos OPERATOR(geo.<->) b.pos IS NOT NULL AS has_distance
    FROM geo.place a JOIN geo.place b ON a.name < b.name
    WHERE geo.earth_box(a.pos, 1e7) OPERATOR(geo.@>) b.pos;

-- intagg, tablefunc, fuzzystrmatch, pg_trgm, pgcrypto, tsm_* in views and functions
CREATE VIEW app.author_books AS
    SELECT a.aid, public.int_array_aggregate(w.bid) AS books
    FROM app.author a LEFT JOIN app.written w USING (aid) GROUP BY a.aid;
CREATE VIEW app.book_pivot AS
    SELECT * FROM "ext.x".crosstab('SELECT aid, bid, 1 FROM app.written ORDER BY 1, 2', 'VALUES (1), (2)')
    AS ct(aid int, "book 1" int, "book 2" int);
CREATE VIEW app.sample AS SELECT id FROM app.book TABLESAMPLE public.system_rows(2);
CREATE VIEW app.sample_time AS SELECT id FROM app.book TABLESAMPLE public.system_time(5);
CREATE VIEW app.similar_titles AS
    SELECT b.id, "ext.x".levenshtein(b.title::text, 'widget') AS dist,
           "Select".similarity(b.title::text, 'widget') AS sim,
           b.title::text OPERATOR("Select".%) 'widget' AS close
    FROM app.book b;
CREATE FUNCTION app.password_hash(pw text, salt text DEFAULT NULL) RETURNS text
    LANGUAGE sql STABLE
    RETURN "ext.x".crypt(pw, coalesce(salt, "ext.x".gen_salt('bf', 4)));
CREATE TABLE app.account (login "ünï$".citext PRIMARY KEY, pw text, token bytea DEFAULT "ext.x".gen_random_bytes(16));
INSERT INTO app.account VALUES ('Admin', "ext.x".crypt('secret', '$2a$04$abcdefghijklmnopqrstuu'), '\x00ff'),
    ('guest', NULL, NULL);
CREATE FUNCTION app.shelf_depth("ext.x".ltree) RETURNS int LANGUAGE sql IMMUTABLE
    AS 'SELECT "ext.x".nlevel($1)';
CREATE VIEW app.shelves AS
    SELECT id, shelf, app.shelf_depth(shelf) AS depth, "ext.x".subpath(shelf, 0, 1) AS top,
           attrs OPERATOR("ext.x".->) 'color' AS color, "ext.x".akeys(attrs) AS keys
    FROM app.book WHERE shelf OPERATOR("ext.x".<@) 'Top' OR shelf IS NULL;

-- xml2, dblink, sslinfo, pgstattuple, pg_buffercache in views and functions
CREATE TABLE app.feed (id int PRIMARY KEY, doc text);
INSERT INTO app.feed VALUES (1, '<a><b>one</b><b>two</b></a>'), (2, '<a/>'), (3, NULL);
CREATE VIEW app.feed_items AS
    SELECT id, "ünï$".xpath_list(doc, '/a/b') AS items, "ünï$".xml_valid(doc) AS valid FROM app.feed;
CREATE FUNCTION app.remote_count(conn text) RETURNS bigint LANGUAGE sql
    AS $$SELECT n FROM "tools ""2""".dblink(conn, 'SELECT count(*) FROM pg_class') AS t(n bigint)$$;
CREATE VIEW app.session_ssl AS SELECT public.ssl_is_used() AS ssl, public.ssl_version() AS version;
CREATE VIEW app.table_bloat AS
    SELECT s.* FROM "tools ""2""".pgstattuple('app.book') s;
CREATE VIEW app.buffers AS
    SELECT count(*) AS n FROM "tools ""2""".pg_buffercache WHERE reldatabase IS NOT NULL;
CREATE FUNCTION app.check_indexes() RETURNS void LANGUAGE sql
    AS $$SELECT "tools ""2""".bt_index_check('app.book_pkey'::regclass, true)$$;

-- text search: unaccent, dict_int, dict_xsyn in configurations
CREATE TEXT SEARCH DICTIONARY public.my_unaccent (TEMPLATE = "ünï$".unaccent, RULES = 'unaccent');
CREATE TEXT SEARCH DICTIONARY public.short_ints (TEMPLATE = public.intdict_template, MAXLEN = 3, REJECTLONG = true, ABSVAL = true);
CREATE TEXT SEARCH DICTIONARY "ext.x"."Synonyms" (TEMPLATE = "ext.x".xsyn_template, RULES = 'xsyn_sample',
    KEEPORIG = false, MATCHSYNONYMS = true);
CREATE TEXT SEARCH CONFIGURATION public."fr unaccent" (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION public."fr unaccent"
    ALTER MAPPING FOR hword, hword_part, word WITH public.my_unaccent, french_stem;
ALTER TEXT SEARCH CONFIGURATION public."fr unaccent"
    ALTER MAPPING FOR int, uint WITH public.short_ints;
ALTER TEXT SEARCH CONFIGURATION public."fr unaccent"
    ALTER MAPPING FOR asciiword WITH "ext.x"."Synonyms", "ünï$".unaccent, french_stem;
COMMENT ON TEXT SEARCH CONFIGURATION public."fr unaccent" IS 'unaccented French';
CREATE TABLE app.doc (id int PRIMARY KEY, body text,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('public."fr unaccent"', coalesce(body, ''))) STORED);
INSERT INTO app.doc (id, body) VALUES (1, 'Élève à l''école 12345 42'), (2, 'Crème brûlée'), (3, NULL), (4, 'supernova star');
CREATE INDEX doc_tsv ON app.doc USING gin (tsv);

-- postgres_fdw: a server, user mappings, a foreign table; file_fdw: a
-- foreign table over a file that every postgresql-15 installation has
CREATE SERVER "loop back" FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host 'localhost', dbname 'no such db', port '5432', fetch_size '100', use_remote_estimate 'true');
CREATE USER MAPPING FOR dbk_ct_app SERVER "loop back" OPTIONS (user 'remote', password 'p''w"d');
CREATE USER MAPPING FOR CURRENT_USER SERVER "loop back" OPTIONS (user 'me');
CREATE USER MAPPING FOR PUBLIC SERVER "loop back";
CREATE FOREIGN TABLE app.remote_book (id int OPTIONS (column_name 'ID'), title text, attrs "ext.x".hstore)
    SERVER "loop back" OPTIONS (schema_name 'app', table_name 'book', updatable 'false');
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE app.xsyn_rules (line text)
    SERVER files OPTIONS (filename '/usr/share/postgresql/15/tsearch_data/xsyn_sample.rules', format 'text', delimiter '|');
COMMENT ON SERVER files IS 'local files';
ALTER SERVER "loop back" OWNER TO dbk_ct_app;
GRANT USAGE ON FOREIGN SERVER files TO "dbk ct ""Reader""";
GRANT SELECT ON app.remote_book TO "dbk ct ""Reader""";

-- a materialized view over extension functions (refreshed by the restore)
CREATE MATERIALIZED VIEW app.book_digest AS
    SELECT id, encode("ext.x".digest(title::text, 'sha256'), 'hex') AS h, "ext.x".soundex(title::text) AS s,
           "ext.x".hstore_to_json(attrs) AS j
    FROM app.book;
CREATE UNIQUE INDEX book_digest_id ON app.book_digest (id);

-- privileges on extension objects: granted and revoked after CREATE EXTENSION
GRANT USAGE ON SCHEMA "ext.x", "ünï$", "Select", geo TO dbk_ct_app;
GRANT EXECUTE ON FUNCTION "tools ""2""".pgstattuple(regclass) TO "dbk ct ""Reader""";
GRANT SELECT ON "tools ""2""".pg_buffercache TO dbk_ct_app;
REVOKE EXECUTE ON FUNCTION "ext.x".gen_random_bytes(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "ext.x".gen_random_bytes(int) TO dbk_ct_app WITH GRANT OPTION;
REVOKE ALL ON FUNCTION "tools ""2""".dblink_connect_u(text) FROM dbk_ct_app;
GRANT EXECUTE ON FUNCTION "tools ""2""".dblink_connect_u(text, text) TO dbk_ct_app;
GRANT EXECUTE ON FUNCTION pg_catalog.pg_file_write(text, text, bool) TO dbk_ct_app;
REVOKE USAGE ON TYPE "ünï$".citext FROM PUBLIC;
GRANT USAGE ON TYPE "ünï$".citext TO dbk_ct_app, "dbk ct ""Reader""";
GRANT USAGE ON FOREIGN DATA WRAPPER file_fdw TO dbk_ct_app;
GRANT SELECT, INSERT ON app.book TO "dbk ct ""Reader""";
GRANT SELECT ON app.shelves, geo.nearby TO PUBLIC;

ANALYZE;
