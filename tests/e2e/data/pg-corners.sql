-- pg-corners.sql: corners of objects and names that the other fixtures
-- miss, for the PostgreSQL dump/restore round trip (PostgreSQL 15+, built
-- with lz4).  Load it as a superuser into an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-corners.sql
-- Names with quotes, spaces, commas, '=' and '/' (role names inside ACL
-- items), reserved words and unicode in every position; empty enums and
-- composites; GUC lists with quoted names in function SET clauses;
-- procedures with OUT parameters; index column statistics and opclass
-- parameters; foreign keys on a unique index; NOT VALID domain checks
-- over violating rows; partition keys with collations, opclasses and
-- expressions; reg* values; trigger arguments; inheritance children
-- whose column order CREATE TABLE ... INHERITS would change; a matview
-- whose owner reads its sources through a grant; triggers cloned onto
-- partitions and enabled or disabled there on their own; CHECK
-- constraints calling functions that need the table or other tables; a
-- populated matview over one emptied later; comments on constraint
-- indexes and cloned triggers.

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS file_fdw;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk=c,o/r"n') THEN
        CREATE ROLE "dbk=c,o/r""n" NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'Dbk Corner Ünï') THEN
        CREATE ROLE "Dbk Corner Ünï" NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA "Sch ""Q"" ü";
CREATE SCHEMA "TABLE";
SET search_path = "Sch ""Q"" ü", public;

-- empty enum, empty composite, custom multirange name
CREATE TYPE "Sch ""Q"" ü".empty_enum AS ENUM ();
CREATE TYPE "Sch ""Q"" ü".empty_comp AS ();
CREATE TYPE "Sch ""Q"" ü"."E ""Lbl""" AS ENUM ('a b', 'Ä''"', '', 'x,y', '{z}');
CREATE TYPE "Sch ""Q"" ü".numr AS RANGE (subtype = numeric, multirange_type_name = "TABLE"."Multi R");
CREATE TABLE "Sch ""Q"" ü".enums (e "Sch ""Q"" ü"."E ""Lbl""", ea "Sch ""Q"" ü"."E ""Lbl"""[], r "Sch ""Q"" ü".numr, m "TABLE"."Multi R");
INSERT INTO "Sch ""Q"" ü".enums VALUES ('', '{"a b","",x\,y,"{z}"}', '[1.5,2]', '{[1,2),[3,4]}');

-- functions with quoted search_path settings and odd GUCs
CREATE FUNCTION "Sch ""Q"" ü"."fn ""q"""(
    "in" integer, "Arg ü" text DEFAULT 'd''ef', VARIADIC "rest" "Sch ""Q"" ü"."E ""Lbl"""[] DEFAULT '{}')
    RETURNS text LANGUAGE plpgsql
    SET search_path = "Sch ""Q"" ü", "TABLE", pg_temp
    SET datestyle = 'iso, dmy'
    SET "application_name" = 'a''b"c'
    AS $$ BEGIN RETURN "Arg ü"; END $$;
