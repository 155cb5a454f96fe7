-- dbkeep PostgreSQL dump
-- dbkeep:database {"name":"fz","encoding":"UTF8","locale_provider":"libc","lc_collate":"C.UTF-8","lc_ctype":"C.UTF-8","icu_locale":null,"icu_rules":null,"collation_version":null,"owner":"postgres","connection_limit":-1,"is_template":false,"allow_connections":true,"server_version":150018}
--
-- server version 15.18 (Debian 15.18-0+deb12u1)
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;
SET default_tablespace = '';
SET default_table_access_method = heap;

-- dbkeep:section pre-data

DO $dbk$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'fuzz_r') THEN
        CREATE ROLE "fuzz_r" NOLOGIN;
        RAISE NOTICE 'dbkeep: created missing role % (NOLOGIN, no password)', 'fuzz_r';
    END IF;
END
$dbk$;
DO $dbk$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'postgres') THEN
        CREATE ROLE "postgres" NOLOGIN;
        RAISE NOTICE 'dbkeep: created missing role % (NOLOGIN, no password)', 'postgres';
    END IF;
END
$dbk$;

ALTER SCHEMA public OWNER TO pg_database_owner;
COMMENT ON SCHEMA public IS 'standard public schema';

CREATE OR REPLACE FUNCTION public.f(x integer)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$ BEGIN RETURN x + 1; /* ; */ END $function$
;
ALTER FUNCTION public.f(x integer) OWNER TO postgres;

CREATE OR REPLACE FUNCTION public.g(a integer)
 RETURNS integer
 LANGUAGE sql
BEGIN ATOMIC
 SELECT (a * 2);
 SELECT (a + 1);
END
;
ALTER FUNCTION public.g(a integer) OWNER TO postgres;

CREATE TABLE public."Odd ""Name""" (
    "x;y" integer
);
ALTER TABLE public."Odd ""Name""" OWNER TO postgres;

CREATE TABLE public.t1 (
    id integer NOT NULL,
    s text,
    j jsonb,
    b bytea
);
ALTER TABLE public.t1 OWNER TO fuzz_r;
COMMENT ON TABLE public.t1 IS 'a "comment"; with ''quotes''';

CREATE VIEW public.v AS
 SELECT 'it''s; fine'::text AS q,
    'dollar;'::text AS d;
ALTER VIEW public.v OWNER TO postgres;

-- dbkeep:section data

-- dbkeep:data "public"."Odd ""Name"""
COPY public."Odd ""Name""" ("x;y") FROM stdin;
7
\.

-- dbkeep:data "public"."t1"
COPY public.t1 (id, s, j, b) FROM stdin;
1	tab\there\nnewline \\ back	{"a": [1, 2]}	\\x00ff
2	\N	\N	\N
3	\\.	null	\\x5c2e
\.

-- dbkeep:section post-data

ALTER TABLE ONLY public.t1 ADD CONSTRAINT t1_pkey PRIMARY KEY (id);

-- database-level properties (of the database loaded into)
DO $dbk$
BEGIN
    EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), 'postgres');
    EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), NULL);
END
$dbk$;

-- dbkeep:end
