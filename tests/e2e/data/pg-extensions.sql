-- pg-extensions.sql: a database that leans on the contrib extensions
-- (postgresql-contrib), some installed into schemas of their own, for the
-- PostgreSQL dump/restore round trip (PostgreSQL 15+).  Load it as a
-- superuser into an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-extensions.sql
-- Objects inside an extension are not dumped (CREATE EXTENSION makes them);
-- what must survive is everything built on them: columns of their types,
-- indexes with their operator classes, exclusion constraints, defaults and
-- views calling their functions, text search configurations using their
-- dictionaries, foreign servers of their wrappers, and the privileges
-- changed on their members after CREATE EXTENSION (pg_init_privs).

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_ext_user') THEN
        CREATE ROLE dbk_ext_user NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'Dbk Ext "Admin"') THEN
        CREATE ROLE "Dbk Ext ""Admin""" NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA ext;
CREATE SCHEMA "Ext Two";
CREATE SCHEMA shop AUTHORIZATION dbk_ext_user;
CREATE SCHEMA geo;

CREATE EXTENSION hstore WITH SCHEMA ext;
CREATE EXTENSION citext;
CREATE EXTENSION ltree WITH SCHEMA ext;
CREATE EXTENSION pg_trgm WITH SCHEMA "Ext Two";
CREATE EXTENSION btree_gist WITH SCHEMA ext;
CREATE EXTENSION btree_gin WITH SCHEMA "Ext Two";
CREATE EXTENSION cube WITH SCHEMA geo;
CREATE EXTENSION earthdistance WITH SCHEMA geo;
CREATE EXTENSION intarray WITH SCHEMA "Ext Two";
CREATE EXTENSION pgcrypto WITH SCHEMA ext;
CREATE EXTENSION "uuid-ossp" WITH SCHEMA ext;
CREATE EXTENSION tablefunc;
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION unaccent WITH SCHEMA ext;
CREATE EXTENSION isn WITH SCHEMA shop;
CREATE EXTENSION seg WITH SCHEMA geo;
CREATE EXTENSION fuzzystrmatch WITH SCHEMA "Ext Two";
CREATE EXTENSION tsm_system_rows;
CREATE EXTENSION dict_int WITH SCHEMA ext;
CREATE EXTENSION lo WITH SCHEMA ext;
COMMENT ON EXTENSION hstore IS 'key/value pairs, commented by the user';

-- tables with extension types, defaults from extension functions
CREATE TABLE shop.product (
    id uuid DEFAULT ext.uuid_generate_v4() PRIMARY KEY,
    isbn shop.isbn13 UNIQUE,
    name public.citext NOT NULL,
    attrs ext.hstore DEFAULT ''::ext.hstore,
    path ext.ltree,
    tags integer[] DEFAULT '{}',
    secret bytea DEFAULT ext.digest('salt', 'sha256'),
    name_sound text GENERATED ALWAYS AS ("Ext Two".soundex(name::text)) STORED,
    weight geo.seg,
    doc ext.lo
);
INSERT INTO shop.product (id, isbn, name, attrs, path, tags, weight) VALUES
    ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '978-0-306-40615-7', 'Widget', 'color=>red, size=>"X L"', 'top.tools.widgets', '{1,2,3}', '1.5 .. 2.5'),
    ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '9780262033848', 'GADGET', 'a=>NULL', 'top.tools', '{3,2,1}', '<5'),
    ('c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', NULL, 'gadget ünicode', NULL, NULL, '{}', NULL);
CREATE INDEX product_name_trgm ON shop.product USING gin ((name::text) "Ext Two".gin_trgm_ops);
CREATE INDEX product_name_trgm_gist ON shop.product USING gist ((name::text) "Ext Two".gist_trgm_ops(siglen = 32));
CREATE INDEX product_path ON shop.product USING gist (path);
CREATE INDEX product_attrs ON shop.product USING gin (attrs);
CREATE INDEX product_tags ON shop.product USING gist (tags "Ext Two".gist__int_ops);
CREATE INDEX product_tags_gin ON shop.product USING gin (tags "Ext Two".gin__int_ops);
CREATE INDEX product_isbn_hash ON shop.product USING hash (isbn);
CREATE TRIGGER product_lo BEFORE UPDATE OR DELETE ON shop.product
    FOR EACH ROW EXECUTE FUNCTION ext.lo_manage(doc);

