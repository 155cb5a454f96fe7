-- pg-odd-objects.sql: a database full of odd objects and values, for the
-- PostgreSQL dump/restore round trip (PostgreSQL 15+).  Load it as a
-- superuser into an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-odd-objects.sql
-- It creates the roles it needs (cluster-wide) when they are missing.
-- Every kind here is one dbkeep's dumper writes; kinds it refuses are
-- tested separately.

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_odd_owner') THEN
        CREATE ROLE dbk_odd_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk odd "reader"') THEN
        CREATE ROLE "dbk odd ""reader""" NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_odd_writer') THEN
        CREATE ROLE dbk_odd_writer NOLOGIN;
    END IF;
END
$$;

-- extensions (objects inside them are not dumped themselves)
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;

-- schemas with odd names; public's privileges and comment changed
CREATE SCHEMA "Odd Schema";
CREATE SCHEMA "select";
CREATE SCHEMA app AUTHORIZATION dbk_odd_owner;
COMMENT ON SCHEMA "Odd Schema" IS 'a schema with a space and ''quotes''';
COMMENT ON SCHEMA public IS 'public, commented again';
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA "Odd Schema" TO "dbk odd ""reader""";
GRANT ALL ON SCHEMA app TO dbk_odd_writer WITH GRANT OPTION;

-- collations
CREATE COLLATION "Odd Schema".ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION app.c_copy (provider = libc, locale = 'C');