CREATE FUNCTION "Sch ""Q"" ü".from_current() RETURNS int LANGUAGE sql SET search_path FROM CURRENT AS 'SELECT 1';
CREATE TABLE public.plain_t (i int);
CREATE FUNCTION public.tcount() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM plain_t';
CREATE PROCEDURE "Sch ""Q"" ü".outproc(IN a int, OUT b int, INOUT c text) LANGUAGE plpgsql AS $$ BEGIN b := a; END $$;
COMMENT ON PROCEDURE "Sch ""Q"" ü".outproc(int, int, text) IS 'with OUT';
REVOKE EXECUTE ON PROCEDURE "Sch ""Q"" ü".outproc(int, int, text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE "Sch ""Q"" ü".outproc(int, int, text) TO "dbk=c,o/r""n";
CREATE FUNCTION "Sch ""Q"" ü".sfn(integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL RESTRICTED CALLED ON NULL INPUT COST 7 SUPPORT pg_catalog.textlike_support AS 'SELECT $1';
-- prefix operator with negator, restrict/join estimators
CREATE FUNCTION "Sch ""Q"" ü".neg(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT -$1';
CREATE OPERATOR "Sch ""Q"" ü".!- (RIGHTARG = integer, FUNCTION = "Sch ""Q"" ü".neg);
CREATE FUNCTION "Sch ""Q"" ü".ne2(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 <> $2';
CREATE FUNCTION "Sch ""Q"" ü".eq2(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR "Sch ""Q"" ü".=#= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = "Sch ""Q"" ü".eq2,
    NEGATOR = OPERATOR("Sch ""Q"" ü".<#>), RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR "Sch ""Q"" ü".<#> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = "Sch ""Q"" ü".ne2,
    NEGATOR = OPERATOR("Sch ""Q"" ü".=#=), RESTRICT = neqsel, JOIN = neqjoinsel);
COMMENT ON OPERATOR "Sch ""Q"" ü".!- (NONE, integer) IS 'prefix';
-- aggregates: sortop, serial/deserial, polymorphic, finalfunc_modify
CREATE AGGREGATE "Sch ""Q"" ü".my_max(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >);
CREATE AGGREGATE "Sch ""Q"" ü".my_avg8(int8) (SFUNC = int8_avg_accum, STYPE = internal, FINALFUNC = numeric_poly_avg,
    COMBINEFUNC = int8_avg_combine, SERIALFUNC = int8_avg_serialize, DESERIALFUNC = int8_avg_deserialize, PARALLEL = SAFE, FINALFUNC_MODIFY = READ_ONLY);
CREATE AGGREGATE "Sch ""Q"" ü".arr_cat(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray, INITCOND = '{}');
-- casts WITH INOUT, binary
CREATE TYPE "Sch ""Q"" ü".wrap AS (v text);
CREATE CAST ("Sch ""Q"" ü".wrap AS text) WITH INOUT AS IMPLICIT;
COMMENT ON CAST ("Sch ""Q"" ü".wrap AS text) IS 'cast comment';

-- tables: colliding names across schemas, reserved words, identity options
CREATE TABLE "TABLE"."TABLE" ("COLUMN" int PRIMARY KEY, "Ü" text);
CREATE TABLE public."TABLE" ("COLUMN" int PRIMARY KEY, "Ü" text, up int REFERENCES public."TABLE");
CREATE INDEX "idx ""same""" ON "TABLE"."TABLE" ("Ü");
CREATE INDEX "idx ""same""" ON public."TABLE" ("Ü");
INSERT INTO "TABLE"."TABLE" VALUES (1, 'a');
CREATE TABLE "Sch ""Q"" ü"."ident ""T""" (
    "id ""1""" smallint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "Sch ""Q"" ü"."seq ""for"" id" MINVALUE -32768 START WITH -32768 INCREMENT BY 7 NO CYCLE CACHE 1),
    x bigint GENERATED BY DEFAULT AS IDENTITY (MAXVALUE 5 CYCLE),
    v text COMPRESSION lz4 COLLATE "C",
    w text
);
ALTER TABLE "Sch ""Q"" ü"."ident ""T""" ALTER COLUMN w SET STORAGE PLAIN;
ALTER TABLE "Sch ""Q"" ü"."ident ""T""" ALTER COLUMN x SET INCREMENT BY 2;
INSERT INTO "Sch ""Q"" ü"."ident ""T""" (v) SELECT repeat('v', 10000) FROM generate_series(1, 3);
GRANT USAGE, SELECT ON SEQUENCE "Sch ""Q"" ü"."seq ""for"" id" TO "Dbk Corner Ünï";
COMMENT ON SEQUENCE "Sch ""Q"" ü"."seq ""for"" id" IS 'identity seq';
COMMENT ON COLUMN "Sch ""Q"" ü"."ident ""T"""."id ""1""" IS E'multi\nline ''c''';
ALTER TABLE "Sch ""Q"" ü"."ident ""T""" SET (parallel_workers = 2, toast_tuple_target = 256);
ALTER TABLE "Sch ""Q"" ü"."ident ""T""" ALTER COLUMN v SET (n_distinct_inherited = -0.5);
ALTER TABLE "Sch ""Q"" ü"."ident ""T""" REPLICA IDENTITY NOTHING;

-- index options: opclass params, per-column statistics, brin, gin, hash
CREATE TABLE "TABLE".docs (id int, t text, tsv tsvector, ts timestamptz, n numeric);
INSERT INTO "TABLE".docs SELECT g, 'word ' || g, to_tsvector('simple', 'word ' || g), '2024-01-01'::timestamptz + g * interval '1 hour', g FROM generate_series(1, 50) g;
CREATE INDEX docs_tsv ON "TABLE".docs USING gist (tsv tsvector_ops (siglen = 100));
CREATE INDEX docs_brin ON "TABLE".docs USING brin (ts) WITH (pages_per_range = 16, autosummarize = on);
CREATE INDEX docs_gin ON "TABLE".docs USING gin (tsv) WITH (fastupdate = off);
CREATE INDEX docs_hash ON "TABLE".docs USING hash (t);
CREATE INDEX docs_expr ON "TABLE".docs ((n * 2), (lower(t)));
ALTER INDEX "TABLE".docs_expr ALTER COLUMN 2 SET STATISTICS 321;
CREATE INDEX docs_pattern ON "TABLE".docs (t text_pattern_ops, t COLLATE "C");

-- FK to a unique index that is no constraint; MATCH FULL; SET DEFAULT cols
CREATE TABLE "TABLE".uk (a int, b int);
CREATE UNIQUE INDEX uk_ab ON "TABLE".uk (a, b);
INSERT INTO "TABLE".uk VALUES (1, 1), (0, 0);
CREATE TABLE "TABLE".fk (a int DEFAULT 0, b int DEFAULT 0,
    CONSTRAINT fk_full FOREIGN KEY (a, b) REFERENCES "TABLE".uk (a, b) MATCH FULL ON DELETE SET DEFAULT (a, b) ON UPDATE RESTRICT);
INSERT INTO "TABLE".fk VALUES (1, 1), (NULL, NULL);
ALTER TABLE "TABLE".uk ADD CONSTRAINT uk_pk PRIMARY KEY (a) DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE "TABLE".uk ADD CONSTRAINT uk_b UNIQUE (b) DEFERRABLE INITIALLY DEFERRED;

-- NOT VALID domain constraint with a violating row (post-data, as pg_dump)
CREATE DOMAIN "TABLE".d_pos AS integer;
CREATE TABLE "TABLE".dvals (v "TABLE".d_pos);
INSERT INTO "TABLE".dvals VALUES (-5), (5);
ALTER DOMAIN "TABLE".d_pos ADD CONSTRAINT d_pos_chk CHECK (VALUE > 0) NOT VALID;
CREATE DOMAIN "TABLE".d_enum AS "Sch ""Q"" ü"."E ""Lbl""" DEFAULT 'a b' CHECK (VALUE <> 'x,y');
CREATE DOMAIN "TABLE".d_comp AS "Sch ""Q"" ü".wrap CHECK ((VALUE).v IS NOT NULL);
CREATE DOMAIN "TABLE".d_range AS int4range CHECK (NOT isempty(VALUE));
CREATE TABLE "TABLE".dom_cols (a "TABLE".d_enum, b "TABLE".d_comp, c "TABLE".d_range[], d "TABLE".d_comp[]);
INSERT INTO "TABLE".dom_cols VALUES ('', ROW('x'), '{"[1,2)"}', ARRAY[ROW('y')::"TABLE".d_comp]);

-- inheritance: local and inherited column and constraint at once
CREATE TABLE "TABLE".par (id int NOT NULL, v text, CONSTRAINT id_pos CHECK (id > 0));
CREATE TABLE "TABLE".kid (v text DEFAULT 'kid', id int NOT NULL, own int, CONSTRAINT id_pos CHECK (id > 0));
ALTER TABLE "TABLE".kid INHERIT "TABLE".par;
INSERT INTO "TABLE".kid VALUES ('k', 1, 2);
CREATE TABLE "TABLE".was_kid (id int, v text) INHERITS ("TABLE".par);
ALTER TABLE "TABLE".was_kid NO INHERIT "TABLE".par;
-- partitioning: key with expressions, collation and opclass; partitions in
-- other schemas; dropped columns in the parent; multi-column MAXVALUE
CREATE TABLE "TABLE".pk (gone int, a text, b int, c date);
ALTER TABLE "TABLE".pk DROP COLUMN gone;
DROP TABLE "TABLE".pk;
CREATE TABLE "TABLE".pkey (drop_me int, a text NOT NULL, b int, c date) PARTITION BY RANGE (a COLLATE "C" text_pattern_ops, (b + 1));
ALTER TABLE "TABLE".pkey DROP COLUMN drop_me;
CREATE TABLE "Sch ""Q"" ü"."pkey low" PARTITION OF "TABLE".pkey FOR VALUES FROM (MINVALUE, MINVALUE) TO ('m', 10);
CREATE TABLE public.pkey_high PARTITION OF "TABLE".pkey FOR VALUES FROM ('m', 10) TO (MAXVALUE, MAXVALUE);
INSERT INTO "TABLE".pkey VALUES ('a', 1, '2024-01-01'), ('z', 99, NULL);
CREATE TABLE "TABLE".lst (k text, v int) PARTITION BY LIST (lower(k));
CREATE TABLE "TABLE".lst_null PARTITION OF "TABLE".lst FOR VALUES IN (NULL, 'x''y');
CREATE TABLE "TABLE".lst_def PARTITION OF "TABLE".lst DEFAULT PARTITION BY HASH (v);
CREATE TABLE "TABLE".lst_def_0 PARTITION OF "TABLE".lst_def FOR VALUES WITH (MODULUS 1, REMAINDER 0);
INSERT INTO "TABLE".lst VALUES (NULL, 1), ('X''Y', 2), ('q', 3);
CREATE INDEX lst_v ON "TABLE".lst (v);
ALTER TABLE "TABLE".lst ADD CONSTRAINT lst_chk CHECK (v > 0);

-- regclass and friends as column values
CREATE TABLE "TABLE".regs (rc regclass, rt regtype, rp regproc, rpr regprocedure, ro regoper, rn regnamespace, rr regrole, rcfg regconfig, rcol regcollation, rd regdictionary);
INSERT INTO "TABLE".regs VALUES ('"TABLE"."TABLE"', '"Sch ""Q"" ü"."E ""Lbl"""', 'now', '"Sch ""Q"" ü".neg(integer)', '||/', '"Sch ""Q"" ü"', '"dbk=c,o/r""n"', 'english', '"C"', 'simple'),
    ('pg_class', 'integer[]', '-', NULL, NULL, 'public', NULL, NULL, NULL, NULL);

-- triggers with odd arguments, ENABLE ALWAYS; event trigger ENABLE REPLICA
CREATE FUNCTION "TABLE".trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER "Trg ""A""" BEFORE INSERT ON "TABLE"."TABLE" FOR EACH ROW EXECUTE FUNCTION "TABLE".trg('a''b', E'back\\slash', '', 'new
line', '42');
ALTER TABLE "TABLE"."TABLE" ENABLE ALWAYS TRIGGER "Trg ""A""";
CREATE FUNCTION "TABLE".evt() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER "Evt ""R""" ON ddl_command_start EXECUTE FUNCTION "TABLE".evt();
ALTER EVENT TRIGGER "Evt ""R""" ENABLE REPLICA;
CREATE EVENT TRIGGER evt_always ON table_rewrite EXECUTE FUNCTION "TABLE".evt();
ALTER EVENT TRIGGER evt_always ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER evt_always IS 'always';

-- foreign data: handler-less wrapper with validator, server TYPE/VERSION,
-- PUBLIC user mapping, a foreign table inheriting a local one, file_fdw
CREATE FOREIGN DATA WRAPPER "Fdw ""V""" OPTIONS ("Opt" 'o''q');
CREATE SERVER "Srv ü" TYPE 'kind''s' VERSION '1.0' FOREIGN DATA WRAPPER "Fdw ""V""";
CREATE USER MAPPING FOR PUBLIC SERVER "Srv ü";
CREATE USER MAPPING FOR "dbk=c,o/r""n" SERVER "Srv ü" OPTIONS (user 'u');
COMMENT ON SERVER "Srv ü" IS 'a server';
COMMENT ON FOREIGN DATA WRAPPER "Fdw ""V""" IS 'a wrapper';
ALTER SERVER "Srv ü" OWNER TO "Dbk Corner Ünï";
GRANT USAGE ON FOREIGN DATA WRAPPER "Fdw ""V""" TO "Dbk Corner Ünï";
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE "TABLE".passwd (name text, x text DEFAULT 'x', uid int CHECK (uid >= 0) NOT NULL)
    SERVER files OPTIONS (filename '/etc/passwd', format 'text', delimiter ':');
ALTER FOREIGN TABLE "TABLE".passwd ALTER COLUMN uid OPTIONS (force_not_null 'true');
COMMENT ON FOREIGN TABLE "TABLE".passwd IS 'ft';
GRANT SELECT (name) ON "TABLE".passwd TO "Dbk Corner Ünï";
CREATE TABLE "TABLE".loc_parent (a int);
CREATE FOREIGN TABLE "TABLE".ft_child (b int) INHERITS ("TABLE".loc_parent) SERVER "Srv ü";

-- text search dictionary with options
CREATE TEXT SEARCH DICTIONARY "TABLE"."Dict ""S""" (TEMPLATE = simple, STOPWORDS = english, ACCEPT = false);
CREATE TEXT SEARCH CONFIGURATION "TABLE"."Cfg ü" (PARSER = default);
ALTER TEXT SEARCH CONFIGURATION "TABLE"."Cfg ü" ADD MAPPING FOR asciiword, hword_asciipart WITH "TABLE"."Dict ""S""", simple;
COMMENT ON TEXT SEARCH DICTIONARY "TABLE"."Dict ""S""" IS 'dict';
ALTER TEXT SEARCH DICTIONARY "TABLE"."Dict ""S""" OWNER TO "Dbk Corner Ünï";

-- collations
CREATE COLLATION "TABLE"."Coll ""de""" (provider = icu, locale = 'de-u-co-phonebk');
CREATE COLLATION "TABLE".libc_mix (lc_collate = 'C', lc_ctype = 'C.UTF-8');
CREATE COLLATION "TABLE".copied FROM "C";
COMMENT ON COLLATION "TABLE"."Coll ""de""" IS 'phonebook';
CREATE TABLE "TABLE".colls (a text COLLATE "TABLE"."Coll ""de""", b varchar(5) COLLATE "TABLE".libc_mix, c text[] COLLATE "TABLE".copied);
INSERT INTO "TABLE".colls VALUES ('ä', 'b', '{c}');

-- views: renamed column, WITH options, view on a view, check option local
CREATE VIEW "TABLE"."V ""1""" WITH (check_option = local, security_barrier = false) AS SELECT "COLUMN" AS c, "Ü" FROM "TABLE"."TABLE" WHERE "COLUMN" > 0;
ALTER VIEW "TABLE"."V ""1""" RENAME COLUMN c TO "C renamed";
CREATE VIEW "TABLE".v2 AS SELECT * FROM "TABLE"."V ""1""" ORDER BY 1 LIMIT 10;
CREATE MATERIALIZED VIEW "TABLE".mv WITH (fillfactor = 60) AS SELECT * FROM "TABLE".v2 WITH DATA;
CREATE MATERIALIZED VIEW "TABLE".mv_empty AS SELECT public.tcount() AS n WITH NO DATA;
COMMENT ON COLUMN "TABLE".mv."Ü" IS 'matview col';
GRANT SELECT ON "TABLE".v2 TO "Dbk Corner Ünï";
ALTER MATERIALIZED VIEW "TABLE".mv OWNER TO "Dbk Corner Ünï";

-- RLS enabled with no policies; policy for PUBLIC
CREATE TABLE "TABLE".locked (x int);
ALTER TABLE "TABLE".locked ENABLE ROW LEVEL SECURITY;
CREATE TABLE "TABLE".pol (x int);
ALTER TABLE "TABLE".pol ENABLE ROW LEVEL SECURITY;
CREATE POLICY "P ""1""" ON "TABLE".pol AS PERMISSIVE FOR DELETE TO PUBLIC USING (x > 0);
INSERT INTO "TABLE".locked VALUES (1);

-- privileges: odd role names everywhere, default privileges with grant
-- option, on schemas, for the current role, revoked from the owner
GRANT SELECT, UPDATE ("Ü") ON "TABLE"."TABLE" TO "dbk=c,o/r""n" WITH GRANT OPTION;
GRANT ALL ON SCHEMA "TABLE" TO "Dbk Corner Ünï";
GRANT USAGE ON SCHEMA "TABLE" TO "dbk=c,o/r""n";
GRANT USAGE ON TYPE "Sch ""Q"" ü"."E ""Lbl""" TO "dbk=c,o/r""n";
GRANT EXECUTE ON FUNCTION "Sch ""Q"" ü"."fn ""q"""(integer, text, "Sch ""Q"" ü"."E ""Lbl"""[]) TO "dbk=c,o/r""n" WITH GRANT OPTION;
SET ROLE "dbk=c,o/r""n";
GRANT SELECT ON "TABLE"."TABLE" TO "Dbk Corner Ünï";
RESET ROLE;
ALTER DEFAULT PRIVILEGES IN SCHEMA "TABLE" GRANT SELECT ON TABLES TO "dbk=c,o/r""n" WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO "Dbk Corner Ünï";
ALTER DEFAULT PRIVILEGES FOR ROLE "Dbk Corner Ünï" REVOKE ALL ON TABLES FROM "Dbk Corner Ünï";
ALTER DEFAULT PRIVILEGES FOR ROLE "dbk=c,o/r""n" IN SCHEMA "Sch ""Q"" ü" GRANT EXECUTE ON ROUTINES TO "Dbk Corner Ünï";
ALTER TABLE "TABLE".pol OWNER TO "dbk=c,o/r""n";
ALTER SCHEMA "Sch ""Q"" ü" OWNER TO "Dbk Corner Ünï";

-- publication on odd names
CREATE PUBLICATION "Pub ""ü""" FOR TABLE "TABLE"."TABLE" WHERE ("COLUMN" > 1), TABLES IN SCHEMA "Sch ""Q"" ü" WITH (publish_via_partition_root);
COMMENT ON PUBLICATION "Pub ""ü""" IS 'pub';
ALTER PUBLICATION "Pub ""ü""" OWNER TO "Dbk Corner Ünï";

-- statistics object with odd names
CREATE STATISTICS "TABLE"."Stx ""1""" (mcv) ON "COLUMN", "Ü" FROM "TABLE"."TABLE";
COMMENT ON STATISTICS "TABLE"."Stx ""1""" IS 'stx';
ALTER STATISTICS "TABLE"."Stx ""1""" OWNER TO "Dbk Corner Ünï";

-- large object with high oid and odd-role ACL
SELECT lo_from_bytea(4000000000, '\x00'::bytea);
GRANT SELECT, UPDATE ON LARGE OBJECT 4000000000 TO "dbk=c,o/r""n";
COMMENT ON LARGE OBJECT 4000000000 IS E'lo\ncomment';

-- a wide table (every column with a default)
DO $$
BEGIN
    EXECUTE 'CREATE TABLE "TABLE".wide (' || (SELECT string_agg(format('c%s int DEFAULT %s', g, g), ', ') FROM generate_series(1, 200) g) || ')';
END $$;
INSERT INTO "TABLE".wide DEFAULT VALUES;

-- inheritance children whose column order CREATE TABLE ... INHERITS would
-- change: columns added to parents later, several parents, a grandchild,
-- a foreign table child, inherited CHECK constraints and NOT NULL
CREATE TABLE "TABLE".ip1 (a int NOT NULL, b text DEFAULT 'pb', CONSTRAINT a_pos CHECK (a > 0));
CREATE TABLE "TABLE".ip2 (z int, b text, g int GENERATED ALWAYS AS (z * 2) STORED, CONSTRAINT z_chk CHECK (z <> 7));
CREATE TABLE "TABLE"."ic 1" (x int, CONSTRAINT own CHECK (x > 0)) INHERITS ("TABLE".ip1, "TABLE".ip2);
ALTER TABLE "TABLE".ip1 ADD COLUMN c date;
ALTER TABLE "TABLE".ip1 ADD CONSTRAINT c_chk CHECK (c > '2000-01-01');
ALTER TABLE "TABLE"."ic 1" ADD COLUMN y text;
ALTER TABLE "TABLE".ip2 ADD COLUMN w int NOT NULL DEFAULT 3;
CREATE TABLE "TABLE"."ig ""2""" (q int) INHERITS ("TABLE"."ic 1");
INSERT INTO "TABLE"."ic 1" (a, z, x, c, y) VALUES (1, 2, 3, '2024-01-01', 'y');
INSERT INTO "TABLE"."ig ""2""" (a, z, x, c, y, q) VALUES (1, 2, 3, '2024-01-01', 'y', 9);
CREATE TABLE "TABLE".lp (a int);
CREATE FOREIGN TABLE "TABLE".fc (b int) INHERITS ("TABLE".lp) SERVER "Srv ü";
ALTER TABLE "TABLE".lp ADD COLUMN c int;
-- a parent's column dropped from it alone (the child keeps it, local), a
-- child with a dropped column, a grandchild of both
CREATE TABLE "TABLE".dpar (a int, b text, c date);
CREATE TABLE "TABLE".dkid (k int) INHERITS ("TABLE".dpar);
ALTER TABLE ONLY "TABLE".dpar DROP COLUMN b;
CREATE TABLE "TABLE".dkid2 (x int, gone int, y int) INHERITS ("TABLE".dpar);
ALTER TABLE "TABLE".dkid2 DROP COLUMN gone;
ALTER TABLE "TABLE".dpar ADD COLUMN z int;
INSERT INTO "TABLE".dkid VALUES (1, 'b', '2024-01-01', 2, 3);
INSERT INTO "TABLE".dkid2 VALUES (1, '2024-01-01', 5, 6, 7);
CREATE TABLE "TABLE".dgk () INHERITS ("TABLE".dkid, "TABLE".dkid2);

RESET search_path;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_b_owner') THEN
        CREATE ROLE dbk_b_owner NOLOGIN;
    END IF;
END
$$;
-- quoted names in GUC lists (function SET clauses, database and role
-- settings); the public schema given to another owner
CREATE SCHEMA "my schema";
CREATE SCHEMA b;
ALTER SCHEMA public OWNER TO dbk_b_owner;
CREATE FUNCTION b.f1() RETURNS int LANGUAGE sql SET search_path = "$user", "my schema", public AS 'SELECT 1';
CREATE FUNCTION b.f2() RETURNS int LANGUAGE sql SET search_path = '' AS 'SELECT 1';
CREATE FUNCTION b.f3() RETURNS int LANGUAGE sql SET TimeZone = 'Europe/Paris' SET work_mem = '64kB' SET enable_seqscan = off SET extra_float_digits = -3 AS 'SELECT 1';
DO $$BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path = "my schema", public', current_database());
  EXECUTE format('ALTER DATABASE %I SET default_text_search_config = %L', current_database(), 'pg_catalog.simple');
  EXECUTE format('ALTER ROLE dbk_b_owner IN DATABASE %I SET search_path = "$user", "my schema"', current_database());
  EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %s', 'dbk=c,o/r"n', current_database(), '"Odd, ""Schema""", public');
  EXECUTE format('ALTER DATABASE %I SET temp_tablespaces = %L', current_database(), '');
END$$;

-- partitioned: triggers disabled on one partition, partition-only index,
-- partition-specific check, default, not null; index attached under
-- another name; FK from a partition
CREATE TABLE b.pt (id int NOT NULL, k text, v int DEFAULT 1) PARTITION BY LIST (k);
CREATE TABLE b.pt_a PARTITION OF b.pt (v DEFAULT 2, CONSTRAINT v_pos CHECK (v > 0)) FOR VALUES IN ('a');
CREATE TABLE b.pt_b (v int, id int NOT NULL, k text NOT NULL);
CREATE INDEX pt_b_own_name ON b.pt_b (id);
ALTER TABLE b.pt ATTACH PARTITION b.pt_b FOR VALUES IN ('b');
CREATE INDEX pt_id ON b.pt (id);
CREATE INDEX pt_a_only ON b.pt_a (v);
CREATE FUNCTION b.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER pt_trg BEFORE INSERT ON b.pt FOR EACH ROW EXECUTE FUNCTION b.trg();
ALTER TABLE b.pt_a DISABLE TRIGGER pt_trg;
CREATE TRIGGER pt_trg2 AFTER INSERT ON b.pt FOR EACH ROW EXECUTE FUNCTION b.trg();
ALTER TABLE b.pt_b ENABLE REPLICA TRIGGER pt_trg2;
INSERT INTO b.pt VALUES (1, 'a', 5), (2, 'b', 6);
ALTER TABLE b.pt_a ALTER COLUMN k SET NOT NULL;
CREATE TABLE b.ref (id int PRIMARY KEY);
INSERT INTO b.ref VALUES (1), (2);
ALTER TABLE b.pt_a ADD CONSTRAINT pt_a_fk FOREIGN KEY (id) REFERENCES b.ref;
ALTER TABLE b.pt ADD CONSTRAINT pt_pk PRIMARY KEY (id, k);
ALTER TABLE b.pt_b REPLICA IDENTITY FULL;

-- sequences at the edges, serial on a renamed table, owned across schemas
CREATE SEQUENCE b.maxed AS bigint MAXVALUE 9223372036854775807 START WITH 9223372036854775806;
SELECT nextval('b.maxed'), nextval('b.maxed');
CREATE SEQUENCE b.minned MINVALUE -9223372036854775808 MAXVALUE -1 INCREMENT BY -9223372036854775807 START WITH -1;
SELECT nextval('b.minned');
CREATE TABLE b.old_name (id serial PRIMARY KEY, t text);
ALTER TABLE b.old_name RENAME TO "new name";
INSERT INTO b."new name" (t) VALUES ('x');
CREATE SEQUENCE "my schema"."Seq X";
CREATE TABLE "my schema".owner_t (c bigint DEFAULT 0);
ALTER SEQUENCE "my schema"."Seq X" OWNED BY "my schema".owner_t.c;
CREATE UNLOGGED TABLE b.ul (id int GENERATED ALWAYS AS IDENTITY, s serial);
INSERT INTO b.ul DEFAULT VALUES;

-- rules with several actions, rules on views, view triggers
CREATE TABLE b.log (msg text);
CREATE TABLE b.tgt (a int);
CREATE RULE multi AS ON INSERT TO b.tgt DO ALSO (INSERT INTO b.log VALUES ('one'); INSERT INTO b.log VALUES ('two $$ \ ''q'''));
CREATE VIEW b.vv AS SELECT a FROM b.tgt;
CREATE RULE vv_upd AS ON UPDATE TO b.vv DO INSTEAD UPDATE b.tgt SET a = NEW.a WHERE a = OLD.a;
CREATE RULE vv_del AS ON DELETE TO b.vv DO INSTEAD NOTHING;
CREATE VIEW b.vals AS SELECT * FROM (VALUES (1, E'a\nb', '$$'::text), (2, NULL, 'x''y')) v(i, t, u);
CREATE VIEW b.rec AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r;
COMMENT ON VIEW b.vals IS E'with $$ and \\ and ''q'' and\nnewline';
COMMENT ON RULE multi ON b.tgt IS '$q$ dollar $q$';

-- names at the 63-byte limit
CREATE TABLE b."abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_63" ("ééééééééééééééééééééééééééééééé" int);
CREATE TYPE b.lbl AS ENUM ('abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_63');

-- transform use in a function, casts between domains
CREATE DOMAIN b.dint AS int;
CREATE DOMAIN b.dtext AS text;
CREATE FUNCTION b.dint_to_dtext(b.dint) RETURNS b.dtext LANGUAGE sql AS 'SELECT $1::text';
CREATE CAST (b.dint AS b.dtext) WITH FUNCTION b.dint_to_dtext(b.dint);

-- defaults depending on search_path-sensitive objects
CREATE TABLE "my schema".dflt (id int DEFAULT nextval('"my schema"."Seq X"'), t text DEFAULT current_setting('search_path'), r regclass DEFAULT 'b.tgt');
INSERT INTO "my schema".dflt DEFAULT VALUES;

-- large objects: empty, with PUBLIC acl, owned by another role
SELECT lo_create(77777);
GRANT SELECT ON LARGE OBJECT 77777 TO PUBLIC;
ALTER LARGE OBJECT 77777 OWNER TO dbk_b_owner;

-- grants on many kinds of objects by an odd grantor chain
GRANT USAGE ON SCHEMA b TO dbk_b_owner WITH GRANT OPTION;
GRANT ALL ON ALL TABLES IN SCHEMA b TO dbk_b_owner WITH GRANT OPTION;
GRANT ALL ON ALL SEQUENCES IN SCHEMA b TO dbk_b_owner;
GRANT USAGE ON DOMAIN b.dint TO dbk_b_owner;
DO $$BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO dbk_b_owner', current_database()); END$$;
REVOKE ALL ON FUNCTION b.f1() FROM PUBLIC;
GRANT ALL ON FUNCTION b.f1() TO dbk_b_owner WITH GRANT OPTION;
SET ROLE dbk_b_owner;
GRANT SELECT ON b.tgt TO PUBLIC;
GRANT EXECUTE ON FUNCTION b.f1() TO PUBLIC;
RESET ROLE;
REVOKE INSERT ON b.tgt FROM postgres;
-- a disabled trigger on a partitioned table, enabled again on a partition
-- and disabled on one below it
CREATE TABLE b.pd (k int, s int) PARTITION BY RANGE (k);
CREATE TABLE b.pd_1 PARTITION OF b.pd FOR VALUES FROM (0) TO (10) PARTITION BY LIST (s);
CREATE TABLE b.pd_1_a PARTITION OF b.pd_1 FOR VALUES IN (1);
CREATE TABLE b.pd_1_b PARTITION OF b.pd_1 FOR VALUES IN (2);
CREATE TABLE b.pd_2 PARTITION OF b.pd FOR VALUES FROM (10) TO (20);
CREATE TRIGGER pd_trg AFTER INSERT ON b.pd FOR EACH ROW EXECUTE FUNCTION b.trg();
ALTER TABLE b.pd DISABLE TRIGGER pd_trg;
ALTER TABLE b.pd_1 ENABLE TRIGGER pd_trg;
ALTER TABLE b.pd_1_b ENABLE ALWAYS TRIGGER pd_trg;

-- CHECK constraints calling functions: on the table's own row type (a
-- dependency cycle), reading other tables (validated after every row is
-- loaded), inherited, merged, on partitions and foreign tables
CREATE SCHEMA cyc;
SET search_path = cyc, public;
CREATE TABLE t (a int, b text);
CREATE FUNCTION chk(t) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1.a > 0';
ALTER TABLE t ADD CONSTRAINT c CHECK (chk(t.*));
INSERT INTO t VALUES (1, 'x');
CREATE TYPE ct AS (x int);
CREATE FUNCTION ctf(ct) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1.x';
CREATE TABLE g (c ct, d int GENERATED ALWAYS AS (ctf(c)) STORED);
INSERT INTO g VALUES (ROW(5));
CREATE DOMAIN dpos AS int;
CREATE FUNCTION dchk(int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1 >= 0';
ALTER DOMAIN dpos ADD CONSTRAINT dc CHECK (dchk(VALUE));
CREATE FUNCTION later() RETURNS int LANGUAGE sql AS 'SELECT 3';
CREATE FUNCTION withdef(a int DEFAULT later()) RETURNS int LANGUAGE sql AS 'SELECT a';
CREATE TABLE u (x dpos DEFAULT withdef());
INSERT INTO u DEFAULT VALUES;
CREATE TABLE self_ref (id int PRIMARY KEY, parent int);
CREATE FUNCTION sr_ok(int) RETURNS bool LANGUAGE sql STABLE BEGIN ATOMIC SELECT $1 IS NULL OR EXISTS (SELECT 1 FROM self_ref WHERE id = $1); END;
ALTER TABLE self_ref ADD CONSTRAINT sr CHECK (sr_ok(parent)) NOT VALID;
INSERT INTO self_ref VALUES (1, NULL);
INSERT INTO self_ref VALUES (2, 1);
CREATE VIEW v1 AS SELECT 1 AS a;
CREATE VIEW v2 AS SELECT a FROM v1;
CREATE OR REPLACE VIEW v1 AS SELECT 1 AS a, 2 AS b;
CREATE TABLE arr_of_tab (r t[]);
INSERT INTO arr_of_tab VALUES (ARRAY[ROW(1, 'q')::t]);
CREATE FUNCTION uses_arr(arr_of_tab) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION pos(int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 0';
CREATE TABLE ip (a int CONSTRAINT a_pos CHECK (pos(a)));
CREATE TABLE ic () INHERITS (ip);
CREATE TABLE ic2 (a int CONSTRAINT a_pos CHECK (pos(a)));
ALTER TABLE ic2 INHERIT ip;
CREATE TABLE pp (a int, CONSTRAINT pa CHECK (pos(a))) PARTITION BY RANGE (a);
CREATE TABLE pp1 PARTITION OF pp FOR VALUES FROM (0) TO (5);
CREATE TABLE pp2 (a int, CONSTRAINT pa CHECK (pos(a)), CONSTRAINT own CHECK (pos(a + 1)));
ALTER TABLE pp ATTACH PARTITION pp2 FOR VALUES FROM (5) TO (10);
CREATE TABLE codes (c text PRIMARY KEY);
INSERT INTO codes VALUES ('a'), ('b');
CREATE FUNCTION known(text) RETURNS bool LANGUAGE sql STABLE AS 'SELECT EXISTS (SELECT 1 FROM cyc.codes WHERE c = $1)';
CREATE TABLE a_uses (code text CHECK (known(code)));
INSERT INTO a_uses VALUES ('a'), ('b');
INSERT INTO ip VALUES (1); INSERT INTO ic VALUES (2); INSERT INTO ic2 VALUES (3); INSERT INTO pp VALUES (1), (6);
CREATE FOREIGN TABLE ft (a int CHECK (pos(a))) SERVER "Srv ü";
RESET search_path;

-- an extension left at an older version than its package's default (never
-- updated after an upgrade), with an object on it
CREATE SCHEMA oldext;
CREATE EXTENSION pg_buffercache WITH SCHEMA oldext VERSION '1.2';
CREATE VIEW oldext.buffers AS SELECT count(*) AS n FROM oldext.pg_buffercache;
-- a view dropped from its extension, under a view of the user's
ALTER EXTENSION pg_buffercache DROP VIEW oldext.pg_buffercache;

-- a populated matview built on one emptied later (REFRESH ... WITH NO
-- DATA), through a view; a table made a view by an ON SELECT rule
CREATE SCHEMA mvs;
CREATE TABLE mvs.base (i int);
INSERT INTO mvs.base VALUES (1), (2);
CREATE MATERIALIZED VIEW mvs.ma AS SELECT i FROM mvs.base;
CREATE VIEW mvs.over_ma AS SELECT i * 2 AS j FROM mvs.ma;
CREATE MATERIALIZED VIEW mvs.mb AS SELECT count(*) AS n FROM mvs.over_ma;
REFRESH MATERIALIZED VIEW mvs.ma WITH NO DATA;
CREATE TABLE mvs.tv (i int);
CREATE RULE "_RETURN" AS ON SELECT TO mvs.tv DO INSTEAD SELECT 1 AS i;

-- comments on the indexes of constraints (of a partition too) and on a
-- trigger cloned onto a partition
CREATE SCHEMA cmt;
CREATE TABLE cmt.t (id int PRIMARY KEY, u int UNIQUE, r int4range, EXCLUDE USING gist (r WITH &&));
COMMENT ON INDEX cmt.t_pkey IS 'pk index';
COMMENT ON INDEX cmt.t_u_key IS 'uk index';
COMMENT ON INDEX cmt.t_r_excl IS 'excl index';
CREATE TABLE cmt.p (a int, b int, PRIMARY KEY (a)) PARTITION BY RANGE (a);
CREATE TABLE cmt.p1 PARTITION OF cmt.p FOR VALUES FROM (0) TO (10);
COMMENT ON INDEX cmt.p1_pkey IS 'partition pk index';
COMMENT ON CONSTRAINT p1_pkey ON cmt.p1 IS 'partition pk';
CREATE INDEX p_b ON cmt.p (b);
COMMENT ON INDEX cmt.p1_b_idx IS 'partition index';
COMMENT ON COLUMN cmt.p1.b IS 'partition column';
CREATE FUNCTION cmt.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER tr AFTER INSERT ON cmt.p FOR EACH ROW EXECUTE FUNCTION cmt.tf();
COMMENT ON TRIGGER tr ON cmt.p1 IS 'cloned trigger';
ALTER INDEX cmt.p1_b_idx SET (fillfactor = 50);
ALTER TABLE cmt.p1 ALTER COLUMN b SET STATISTICS 10;
CREATE STATISTICS cmt.p_st ON a, b FROM cmt.p;

-- privileges whose array does not start with the items a new object has:
-- the owner's revoked and granted again, a default privilege that took
-- the owner's away and a grant that gave them back
CREATE SCHEMA aclord;
GRANT USAGE, CREATE ON SCHEMA aclord TO "Dbk Corner Ünï";
CREATE TABLE aclord.t (a int);
REVOKE ALL ON aclord.t FROM CURRENT_USER;
GRANT SELECT ON aclord.t TO PUBLIC;
GRANT UPDATE ON aclord.t TO CURRENT_USER;
CREATE FUNCTION aclord.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
REVOKE ALL ON FUNCTION aclord.f() FROM PUBLIC, CURRENT_USER;
GRANT EXECUTE ON FUNCTION aclord.f() TO "dbk=c,o/r""n";
GRANT EXECUTE ON FUNCTION aclord.f() TO CURRENT_USER;
ALTER DEFAULT PRIVILEGES FOR ROLE "Dbk Corner Ünï" REVOKE ALL ON TABLES FROM "Dbk Corner Ünï";
ALTER DEFAULT PRIVILEGES FOR ROLE "Dbk Corner Ünï" GRANT INSERT ON TABLES TO PUBLIC;
SET ROLE "Dbk Corner Ünï";
CREATE TABLE aclord.mine (a int);
RESET ROLE;
GRANT ALL ON aclord.mine TO "Dbk Corner Ünï";
ALTER DEFAULT PRIVILEGES FOR ROLE "Dbk Corner Ünï" GRANT ALL ON TABLES TO "Dbk Corner Ünï";
ALTER DEFAULT PRIVILEGES FOR ROLE "Dbk Corner Ünï" REVOKE INSERT ON TABLES FROM PUBLIC;

-- an identity on a typed table's column (which CREATE TABLE ... OF
-- cannot declare) and on an inheritance child's inherited column
CREATE SCHEMA typed;
CREATE TYPE typed.ty AS (a int, b text);
CREATE TABLE typed.t OF typed.ty (b WITH OPTIONS DEFAULT 'b');
ALTER TABLE typed.t ALTER COLUMN a SET NOT NULL;
ALTER TABLE typed.t ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5);
INSERT INTO typed.t DEFAULT VALUES;
CREATE TABLE typed.par (a int NOT NULL, b text);
CREATE TABLE typed.chi () INHERITS (typed.par);
ALTER TABLE typed.chi ALTER COLUMN a ADD GENERATED BY DEFAULT AS IDENTITY;
INSERT INTO typed.chi (b) VALUES ('x');

-- identity sequences made UNLOGGED or LOGGED apart from their table
CREATE TABLE typed.logged_t (id int GENERATED ALWAYS AS IDENTITY);
ALTER SEQUENCE typed.logged_t_id_seq SET UNLOGGED;
CREATE UNLOGGED TABLE typed.unlogged_t (id int GENERATED BY DEFAULT AS IDENTITY);
ALTER SEQUENCE typed.unlogged_t_id_seq SET LOGGED;
-- an identity sequence of another type than its column
CREATE TABLE typed.narrow (id bigint GENERATED ALWAYS AS IDENTITY);
ALTER SEQUENCE typed.narrow_id_seq AS integer;
CREATE UNLOGGED TABLE typed.narrow_u (id smallint GENERATED BY DEFAULT AS IDENTITY);
ALTER SEQUENCE typed.narrow_u_id_seq AS bigint;
ALTER SEQUENCE typed.narrow_u_id_seq SET LOGGED;

-- comments on what another object makes: the _RETURN rules of a view and
-- a matview, a table's row type, array and multirange types, a foreign
-- key cloned onto a partition
CREATE SCHEMA made;
CREATE TABLE made.t (id int PRIMARY KEY);
CREATE VIEW made.v AS SELECT * FROM made.t;
COMMENT ON RULE "_RETURN" ON made.v IS 'the view''s rule';
CREATE MATERIALIZED VIEW made.mv AS SELECT 1 AS a;
COMMENT ON RULE "_RETURN" ON made.mv IS 'the matview''s rule';
COMMENT ON TYPE made.t IS 'row type';
CREATE TYPE made.r AS RANGE (subtype = int8, multirange_type_name = made."R multi");
COMMENT ON TYPE made."R multi" IS 'multirange';
COMMENT ON TYPE made._r IS 'array';
CREATE TABLE made.fk (a int REFERENCES made.t) PARTITION BY RANGE (a);
CREATE TABLE made.fk1 PARTITION OF made.fk FOR VALUES FROM (0) TO (10);
CREATE TABLE made.fk2 PARTITION OF made.fk FOR VALUES FROM (10) TO (20) PARTITION BY RANGE (a);
CREATE TABLE made.fk21 PARTITION OF made.fk2 FOR VALUES FROM (10) TO (15);
COMMENT ON CONSTRAINT fk_a_fkey ON made.fk1 IS 'cloned foreign key';
COMMENT ON CONSTRAINT fk_a_fkey ON made.fk21 IS 'cloned twice';

-- a matview's columns with a statistics target, options, storage and
-- compression of their own
CREATE MATERIALIZED VIEW made.mvcols AS SELECT id, id::text AS t FROM made.t;
ALTER MATERIALIZED VIEW made.mvcols ALTER COLUMN id SET STATISTICS 42;
ALTER MATERIALIZED VIEW made.mvcols ALTER COLUMN id SET (n_distinct = 5);
ALTER MATERIALIZED VIEW made.mvcols ALTER COLUMN t SET STORAGE MAIN;
ALTER MATERIALIZED VIEW made.mvcols ALTER COLUMN t SET COMPRESSION lz4;