-- an exclusion constraint through btree_gist, a GIN index through btree_gin
CREATE TABLE shop.reservation (
    room integer NOT NULL,
    during tstzrange NOT NULL,
    guest public.citext,
    CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) DEFERRABLE
);
INSERT INTO shop.reservation VALUES (1, '[2024-01-01,2024-01-03)', 'Ann'), (1, '[2024-01-03,2024-01-05)', 'bob');
CREATE INDEX reservation_room_gin ON shop.reservation USING gin (room, guest);

-- cube and earthdistance
CREATE TABLE geo.place (name text PRIMARY KEY, lat float8, lon float8, box geo.cube);
INSERT INTO geo.place VALUES ('Paris', 48.8566, 2.3522, geo.cube(array[1,2], array[3,4])),
    ('Quito', -0.1807, -78.4678, '(1,2,3)');
CREATE INDEX place_box ON geo.place USING gist (box);
CREATE VIEW geo.distances AS
    SELECT a.name AS "from", b.name AS "to", geo.earth_distance(geo.ll_to_earth(a.lat, a.lon), geo.ll_to_earth(b.lat, b.lon)) AS meters
    FROM geo.place a CROSS JOIN geo.place b WHERE a.name < b.name;

-- tablefunc, tsm_system_rows and fuzzystrmatch in views
CREATE TABLE public.scores (student text, subject text, score integer);
INSERT INTO public.scores VALUES ('ann', 'math', 90), ('ann', 'art', 70), ('bob', 'math', 60);
CREATE VIEW public.score_table AS
    SELECT * FROM public.crosstab('SELECT student, subject, score FROM public.scores ORDER BY 1, 2',
                                  'SELECT DISTINCT subject FROM public.scores ORDER BY 1')
    AS ct(student text, art integer, math integer);
CREATE VIEW public.sample_scores AS SELECT * FROM public.scores TABLESAMPLE system_rows(2);
CREATE VIEW public.similar_names AS
    SELECT s.student, "Ext Two".levenshtein(s.student, 'anne') AS dist, "Ext Two".similarity(s.student, 'anne') AS sim
    FROM public.scores s;
CREATE FUNCTION shop.hash_name(n public.citext) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN encode(ext.digest(n::text, 'md5'), 'hex');
CREATE TABLE shop.hashed (n public.citext, h text GENERATED ALWAYS AS (shop.hash_name(n)) STORED);
INSERT INTO shop.hashed (n) VALUES ('x'), ('Y');

-- a domain and a composite over extension types; arrays of them
CREATE DOMAIN shop.email AS public.citext CHECK (VALUE ~ '@');
CREATE TYPE shop.tagged AS (label ext.ltree, extra ext.hstore);
CREATE TABLE shop.contact (mail shop.email PRIMARY KEY, tags shop.tagged[], k ext.hstore[]);
INSERT INTO shop.contact VALUES ('A@x.org', ARRAY[ROW('a.b', 'k=>v')::shop.tagged], ARRAY['a=>1'::ext.hstore, NULL]);

-- an operator of an extension in a check constraint and a partial index
CREATE TABLE shop.paths (p ext.ltree CHECK (p OPERATOR(ext.<@) 'top'), label text);
INSERT INTO shop.paths VALUES ('top.a', 'x'), ('top.b.c', NULL);
CREATE INDEX paths_partial ON shop.paths (label) WHERE p OPERATOR(ext.~) 'top.*{1}';

-- text search: a dictionary of an extension template, unaccent in a configuration
CREATE TEXT SEARCH CONFIGURATION public.fr_unaccent (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION public.fr_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH ext.unaccent, french_stem;
CREATE TEXT SEARCH DICTIONARY public.intdict (TEMPLATE = ext.intdict_template, MAXLEN = 4, REJECTLONG = true);
CREATE TEXT SEARCH CONFIGURATION public.numbers (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION public.numbers ALTER MAPPING FOR int, uint WITH public.intdict;
CREATE TABLE public.docs (body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('public.fr_unaccent', body)) STORED);
INSERT INTO public.docs (body) VALUES ('Élève à l''école'), ('Crème brûlée');

-- postgres_fdw: a server, user mappings, a foreign table, privileges
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host 'localhost', dbname 'no such db', port '5432', fetch_size '500');
CREATE USER MAPPING FOR dbk_ext_user SERVER loopback OPTIONS (user 'remote', password 'x''y');
CREATE USER MAPPING FOR PUBLIC SERVER loopback;
CREATE FOREIGN TABLE shop.remote_product (id uuid, name text OPTIONS (column_name 'Name'))
    SERVER loopback OPTIONS (schema_name 'shop', table_name 'product');
