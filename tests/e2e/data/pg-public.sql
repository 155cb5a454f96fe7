-- pg-public.sql: a database whose public schema was dropped and made again
-- (DROP SCHEMA public CASCADE; CREATE SCHEMA public: a common way to empty
-- a database), owned by another role, with its own privileges and an
-- extension in it, for the PostgreSQL dump/restore round trip
-- (PostgreSQL 15+).  Load it as a superuser into an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-public.sql
-- (t0250 also restores a database with no public schema at all.)

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_pub_owner') THEN
        CREATE ROLE dbk_pub_owner NOLOGIN;
    END IF;
END
$$;

DROP SCHEMA public CASCADE;
CREATE SCHEMA public AUTHORIZATION dbk_pub_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'made again';
CREATE EXTENSION citext WITH SCHEMA public;
CREATE TABLE public.t (id integer PRIMARY KEY, name public.citext);
INSERT INTO public.t VALUES (1, 'One'), (2, 'two');
