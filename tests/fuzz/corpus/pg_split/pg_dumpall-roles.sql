--
-- PostgreSQL database cluster dump
--

\restrict RtcPgoF9WEpkAl2BHLkTZxXugPqfXINLwB7QBnYDRMWLjST0opEgsthfmVNZ5L2

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

--
-- Roles
--

CREATE ROLE fuzz_r;
ALTER ROLE fuzz_r WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
CREATE ROLE postgres;
ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:hvWF6yQHEPIwynmj3HjXNw==$RGw50kwpynT2gftpoUldg7rapoCZ2hXztNb0DQc40n4=:jS9LLZZDWxNi2AF4+LVrkxJZKxwWsSsEqzHdFum82N4=';

--
-- User Configurations
--






\unrestrict RtcPgoF9WEpkAl2BHLkTZxXugPqfXINLwB7QBnYDRMWLjST0opEgsthfmVNZ5L2

--
-- PostgreSQL database cluster dump complete
--