-- types
CREATE TYPE "Odd Schema"."Mood" AS ENUM ('sad', 'ok', 'happy', 'it''s "complicated"');
ALTER TYPE "Odd Schema"."Mood" ADD VALUE 'meh' BEFORE 'ok';
CREATE TYPE app.pair AS (a integer, "B" text COLLATE "C", m "Odd Schema"."Mood");
CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE FUNCTION app.is_even(i integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT i % 2 = 0';
CREATE DOMAIN app.even_int AS integer DEFAULT 0 NOT NULL CONSTRAINT must_be_even CHECK (app.is_even(VALUE));
ALTER DOMAIN app.even_int ADD CONSTRAINT small CHECK (VALUE < 1000000) NOT VALID;
CREATE DOMAIN app.int_list AS integer[] CHECK (cardinality(VALUE) < 100);
CREATE DOMAIN app.c_text AS text COLLATE "C";
CREATE DOMAIN "select"."from" AS varchar(20);
COMMENT ON TYPE app.pair IS 'a composite';
COMMENT ON DOMAIN app.even_int IS 'even numbers only';
COMMENT ON CONSTRAINT must_be_even ON DOMAIN app.even_int IS 'checked by a function';
GRANT USAGE ON TYPE app.pair TO "dbk odd ""reader""";
REVOKE USAGE ON DOMAIN app.even_int FROM PUBLIC;

-- sequences
CREATE SEQUENCE app.odd_seq AS integer START WITH 100 INCREMENT BY -3 MINVALUE -1000 MAXVALUE 100 CACHE 5 CYCLE;
SELECT nextval('app.odd_seq'), nextval('app.odd_seq');
CREATE SEQUENCE app.fresh_seq;
CREATE UNLOGGED SEQUENCE app.unlogged_seq;
SELECT setval('app.unlogged_seq', 42, false);

-- functions, procedures, aggregates, operators, casts
CREATE FUNCTION "Odd Schema"."Add Up"(a integer, b integer DEFAULT 2) RETURNS integer
    LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $f$ BEGIN RETURN a + b; END $f$;
CREATE PROCEDURE app.do_nothing(INOUT x integer) LANGUAGE plpgsql AS $p$ BEGIN x := x + 1; END $p$;
CREATE FUNCTION app.concat_agg_sfunc(text, text) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN $1 = '' THEN $2 ELSE $1 || ',' || $2 END $$;
CREATE AGGREGATE app.concat_agg(text) (SFUNC = app.concat_agg_sfunc, STYPE = text, INITCOND = '');
CREATE AGGREGATE app.my_sum(integer) (SFUNC = int4pl, STYPE = integer, COMBINEFUNC = int4pl, PARALLEL = SAFE);
CREATE FUNCTION app.pair_eq(app.pair, app.pair) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT $1.a = $2.a $$;
CREATE OPERATOR app.=== (FUNCTION = app.pair_eq, LEFTARG = app.pair, RIGHTARG = app.pair, COMMUTATOR = OPERATOR(app.===));
CREATE FUNCTION app.pair_to_int(app.pair) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT $1.a $$;
CREATE CAST (app.pair AS integer) WITH FUNCTION app.pair_to_int(app.pair) AS ASSIGNMENT;
COMMENT ON FUNCTION "Odd Schema"."Add Up"(integer, integer) IS 'adds';
COMMENT ON AGGREGATE app.concat_agg(text) IS 'joins';
REVOKE EXECUTE ON FUNCTION "Odd Schema"."Add Up"(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "Odd Schema"."Add Up"(integer, integer) TO dbk_odd_writer;
ALTER FUNCTION app.pair_eq(app.pair, app.pair) OWNER TO dbk_odd_owner;

-- tables: odd names, every kind of column
CREATE TABLE "Odd Schema"."Table ""With"" Quotes" (
    "ID" integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY,
    "select" text NOT NULL DEFAULT 'it''s',
    "naïve column" "Odd Schema"."Mood" DEFAULT 'ok',
    twice integer GENERATED ALWAYS AS ("ID" * 2) STORED,
    ci text COLLATE "Odd Schema".ci,
    added_by_default bigint GENERATED BY DEFAULT AS IDENTITY
);
COMMENT ON TABLE "Odd Schema"."Table ""With"" Quotes" IS 'a table with "quotes"';
COMMENT ON COLUMN "Odd Schema"."Table ""With"" Quotes"."naïve column" IS 'unicode';
ALTER TABLE "Odd Schema"."Table ""With"" Quotes" ALTER COLUMN "select" SET STATISTICS 500;
ALTER TABLE "Odd Schema"."Table ""With"" Quotes" ALTER COLUMN ci SET STORAGE MAIN;
ALTER TABLE "Odd Schema"."Table ""With"" Quotes" ALTER COLUMN "select" SET (n_distinct = 100);
INSERT INTO "Odd Schema"."Table ""With"" Quotes" ("select", "naïve column", ci)
VALUES ('tab	and newline
and backslash \ done', 'happy', 'MiXeD'), (E'\\N is not null', 'meh', NULL), ('', NULL, 'x');

CREATE TABLE app.everything (
    id serial PRIMARY KEY,
    b bytea,
    f4 real,
    f8 double precision,
    num numeric(20, 5),
    ts timestamp,
    tstz timestamptz,
    d date,
    iv interval,
    bits bit(5),
    vbits bit varying(10),
    m money,
    j json,
    jb jsonb,
    x xml,
    tsv tsvector,
    arr integer[][],
    moods "Odd Schema"."Mood"[],
    pairs app.pair[],
    ev app.even_int,
    il app.int_list,
    rng int4range,
    frng app.floatrange,
    mrng int4multirange,
    ci citext,
    hs public.hstore,
    uid uuid,
    inet_col inet,
    pt point,
    "Upper Case" text,
    "user" text
);
INSERT INTO app.everything (b, f4, f8, num, ts, tstz, d, iv, bits, vbits, m, j, jb, x, tsv, arr,
    moods, pairs, ev, il, rng, frng, mrng, ci, hs, uid, inet_col, pt, "Upper Case", "user")
VALUES
    ('\x00010203ff7f5c0a0d09'::bytea || decode(repeat('00ff', 10), 'hex'), 'NaN', 'Infinity', 12345.6789,
     'infinity', '-infinity', 'epoch', '1 year 2 mons 3 days 04:05:06.789', B'10101', B'1', 12.34,
     '{"a": [1, 2, {"b": null}], "c": "\u00e9"}', '{"z": 1, "a": [true, false]}',
     '<a attr="1">text &amp; more</a>', to_tsvector('english', 'The quick brown foxes jumped'),
     '{{1,2},{3,4}}', '{sad,"it''s \"complicated\""}', ARRAY[ROW(1, 'x', 'ok')::app.pair, ROW(NULL, NULL, NULL)::app.pair],
     4, '{1,2,3}', '[1,10)', '[1.5,2.5]', '{[1,3),[5,7)}', 'CaseLess', 'a=>1, "b c"=>NULL',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '(1.5,-2)', 'ÜñíçØdé ☃ 𝄞', 'reserved'),
    (decode(repeat('ff', 300000), 'hex'), '-Infinity', '-0', 'NaN', '2000-02-29 23:59:59.999999', '1999-12-31 23:00:00+05:30',
     'infinity', '-178000000 years', B'00000', B'', -0.01, 'null', '"just a string"',
     '<?xml version="1.0"?><doc/>', '', '{}', '{}', '{}', 0, NULL, 'empty', '(,)', '{}', NULL, '',
     NULL, '::1', NULL, repeat('long text ', 100000), E'back\\slash\ttab\nnewline\rreturn'),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO app.everything ("Upper Case") SELECT 'row ' || g FROM generate_series(1, 2000) g;

-- unlogged, storage parameters, replica identity, check constraints
CREATE UNLOGGED TABLE app.scratch (
    k integer CONSTRAINT k_positive CHECK (k > 0),
    v text,
    CONSTRAINT v_not_empty CHECK (v <> '') NO INHERIT
) WITH (fillfactor = 70, autovacuum_enabled = false, toast.autovacuum_enabled = false);
ALTER TABLE app.scratch REPLICA IDENTITY FULL;
INSERT INTO app.scratch VALUES (1, 'a'), (2, 'b');
INSERT INTO app.scratch VALUES (500, 'violates k_small, allowed since NOT VALID');
ALTER TABLE app.scratch ADD CONSTRAINT k_small CHECK (k < 100) NOT VALID;

-- inheritance with local and inherited columns and constraints
CREATE TABLE app.parent (
    id integer NOT NULL,
    name text DEFAULT 'parent default',
    CONSTRAINT id_pos CHECK (id > 0)
);
CREATE TABLE app.child (
    extra text DEFAULT 'x',
    name text DEFAULT 'child default'
) INHERITS (app.parent);
CREATE TABLE app.other_parent (o integer);
CREATE TABLE app.grandchild (g integer) INHERITS (app.child, app.other_parent);
ALTER TABLE app.grandchild ALTER COLUMN name DROP DEFAULT;
ALTER TABLE app.grandchild ALTER COLUMN g SET NOT NULL;
INSERT INTO app.parent VALUES (1, 'p');
INSERT INTO app.child VALUES (2, 'c', 'e');
INSERT INTO app.grandchild VALUES (3, 'g', 'e', 7, 9);

-- typed table
CREATE TABLE app.typed OF app.pair (CONSTRAINT a_pos CHECK (a > 0));
ALTER TABLE app.typed ALTER COLUMN a SET NOT NULL;
INSERT INTO app.typed VALUES (1, 'one', 'ok');

-- partitioned tables, a default partition, sub-partitions, partitioned index
CREATE TABLE app.measure (
    id bigint NOT NULL,
    at date NOT NULL,
    region text NOT NULL,
    val numeric CHECK (val >= 0),
    PRIMARY KEY (id, at, region)
) PARTITION BY RANGE (at);
CREATE TABLE app.measure_2023 PARTITION OF app.measure FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE app.measure_2024 PARTITION OF app.measure FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY LIST (region);
CREATE TABLE app.measure_2024_eu PARTITION OF app.measure_2024 FOR VALUES IN ('eu', 'EU');
CREATE TABLE app.measure_2024_rest PARTITION OF app.measure_2024 DEFAULT;
CREATE TABLE app.measure_old (region text NOT NULL, val numeric CONSTRAINT measure_val_check CHECK (val >= 0), at date NOT NULL, id bigint NOT NULL);
ALTER TABLE app.measure ATTACH PARTITION app.measure_old FOR VALUES FROM (MINVALUE) TO ('2023-01-01');
CREATE INDEX measure_val ON app.measure (val);
INSERT INTO app.measure VALUES (1, '2023-05-01', 'eu', 1), (2, '2024-05-01', 'eu', 2),
    (3, '2024-05-01', 'us', 3), (4, '1999-01-01', 'x', 4);

-- foreign keys (also to a partitioned table), exclusion, unique, deferrable
CREATE TABLE app.reading (
    rid integer PRIMARY KEY,
    mid bigint, mat date, mregion text,
    parent_rid integer REFERENCES app.reading DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (mid, mat, mregion) REFERENCES app.measure ON DELETE CASCADE
);
INSERT INTO app.reading VALUES (1, 1, '2023-05-01', 'eu', NULL), (2, 2, '2024-05-01', 'eu', 1);
CREATE TABLE app.booking (
    room integer,
    during tsrange,
    code text,
    EXCLUDE USING gist (room WITH =, during WITH &&),
    CONSTRAINT code_unique UNIQUE (code)
);
INSERT INTO app.booking VALUES (1, '[2024-01-01,2024-01-02)', 'A'), (1, '[2024-01-02,2024-01-03)', 'B');
CREATE UNIQUE INDEX booking_lower_code ON app.booking (lower(code)) WHERE code IS NOT NULL;
CREATE INDEX booking_expr ON app.booking USING btree ((room * 2) DESC NULLS LAST) WITH (fillfactor = 50);
ALTER TABLE app.booking CLUSTER ON booking_expr;
COMMENT ON INDEX app.booking_expr IS 'an expression index';
COMMENT ON CONSTRAINT code_unique ON app.booking IS 'unique codes';

-- a default calling a function that returns the table's rows (a cycle
-- through the default), and a SQL-standard function body on a table
CREATE TABLE app.counter (n integer, label text);
CREATE FUNCTION app.next_n() RETURNS integer LANGUAGE sql
    BEGIN ATOMIC SELECT coalesce(max(n), 0) + 1 FROM app.counter; END;
ALTER TABLE app.counter ALTER COLUMN n SET DEFAULT app.next_n();
CREATE FUNCTION app.all_counters() RETURNS SETOF app.counter LANGUAGE sql STABLE
    BEGIN ATOMIC SELECT * FROM app.counter; END;
INSERT INTO app.counter (label) VALUES ('first');
INSERT INTO app.counter (label) VALUES ('second');

-- views on functions on types, check options, security barrier, matviews
CREATE VIEW app.counter_view WITH (security_barrier = true) AS
    SELECT c.n, c.label, app.is_even(c.n) AS even FROM app.all_counters() c;
CREATE VIEW app.even_counters AS SELECT * FROM app.counter WHERE n % 2 = 0 WITH CASCADED CHECK OPTION;
ALTER VIEW app.even_counters ALTER COLUMN label SET DEFAULT 'from view';
CREATE VIEW "select"."view" AS SELECT 1 AS "from", 'x'::"select"."from" AS "where";
CREATE MATERIALIZED VIEW app.counter_mv AS SELECT n, label FROM app.counter_view;
CREATE MATERIALIZED VIEW app.mv_on_mv AS SELECT count(*) AS c FROM app.counter_mv;
CREATE MATERIALIZED VIEW app.never_filled AS SELECT 1 AS one WITH NO DATA;
CREATE UNIQUE INDEX counter_mv_n ON app.counter_mv (n);
COMMENT ON VIEW app.counter_view IS 'a view';
COMMENT ON MATERIALIZED VIEW app.counter_mv IS 'a matview';
COMMENT ON COLUMN app.counter_view.even IS 'a view column';
-- a view grouping by a primary key (depends on the constraint)
CREATE TABLE app.grp (id integer PRIMARY KEY, v text);
CREATE VIEW app.grp_view AS SELECT id, v, count(*) AS c FROM app.grp GROUP BY id;

-- triggers (one disabled), rules, row level security and policies
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.label := NEW.label || '!'; RETURN NEW; END $$;
CREATE TRIGGER "Touch It" BEFORE INSERT OR UPDATE OF label ON app.counter
    FOR EACH ROW WHEN (NEW.label IS NOT NULL) EXECUTE FUNCTION app.touch();
CREATE TRIGGER off_trigger AFTER DELETE ON app.counter FOR EACH STATEMENT EXECUTE FUNCTION app.touch();
ALTER TABLE app.counter DISABLE TRIGGER off_trigger;
CREATE TRIGGER measure_trg BEFORE INSERT ON app.measure FOR EACH ROW EXECUTE FUNCTION app.touch();
COMMENT ON TRIGGER "Touch It" ON app.counter IS 'touches';
CREATE RULE no_delete AS ON DELETE TO app.grp DO INSTEAD NOTHING;
COMMENT ON RULE no_delete ON app.grp IS 'keeps rows';
ALTER TABLE app.grp ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.grp FORCE ROW LEVEL SECURITY;
CREATE POLICY "only odd" ON app.grp AS RESTRICTIVE FOR SELECT TO "dbk odd ""reader""", dbk_odd_writer USING (id % 2 = 1);
CREATE POLICY writers ON app.grp FOR INSERT TO dbk_odd_writer WITH CHECK (v IS NOT NULL);
CREATE POLICY everyone ON app.grp USING (true);
COMMENT ON POLICY writers ON app.grp IS 'a policy';
INSERT INTO app.grp VALUES (1, 'a'), (2, 'b'), (3, NULL);

-- statistics objects, text search, foreign data, publications, event triggers
CREATE STATISTICS app.measure_stats (ndistinct, dependencies) ON id, region FROM app.measure_2023;
ALTER STATISTICS app.measure_stats SET STATISTICS 200;
CREATE TEXT SEARCH DICTIONARY app.simple_dict (TEMPLATE = pg_catalog.simple, STOPWORDS = english);
CREATE TEXT SEARCH CONFIGURATION app.my_config (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION app.my_config ALTER MAPPING FOR asciiword WITH app.simple_dict, english_stem;
COMMENT ON TEXT SEARCH CONFIGURATION app.my_config IS 'a config';
CREATE FOREIGN DATA WRAPPER dbk_fdw OPTIONS (debug 'true');
CREATE SERVER dbk_server FOREIGN DATA WRAPPER dbk_fdw OPTIONS (host 'nowhere', "port" '1');
CREATE USER MAPPING FOR dbk_odd_writer SERVER dbk_server OPTIONS (user 'w', password 'secret');
CREATE FOREIGN TABLE app.remote (a integer OPTIONS (column_name 'A'), b text NOT NULL)
    SERVER dbk_server OPTIONS (table_name 'remote table');
GRANT USAGE ON FOREIGN SERVER dbk_server TO dbk_odd_writer;
CREATE PUBLICATION dbk_pub FOR TABLE app.grp, app.counter (n) WHERE (n > 0) WITH (publish = 'insert, update');
CREATE PUBLICATION dbk_pub_schema FOR TABLES IN SCHEMA "select";
CREATE FUNCTION app.ddl_log() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
CREATE EVENT TRIGGER dbk_evt ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION app.ddl_log();
ALTER EVENT TRIGGER dbk_evt DISABLE;

-- privileges: table, column, sequence, default privileges
GRANT SELECT, INSERT ON app.everything TO "dbk odd ""reader""";
GRANT SELECT ON app.everything TO dbk_odd_writer WITH GRANT OPTION;
GRANT UPDATE (label), SELECT (n, label) ON app.counter TO dbk_odd_writer;
REVOKE ALL ON app.scratch FROM CURRENT_USER;
GRANT USAGE ON SEQUENCE app.odd_seq TO dbk_odd_writer;
GRANT SELECT ON app.counter_view TO PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE dbk_odd_owner IN SCHEMA app GRANT SELECT ON TABLES TO "dbk odd ""reader""";
ALTER DEFAULT PRIVILEGES FOR ROLE dbk_odd_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE dbk_odd_owner GRANT USAGE ON TYPES TO dbk_odd_writer;

-- ownership
ALTER TABLE app.booking OWNER TO dbk_odd_owner;
ALTER VIEW app.grp_view OWNER TO dbk_odd_owner;
ALTER SEQUENCE app.fresh_seq OWNER TO dbk_odd_owner;
ALTER TYPE app.floatrange OWNER TO dbk_odd_owner;
ALTER DOMAIN "select"."from" OWNER TO dbk_odd_writer;

-- large objects
SELECT lo_from_bytea(0, '\x00ff00ff'::bytea || convert_to(repeat('large object ', 10000), 'UTF8')) IS NOT NULL;
SELECT lo_from_bytea(0, ''::bytea) IS NOT NULL;
DO $$
DECLARE o oid;
BEGIN
    SELECT min(oid) INTO o FROM pg_largeobject_metadata;
    EXECUTE format('ALTER LARGE OBJECT %s OWNER TO dbk_odd_owner', o);
    EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO dbk_odd_writer', o);
    EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', o, 'a blob');
END
$$;

-- database-level properties
DO $$
BEGIN
    EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), 'odd objects database');
    EXECUTE format('ALTER DATABASE %I SET work_mem = %L', current_database(), '12MB');
    EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, app', current_database());
    EXECUTE format('ALTER ROLE dbk_odd_writer IN DATABASE %I SET statement_timeout = %L', current_database(), '5s');
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CREATE ON DATABASE %I TO dbk_odd_writer', current_database());
END
$$;

-- more odd names and shapes: newline in a column name, a dot in names,
-- zero columns, generated columns under inheritance, ordered-set aggregate,
-- hash partitions with a unique key referenced by a foreign key
CREATE SCHEMA "we.ird";
CREATE TABLE "we.ird"."a.b" ("line
break" int, "order" text, "group" int DEFAULT 5);
INSERT INTO "we.ird"."a.b" VALUES (1, 'x', 2);
COMMENT ON COLUMN "we.ird"."a.b"."line
break" IS 'newline col';
CREATE TABLE "we.ird".nocols ();
INSERT INTO "we.ird".nocols DEFAULT VALUES;
INSERT INTO "we.ird".nocols DEFAULT VALUES;
CREATE TABLE "we.ird".gparent (a int, b int GENERATED ALWAYS AS (a * 10) STORED, c int);
CREATE TABLE "we.ird".gchild (d int) INHERITS ("we.ird".gparent);
ALTER TABLE "we.ird".gchild ALTER COLUMN c SET DEFAULT 42;
INSERT INTO "we.ird".gchild (a, d) VALUES (1, 2);
CREATE TABLE "we.ird".holder (x "we.ird"."a.b", y "we.ird"."a.b"[]);
INSERT INTO "we.ird".holder VALUES (ROW(1, 'q', 3), ARRAY[ROW(1, 'q', 3)::"we.ird"."a.b"]);
CREATE TEXT SEARCH CONFIGURATION "we.ird".emptycfg (PARSER = default);
CREATE TABLE public.owner_tab (id int);
CREATE SEQUENCE public.s_owned OWNED BY public.owner_tab.id;
CREATE AGGREGATE "we.ird".my_pct(float8 ORDER BY float8) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);
CREATE TYPE "we.ird".pt AS (x int, y int);
COMMENT ON COLUMN "we.ird".pt.x IS 'x coord';
CREATE VIEW "we.ird".v AS SELECT "order", "group" FROM "we.ird"."a.b";
GRANT SELECT ("order") ON "we.ird".v TO PUBLIC;
CREATE FUNCTION "we.ird".trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE TRIGGER tt AFTER INSERT ON "we.ird"."a.b" REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION "we.ird".trg();
CREATE FUNCTION "we.ird".dflt() RETURNS int LANGUAGE sql AS 'SELECT 7';
CREATE DOMAIN "we.ird".d7 AS int DEFAULT "we.ird".dflt();
CREATE TYPE "we.ird".textrange AS RANGE (subtype = text, collation = "C");
CREATE PROCEDURE "we.ird".p(a int DEFAULT 1, VARIADIC b int[] DEFAULT '{}') LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
CREATE FUNCTION "we.ird".f_default(a int, b text DEFAULT 'x''y') RETURNS text LANGUAGE sql AS $$SELECT b$$;
CREATE TABLE "we.ird".ident_parent (id int GENERATED BY DEFAULT AS IDENTITY, v text);
INSERT INTO "we.ird".ident_parent (v) VALUES ('a'), ('b');
CREATE TABLE "we.ird"."MixedCase" ("Col" int PRIMARY KEY);
CREATE TABLE "we.ird".ref ("c" int REFERENCES "we.ird"."MixedCase" ON UPDATE CASCADE);
CREATE INDEX ON "we.ird"."MixedCase" ("Col") INCLUDE ("Col");
CREATE TABLE "we.ird".hashed (k int, v text) PARTITION BY HASH (k);
CREATE TABLE "we.ird".hashed_0 PARTITION OF "we.ird".hashed FOR VALUES WITH (modulus 2, remainder 0);
CREATE TABLE "we.ird".hashed_1 PARTITION OF "we.ird".hashed FOR VALUES WITH (modulus 2, remainder 1);
INSERT INTO "we.ird".hashed SELECT g, g::text FROM generate_series(1, 10) g;
ALTER TABLE "we.ird".hashed ADD CONSTRAINT hashed_k UNIQUE (k);
CREATE TABLE "we.ird".fkp (k int REFERENCES "we.ird".hashed (k));

-- a view in a dependency cycle through a SQL-standard function body
CREATE VIEW app.cyc_view AS SELECT 1 AS a, 'x'::text AS b;
CREATE FUNCTION app.cyc_fn() RETURNS SETOF app.cyc_view LANGUAGE sql STABLE
    BEGIN ATOMIC SELECT * FROM app.cyc_view; END;
CREATE OR REPLACE VIEW app.cyc_view AS SELECT 1 AS a, 'x'::text AS b FROM app.cyc_fn() LIMIT 0;
COMMENT ON VIEW app.cyc_view IS 'in a cycle';

ANALYZE;
