-- pg-kinds.sql: the rarer kinds of catalog objects, for the PostgreSQL
-- dump/restore round trip (PostgreSQL 15+).  Load it as a superuser into
-- an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-kinds.sql
-- Functions written in C cannot be made here, so the support functions of
-- these objects are LANGUAGE internal functions over the server's own C
-- entry points (as pg_dump's own tests do), or existing catalog functions.

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_kinds_owner') THEN
        CREATE ROLE dbk_kinds_owner NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA kinds;

-- operator families and classes: a btree class over an existing type with
-- its own comparison operators and support function, a family with loose
-- (cross-type) members added later, a hash class, a GiST class with
-- STORAGE, and an index using them
CREATE FUNCTION kinds.abs_lt(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN abs($1) < abs($2);
CREATE FUNCTION kinds.abs_le(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN abs($1) <= abs($2);
CREATE FUNCTION kinds.abs_eq(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN abs($1) = abs($2);
CREATE FUNCTION kinds.abs_ge(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN abs($1) >= abs($2);
CREATE FUNCTION kinds.abs_gt(integer, integer) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN abs($1) > abs($2);
CREATE FUNCTION kinds.abs_cmp(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT RETURN btint4cmp(abs($1), abs($2));
CREATE FUNCTION kinds.abs_hash(integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT RETURN hashint4(abs($1));
CREATE OPERATOR kinds.<<< (LEFTARG = integer, RIGHTARG = integer, FUNCTION = kinds.abs_lt);
CREATE OPERATOR kinds.<<= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = kinds.abs_le);
CREATE OPERATOR kinds.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = kinds.abs_eq, COMMUTATOR = OPERATOR(kinds.===), HASHES, MERGES);
CREATE OPERATOR kinds.>>= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = kinds.abs_ge);
CREATE OPERATOR kinds.>>> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = kinds.abs_gt);
CREATE OPERATOR FAMILY kinds.abs_family USING btree;
CREATE OPERATOR CLASS kinds.abs_ops FOR TYPE integer USING btree FAMILY kinds.abs_family AS
    OPERATOR 1 kinds.<<<, OPERATOR 2 kinds.<<=, OPERATOR 3 kinds.===,
    OPERATOR 4 kinds.>>=, OPERATOR 5 kinds.>>>, FUNCTION 1 kinds.abs_cmp(integer, integer);
CREATE FUNCTION kinds.abs_cmp84(bigint, integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT RETURN btint84cmp(abs($1), abs($2));
CREATE FUNCTION kinds.abs_lt84(bigint, integer) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT RETURN abs($1) < abs($2);
CREATE OPERATOR kinds.<<< (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = kinds.abs_lt84);
ALTER OPERATOR FAMILY kinds.abs_family USING btree ADD
    OPERATOR 1 kinds.<<< (bigint, integer), FUNCTION 1 (bigint, integer) kinds.abs_cmp84(bigint, integer);
-- (no FAMILY: an implicit family of the same name)
CREATE OPERATOR CLASS kinds.abs_hash_ops FOR TYPE integer USING hash AS
    OPERATOR 1 kinds.===, FUNCTION 1 kinds.abs_hash(integer);
-- GiST with STORAGE, over the built-in box support functions
CREATE OPERATOR CLASS kinds.my_box_ops FOR TYPE box USING gist AS
    STORAGE box,
    OPERATOR 3 pg_catalog.&& (box, box), OPERATOR 7 pg_catalog.@> (box, box),
    OPERATOR 15 pg_catalog.<-> (box, point) FOR ORDER BY pg_catalog.float_ops,
    FUNCTION 1 pg_catalog.gist_box_consistent(internal, box, smallint, oid, internal),
    FUNCTION 2 pg_catalog.gist_box_union(internal, internal),
    FUNCTION 5 pg_catalog.gist_box_penalty(internal, internal, internal),
    FUNCTION 6 pg_catalog.gist_box_picksplit(internal, internal),
    FUNCTION 7 pg_catalog.gist_box_same(box, box, internal),
    FUNCTION 8 pg_catalog.gist_box_distance(internal, box, smallint, oid, internal);
ALTER OPERATOR FAMILY kinds.abs_family USING btree OWNER TO dbk_kinds_owner;
COMMENT ON OPERATOR CLASS kinds.abs_ops USING btree IS 'absolute order';
COMMENT ON OPERATOR FAMILY kinds.abs_family USING btree IS 'absolute family';
CREATE TABLE kinds.nums (n integer, b box);
INSERT INTO kinds.nums VALUES (-3, '((0,0),(1,1))'), (2, '((2,2),(3,3))'), (1, NULL);
CREATE INDEX nums_abs ON kinds.nums (n kinds.abs_ops);
CREATE INDEX nums_abs_hash ON kinds.nums USING hash (n kinds.abs_hash_ops);
CREATE INDEX nums_box ON kinds.nums USING gist (b kinds.my_box_ops);
ALTER TABLE kinds.nums ADD CONSTRAINT nums_abs_excl EXCLUDE USING btree (n kinds.abs_ops WITH kinds.===);

-- conversions over existing conversion functions
CREATE CONVERSION kinds.my_latin1 FOR 'LATIN1' TO 'UTF8' FROM pg_catalog.iso8859_1_to_utf8;
CREATE DEFAULT CONVERSION kinds.my_utf8_latin1 FOR 'UTF8' TO 'LATIN1' FROM pg_catalog.utf8_to_iso8859_1;
COMMENT ON CONVERSION kinds.my_latin1 IS 'a conversion';
ALTER CONVERSION kinds.my_latin1 OWNER TO dbk_kinds_owner;

-- access methods: a table AM on the heap handler, an index AM on btree's,
-- and a table using the table AM, an operator class of the index AM
CREATE ACCESS METHOD my_heap TYPE TABLE HANDLER heap_tableam_handler;
CREATE ACCESS METHOD my_gist TYPE INDEX HANDLER gisthandler;
COMMENT ON ACCESS METHOD my_heap IS 'heap under another name';
CREATE OPERATOR CLASS kinds.box_my_gist DEFAULT FOR TYPE box USING my_gist AS
    OPERATOR 3 pg_catalog.&& (box, box),
    FUNCTION 1 pg_catalog.gist_box_consistent(internal, box, smallint, oid, internal),
    FUNCTION 2 pg_catalog.gist_box_union(internal, internal),
    FUNCTION 5 pg_catalog.gist_box_penalty(internal, internal, internal),
    FUNCTION 6 pg_catalog.gist_box_picksplit(internal, internal),
    FUNCTION 7 pg_catalog.gist_box_same(box, box, internal);
CREATE TABLE kinds.on_my_heap (a integer, t text, b box) USING my_heap;
INSERT INTO kinds.on_my_heap VALUES (1, 'one', '((1,1),(2,2))'), (2, 'two', NULL);
CREATE INDEX on_my_heap_b ON kinds.on_my_heap USING my_gist (b);
CREATE MATERIALIZED VIEW kinds.mv_my_heap USING my_heap AS SELECT a FROM kinds.on_my_heap;

-- a procedural language that no extension made, on plpgsql's C handlers,
-- with a function written in it, a comment, an owner and privileges
CREATE FUNCTION kinds.my_handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE FUNCTION kinds.my_inline(internal) RETURNS void LANGUAGE c STRICT AS '$libdir/plpgsql', 'plpgsql_inline_handler';
CREATE FUNCTION kinds.my_validator(oid) RETURNS void LANGUAGE c STRICT AS '$libdir/plpgsql', 'plpgsql_validator';
CREATE TRUSTED LANGUAGE "My PL" HANDLER kinds.my_handler INLINE kinds.my_inline VALIDATOR kinds.my_validator;
CREATE LANGUAGE untrusted_pl HANDLER kinds.my_handler;
COMMENT ON LANGUAGE "My PL" IS 'plpgsql again';
ALTER LANGUAGE "My PL" OWNER TO dbk_kinds_owner;
REVOKE USAGE ON LANGUAGE "My PL" FROM PUBLIC;
GRANT USAGE ON LANGUAGE "My PL" TO dbk_kinds_owner;
CREATE FUNCTION kinds.in_my_pl(i integer) RETURNS integer LANGUAGE "My PL" AS $$ BEGIN RETURN i + 1; END $$;
CREATE TABLE kinds.uses_pl (i integer DEFAULT kinds.in_my_pl(41));
INSERT INTO kinds.uses_pl DEFAULT VALUES;
-- plpgsql is an extension member: privileges changed on it still count
REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC;
GRANT USAGE ON LANGUAGE plpgsql TO dbk_kinds_owner;

-- a transform (functions of the right shapes over built-in entry points)
CREATE FUNCTION kinds.int_from_sql(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE FUNCTION kinds.int_to_sql(internal) RETURNS integer LANGUAGE internal IMMUTABLE STRICT AS 'int4recv';
CREATE TRANSFORM FOR integer LANGUAGE "My PL" (FROM SQL WITH FUNCTION kinds.int_from_sql(internal), TO SQL WITH FUNCTION kinds.int_to_sql(internal));
COMMENT ON TRANSFORM FOR integer LANGUAGE "My PL" IS 'a transform';

-- text search parser and template over the built-in C functions, and a
-- dictionary and configuration on them
CREATE TEXT SEARCH PARSER kinds.my_parser (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype, HEADLINE = prsd_headline);
CREATE TEXT SEARCH PARSER kinds.no_headline (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);
CREATE TEXT SEARCH TEMPLATE kinds.my_template (INIT = dsimple_init, LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH TEMPLATE kinds.lexize_only (LEXIZE = dsimple_lexize);
COMMENT ON TEXT SEARCH PARSER kinds.my_parser IS 'the default parser again';
COMMENT ON TEXT SEARCH TEMPLATE kinds.my_template IS 'simple again';
CREATE TEXT SEARCH DICTIONARY kinds.my_dict (TEMPLATE = kinds.my_template, STOPWORDS = english);
CREATE TEXT SEARCH CONFIGURATION kinds.my_cfg (PARSER = kinds.my_parser);
ALTER TEXT SEARCH CONFIGURATION kinds.my_cfg ADD MAPPING FOR asciiword, word WITH kinds.my_dict;
CREATE TABLE kinds.docs (body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('kinds.my_cfg', body)) STORED);
INSERT INTO kinds.docs (body) VALUES ('The quick brown fox');

-- a subscription that never connected (dumped as pg_dump does: connect =
-- false, so disabled, slot name kept)
CREATE SUBSCRIPTION dbk_sub CONNECTION 'host=publisher.invalid dbname=src user=repl' PUBLICATION pub_a, "Pub B"
    WITH (connect = false, slot_name = 'dbk_slot', binary = true, streaming = on, synchronous_commit = 'local');
CREATE SUBSCRIPTION dbk_sub_noslot CONNECTION 'dbname=x' PUBLICATION p WITH (connect = false, slot_name = NONE, enabled = false);
COMMENT ON SUBSCRIPTION dbk_sub IS 'never connected';

-- base types over built-in I/O entry points: a fixed-length by-value one
-- with a default, a variable-length collatable one with binary I/O and a
-- category; a shell type never defined; a range type with a canonical
-- function (which takes the range type: shell first, as for base types)
CREATE TYPE kinds.int42;
CREATE FUNCTION kinds.int42_in(cstring) RETURNS kinds.int42 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION kinds.int42_out(kinds.int42) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE kinds.int42 (INTERNALLENGTH = 4, INPUT = kinds.int42_in, OUTPUT = kinds.int42_out,
    ALIGNMENT = int4, DEFAULT = '42', PASSEDBYVALUE);
CREATE TYPE kinds."Text Like";
CREATE FUNCTION kinds.tl_in(cstring) RETURNS kinds."Text Like" LANGUAGE internal IMMUTABLE STRICT AS 'textin';
CREATE FUNCTION kinds.tl_out(kinds."Text Like") RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'textout';
CREATE FUNCTION kinds.tl_recv(internal) RETURNS kinds."Text Like" LANGUAGE internal IMMUTABLE STRICT AS 'textrecv';
CREATE FUNCTION kinds.tl_send(kinds."Text Like") RETURNS bytea LANGUAGE internal IMMUTABLE STRICT AS 'textsend';
CREATE TYPE kinds."Text Like" (INTERNALLENGTH = VARIABLE, INPUT = kinds.tl_in, OUTPUT = kinds.tl_out,
    RECEIVE = kinds.tl_recv, SEND = kinds.tl_send, CATEGORY = 'S', COLLATABLE = true, STORAGE = extended, DELIMITER = ';');
CREATE CAST (kinds."Text Like" AS text) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (kinds.int42 AS integer) WITHOUT FUNCTION;
COMMENT ON TYPE kinds.int42 IS 'a base type';
ALTER TYPE kinds.int42 OWNER TO dbk_kinds_owner;
REVOKE USAGE ON TYPE kinds."Text Like" FROM PUBLIC;
CREATE TYPE kinds.never_defined;
CREATE TYPE kinds.myint4range;
CREATE FUNCTION kinds.myint4range_canon(kinds.myint4range) RETURNS kinds.myint4range LANGUAGE internal IMMUTABLE STRICT AS 'int4range_canonical';
CREATE TYPE kinds.myint4range AS RANGE (subtype = integer, canonical = kinds.myint4range_canon, subtype_diff = int4range_subdiff);
CREATE TABLE kinds.base_values (a kinds.int42, b kinds."Text Like" COLLATE "C", c kinds.int42[], r kinds.myint4range, m kinds.myint4multirange);
INSERT INTO kinds.base_values VALUES ('7', 'seven', '{1,2}', '[1,5]', '{[1,2], [7,9)}'), (DEFAULT, NULL, NULL, 'empty', '{}');
CREATE INDEX base_values_r ON kinds.base_values USING gist (r);
