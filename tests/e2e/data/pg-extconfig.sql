-- pg-extconfig.sql: rows users put in extension configuration tables
-- (pg_extension_config_dump), for the PostgreSQL dump/restore round trip.
-- Needs the test extension dbk_cfgtest, which t0250-pg-objects.sh installs
-- into the server's extension folder before loading this file:
--   dbk_settings  config table with a condition (WHERE NOT standard): the
--                 standard rows come from CREATE EXTENSION, the others
--                 from the dump
--   dbk_log       config table with a serial (a config sequence too) and a
--                 generated column
--   dbk_note      config table referencing dbk_log (its rows must follow)
--   dbk_ticket    a standalone config sequence
--   dbk_plain     an extension table that is not a config table (no rows
--                 dumped)
SET client_min_messages = warning;
CREATE SCHEMA cfg;
CREATE EXTENSION dbk_cfgtest WITH SCHEMA cfg;
INSERT INTO cfg.dbk_settings VALUES ('user key', E'tab\there', false), ('other', NULL, false);
INSERT INTO cfg.dbk_log (msg) VALUES ('first'), ('second'), (NULL);
INSERT INTO cfg.dbk_note VALUES (3, 'on the third'), (1, 'on the first');
SELECT nextval('cfg.dbk_ticket'), nextval('cfg.dbk_ticket');
-- a user table referencing a config table, and using the extension's function
CREATE TABLE public.uses_cfg (k text REFERENCES cfg.dbk_settings, greeting text DEFAULT cfg.dbk_hello());
INSERT INTO public.uses_cfg (k) VALUES ('version'), ('user key');
