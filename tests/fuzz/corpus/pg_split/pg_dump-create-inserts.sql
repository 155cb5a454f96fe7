--
-- PostgreSQL database dump
--

\restrict soGDzxcspmK6w28w7TaAvQoEUvejQjfeYgJj79ScWmynktk4cO6SrAEaZg92g6l

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

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

--
-- Name: fz; Type: DATABASE; Schema: -; Owner: postgres
--

CREATE DATABASE fz WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C.UTF-8';


ALTER DATABASE fz OWNER TO postgres;

\unrestrict soGDzxcspmK6w28w7TaAvQoEUvejQjfeYgJj79ScWmynktk4cO6SrAEaZg92g6l
\connect fz
\restrict soGDzxcspmK6w28w7TaAvQoEUvejQjfeYgJj79ScWmynktk4cO6SrAEaZg92g6l

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

--
-- Name: f(integer); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.f(x integer) RETURNS integer
    LANGUAGE plpgsql
    AS $$ BEGIN RETURN x + 1; /* ; */ END $$;


ALTER FUNCTION public.f(x integer) OWNER TO postgres;

--
-- Name: g(integer); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.g(a integer) RETURNS integer
    LANGUAGE sql
    BEGIN ATOMIC
 SELECT (a * 2);
 SELECT (a + 1);
END;


ALTER FUNCTION public.g(a integer) OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: Odd "Name"; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."Odd ""Name""" (
    "x;y" integer
);


ALTER TABLE public."Odd ""Name""" OWNER TO postgres;

--
-- Name: t1; Type: TABLE; Schema: public; Owner: fuzz_r
--

CREATE TABLE public.t1 (
    id integer NOT NULL,
    s text,
    j jsonb,
    b bytea
);


ALTER TABLE public.t1 OWNER TO fuzz_r;

--
-- Name: TABLE t1; Type: COMMENT; Schema: public; Owner: fuzz_r
--

COMMENT ON TABLE public.t1 IS 'a "comment"; with ''quotes''';


--
-- Name: v; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.v AS
 SELECT 'it''s; fine'::text AS q,
    'dollar;'::text AS d;


ALTER TABLE public.v OWNER TO postgres;

--
-- Data for Name: Odd "Name"; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public."Odd ""Name""" VALUES (7);


--
-- Data for Name: t1; Type: TABLE DATA; Schema: public; Owner: fuzz_r
--

INSERT INTO public.t1 VALUES (1, 'tab	here
newline \ back', '{"a": [1, 2]}', '\x00ff');
INSERT INTO public.t1 VALUES (2, NULL, NULL, NULL);
INSERT INTO public.t1 VALUES (3, '\.', 'null', '\x5c2e');


--
-- Name: t1 t1_pkey; Type: CONSTRAINT; Schema: public; Owner: fuzz_r
--

ALTER TABLE ONLY public.t1
    ADD CONSTRAINT t1_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict soGDzxcspmK6w28w7TaAvQoEUvejQjfeYgJj79ScWmynktk4cO6SrAEaZg92g6l

