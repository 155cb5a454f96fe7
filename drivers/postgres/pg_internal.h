/*
 * pg_internal.h - shared between the files of the PostgreSQL driver only.
 *
 * Files:
 *   pg_driver.c  the vtable dbk_driver_postgres (the only exported symbol of
 *                the driver), connect/disconnect/exists/count_tables, sniff
 *   pg_dump*.c   the native plain-SQL dumper (pg_dump_run)
 *   pg_exec.c    the streaming SQL executor (statement splitter, COPY FROM stdin)
 *   pg_restore.c load_scratch / swap / discard / cleanup / check_copy
 *
 * The dump format (what pg_dump_run writes and pg_restore.c reads).  It is
 * plain SQL that `psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f dump.sql` loads
 * without error; every dbkeep-specific line is an SQL comment:
 *
 *   -- dbkeep PostgreSQL dump                         (line 1, used by sniff)
 *   -- dbkeep:database {"encoding":"UTF8","locale_provider":"libc",
 *        "lc_collate":"...","lc_ctype":"...","icu_locale":null,...}
 *                                                     (one line of JSON: what
 *                                                     CREATE DATABASE needs)
 *   -- dbkeep:section pre-data
 *   ... roles (created only when missing, NOLOGIN, with a NOTICE), schemas,
 *       extensions, types, functions, tables, views ... in dependency order
 *   -- dbkeep:section data
 *   -- dbkeep:data "schema"."table"                   (before each COPY block)
 *   COPY "schema"."table" (cols) FROM stdin;
 *   ...rows in COPY text format...
 *   \.
 *   -- dbkeep:section post-data
 *   ... indexes, constraints, triggers, rules, policies, sequence values,
 *       matview refresh, comments, grants, database-level properties
 *       (through DO blocks on current_database(), since the restore loads
 *       into a database of another name) ...
 *   -- dbkeep:end                                     (last line: a dump
 *                                                     without it is truncated)
 */
#ifndef DBKEEP_PG_INTERNAL_H
#define DBKEEP_PG_INTERNAL_H

#include <libpq-fe.h>

#include "dbkeep/driver.h"

#define PG_DUMP_MAGIC "-- dbkeep PostgreSQL dump"
#define PG_DUMP_END "-- dbkeep:end"

struct pg_conn {
	struct dbk_conn base; /* first: the core sees only this */
	PGconn *pg;
	int server_version;   /* PQserverVersion, e.g. 150018 */
	char *dbname;         /* the database actually connected to */
};

/* Connects with the target's parameters to database dbname (NULL: the
 * target's own).  Used by pg_driver.c and pg_restore.c. */
int pg_connect_db(const struct dbk_target *t, const char *dbname, struct pg_conn **out);
void pg_conn_free(struct pg_conn *c);

/* The dumper: writes the whole dump of c's database into w (pg_dump*.c). */
int pg_dump_run(struct pg_conn *c, const struct dbk_dump_opts *opts, struct dbk_writer *w,
		struct dbk_dump_info *info);

#endif
