CREATE FUNCTION f() RETURNS text AS $a$ SELECT $b$ ; $a$ ; $b$ $a$ LANGUAGE sql;
DO $$ BEGIN PERFORM $1; RAISE NOTICE 'x$$'; END $$;
SELECT a$b$c, $1, $, $$$$, $_$x$_$;
CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;
/* outer /* nested ; */ still ; */ SELECT 1;
-- comment ; 'quote
\connect - other
\set ON_ERROR_STOP on
CREATE DATABASE "My DB" WITH TEMPLATE = template0;
ALTER DATABASE "My DB" OWNER TO someone;
COMMENT ON DATABASE "My DB" IS 'x';
GRANT ALL ON DATABASE "My DB" TO PUBLIC;
SELECT (1; 2);
