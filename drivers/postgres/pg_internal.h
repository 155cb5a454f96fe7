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
 *       comments, grants, matview refresh, database-level properties
 *       (through DO blocks on current_database(), since the restore loads
 *       into a database of another name) ...
 *   -- dbkeep:end                                     (last line: a dump
 *                                                     without it is truncated)
 *
 * How the restore reads it (pg_exec.c): statements are split as psql does;
 * CREATE DATABASE and DROP DATABASE are never run; under --no-owner it skips
 * ALTER ... OWNER TO, CREATE/ALTER/DROP ROLE and any DO block whose body
 * holds the words CREATE ROLE or OWNER TO; under --no-privileges GRANT,
 * REVOKE, ALTER DEFAULT PRIVILEGES and any DO block whose body holds GRANT
 * or REVOKE.  So the dumper keeps role creation, ownership and privileges
 * each in DO blocks of their own, apart from anything else (a database
 * comment or setting must not share a DO block with the database's owner).
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
	/* A scratch database's rows as the COPY commands that loaded it counted
	 * them (pg_load_scratch; see pg_exec_result), which count_tables takes
	 * instead of scanning those tables again; empty otherwise. */
	struct dbk_tables copied;
};

/* Connects with the target's parameters to database dbname (NULL: the
 * target's own).  Used by pg_driver.c and pg_restore.c. */
int pg_connect_db(const struct dbk_target *t, const char *dbname, struct pg_conn **out);
void pg_conn_free(struct pg_conn *c);

/* The name of the database a target means (dbname when not NULL, else the
 * dbname of a URI/conninfo in t->db, else t->db, else PGDATABASE); *out is
 * malloc()ed, owned by the caller.  Needs no connection (pg_driver.c). */
int pg_target_dbname(const struct dbk_target *t, const char *dbname, char **out);

/* Connects to the target's server on its maintenance database: "postgres",
 * or "template1" when that fails or when avoid (a database about to be
 * renamed or dropped; may be NULL) is "postgres" (pg_driver.c). */
int pg_connect_maint(const struct dbk_target *t, const char *avoid, struct pg_conn **out);

/* Sets *exists to whether database name exists, asking on maint. */
int pg_db_exists(struct pg_conn *maint, const char *name, int *exists);

/* The catalog query behind both count_tables and the dumper's info->tables,
 * so that the two always name the same set of tables (the core compares
 * them after a restore).  One row per table that holds rows: relkind 'r'
 * (ordinary tables and partitions; not partitioned parents, which hold no
 * rows of their own, nor views, matviews or foreign tables), outside
 * pg_catalog, information_schema, pg_toast and temporary schemas, not a
 * temporary table, not owned by an extension.  Columns: oid, nspname,
 * relname, relkind; ordered by nspname, relname (bytewise).  Names go into
 * struct dbk_tables as "schema.table", unquoted (pg_driver.c). */
const char *pg_list_tables_sql(void);

/* Restore (pg_restore.c): the vtable members of the same names. */
int pg_load_scratch(const struct dbk_target *t, struct dbk_reader *r,
		    const struct dbk_restore_opts *opts, struct dbk_conn **scratch);
int pg_swap(struct dbk_conn *scratch, const struct dbk_target *t,
	    const struct dbk_restore_opts *opts);
void pg_discard(struct dbk_conn *scratch);
int pg_check_copy(struct dbk_reader *r, const char *scratch_dir, struct dbk_strbuf *result);

/* The dumper: writes the whole dump of c's database into w (pg_dump*.c). */
int pg_dump_run(struct pg_conn *c, const struct dbk_dump_opts *opts, struct dbk_writer *w,
		struct dbk_dump_info *info);

#endif