GRANT USAGE ON FOREIGN SERVER loopback TO "Dbk Ext ""Admin""";
GRANT SELECT ON shop.remote_product TO dbk_ext_user;

-- privileges changed on extension members after CREATE EXTENSION
REVOKE EXECUTE ON FUNCTION ext.digest(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ext.digest(text, text) TO dbk_ext_user;
GRANT EXECUTE ON FUNCTION "Ext Two".similarity(text, text) TO "Dbk Ext ""Admin""" WITH GRANT OPTION;
REVOKE USAGE ON TYPE ext.hstore FROM PUBLIC;
GRANT USAGE ON TYPE ext.hstore TO dbk_ext_user;
GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO dbk_ext_user;
GRANT USAGE ON SCHEMA ext TO dbk_ext_user;

-- members dropped from their extension (ALTER EXTENSION ... DROP): the
-- user's objects now, dumped; CREATE EXTENSION makes them again on a
-- restore, as members, unless the dump detaches them
ALTER EXTENSION pgcrypto DROP FUNCTION ext.gen_random_uuid();
COMMENT ON FUNCTION ext.gen_random_uuid() IS 'no longer pgcrypto''s';
ALTER EXTENSION hstore DROP FUNCTION ext.hstore_version_diag(ext.hstore);
ALTER EXTENSION tablefunc DROP FUNCTION public.normal_rand(integer, double precision, double precision);
ALTER FUNCTION public.normal_rand(integer, double precision, double precision) OWNER TO dbk_ext_user;

-- objects of the user's added to extensions (ALTER EXTENSION ... ADD): the
-- restore's CREATE EXTENSION does not make them, so they are dumped, rows
-- included, and added again
CREATE TABLE ext.added_rows (id int PRIMARY KEY, v text);
INSERT INTO ext.added_rows VALUES (1, 'kept'), (2, 'too');
CREATE FUNCTION ext.added_fn(int) RETURNS int LANGUAGE sql AS 'SELECT $1';
CREATE VIEW ext.added_v AS SELECT id FROM ext.added_rows;
ALTER EXTENSION hstore ADD TABLE ext.added_rows;
ALTER EXTENSION hstore ADD FUNCTION ext.added_fn(int);
ALTER EXTENSION ltree ADD VIEW ext.added_v;
-- changed after it was added; a member dropped and added back (the
-- script's still: made in the extension's transaction)
ALTER TABLE ext.added_rows ADD COLUMN tags ext.hstore;
ALTER EXTENSION fuzzystrmatch DROP FUNCTION "Ext Two".soundex(text);
ALTER EXTENSION fuzzystrmatch ADD FUNCTION "Ext Two".soundex(text);

-- comments the user set on extension members, over the script's or new
COMMENT ON FUNCTION ext.hstore_to_json(ext.hstore) IS 'as json';
COMMENT ON TYPE ext.hstore IS 'key/value pairs, the user''s words';
COMMENT ON OPERATOR ext.-> (ext.hstore, text) IS 'fetch';
COMMENT ON OPERATOR CLASS ext.gist_hstore_ops USING gist IS 'opclass';
COMMENT ON CAST (text[] AS ext.hstore) IS 'cast';
COMMENT ON FUNCTION "Ext Two".similarity(text, text) IS 'not the script''s';
-- owners the user gave extension members
ALTER FUNCTION ext.hstore_to_jsonb(ext.hstore) OWNER TO dbk_ext_user;
ALTER OPERATOR CLASS ext.gin_hstore_ops USING gin OWNER TO "Dbk Ext ""Admin""";
ALTER TYPE ext.ltree OWNER TO dbk_ext_user;

-- ownership
ALTER TABLE shop.product OWNER TO dbk_ext_user;
ALTER VIEW geo.distances OWNER TO "Dbk Ext ""Admin""";
ALTER SERVER loopback OWNER TO "Dbk Ext ""Admin""";

ANALYZE;
