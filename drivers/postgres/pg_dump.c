/*
 * pg_dump.c - the native plain-SQL dumper of the PostgreSQL driver.
 *
 * pg_dump_run() writes the dump format described in pg_internal.h from one
 * REPEATABLE READ, READ ONLY transaction: every catalog query, COPY, large
 * object and sequence read sees the same snapshot.  The session settings
 * are fixed first (search_path '' makes the server's deparsers qualify every
 * name they print), then every table to be dumped is locked in ACCESS SHARE
 * mode so that no DDL can change it before its rows are copied.
 *
 * Sections: pre-data (roles, then the objects in dependency order), data
 * (one COPY block per table), post-data (large objects, indexes,
 * constraints, triggers, rules, policies, sequence values, privileges,
 * REFRESH of matviews, database-level properties).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "pg_dump_internal.h"

/* Tables locked per LOCK TABLE statement. */
#define PGD_LOCK_BATCH 200

static const char *pgd_dbname(const struct pgd_dump *d)
{
	return d->dbname ? d->dbname : "?";
}

/* The server's message without its trailing newline, in a static buffer
 * copy held by the error path (dbk_seterr copies it). */
static int pgd_fail(struct pgd_dump *d, const char *what, const char *msg)
{
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	return dbk_seterr(DBK_EDB, "could not dump database '%s': %s: %.*s", pgd_dbname(d), what,
			  (int)n, msg);
}

PGresult *pgd_query(struct pgd_dump *d, const char *sql)
{
	PGresult *r = PQexec(d->pg, sql);
	if (!r) {
		pgd_fail(d, "query failed", PQerrorMessage(d->pg));
		return NULL;
	}
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		pgd_fail(d, "catalog query failed", PQresultErrorMessage(r));
		dbk_verbose("failed query: %s", sql);
		PQclear(r);
		return NULL;
	}
	return r;
}

int pgd_command(struct pgd_dump *d, const char *sql)
{
	PGresult *r = PQexec(d->pg, sql);
	int rc = 0;
	if (!r)
		return pgd_fail(d, "command failed", PQerrorMessage(d->pg));
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pgd_fail(d, "command failed", PQresultErrorMessage(r));
	PQclear(r);
	return rc;
}

int pgd_write(struct pgd_dump *d, const char *s)
{
	return dbk_write(d->w, s, strlen(s));
}

void pgd_add_literal(struct dbk_strbuf *sb, const char *s)
{
	dbk_strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			dbk_strbuf_addch(sb, '\'');
		dbk_strbuf_addch(sb, *s);
	}
	dbk_strbuf_addch(sb, '\'');
}

void pgd_add_ident(struct dbk_strbuf *sb, const char *s)
{
	dbk_strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			dbk_strbuf_addch(sb, '"');
		dbk_strbuf_addch(sb, *s);
	}
	dbk_strbuf_addch(sb, '"');
}

void pgd_add_do(struct dbk_strbuf *sb, const char *what, const char *body)
{
	struct dbk_strbuf all = DBK_STRBUF_INIT;
	dbk_strbuf_addf(&all, "\n-- dbkeep:do %s%s", what, body);
	dbk_strbuf_addstr(sb, "DO ");
	pgd_add_dollar(sb, all.buf);
	dbk_strbuf_release(&all);
}

void pgd_add_dollar(struct dbk_strbuf *sb, const char *body)
{
	char tag[32] = "$dbk$";
	for (int i = 1; strstr(body, tag); i++)
		snprintf(tag, sizeof tag, "$dbk%d$", i);
	dbk_strbuf_addf(sb, "%s%s%s", tag, body, tag);
}

static int pgd_list_has(const struct dbk_strlist *l, const char *s)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return 1;
	return 0;
}

int pgd_schema_wanted(const struct pgd_dump *d, const char *nsp)
{
	const struct dbk_strlist *l = d->opts ? d->opts->schemas : NULL;
	if (!l || l->n == 0)
		return 1;
	return pgd_list_has(l, nsp);
}

int pgd_table_wanted(const struct pgd_dump *d, const char *nsp, const char *name)
{
	const struct dbk_strlist *l = d->opts ? d->opts->exclude_tables : NULL;
	if (!pgd_schema_wanted(d, nsp))
		return 0;
	if (!l || l->n == 0)
		return 1;
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(&q, "%s.%s", nsp, name);
	int out = pgd_list_has(l, q.buf) || pgd_list_has(l, name);
	dbk_strbuf_release(&q);
	return !out;
}

/* Session settings that make the output independent of the server's and
 * the database's defaults.  No JIT: the catalog queries are estimated high
 * (correlated subqueries) and compiling them costs seconds they never win
 * back. */
static int pgd_session_setup(struct pgd_dump *d)
{
	int lock_ms = d->opts && d->opts->lock_timeout_ms > 0 ? d->opts->lock_timeout_ms : 10000;
	struct dbk_strbuf sql = DBK_STRBUF_INIT;
	const char *server_enc = PQparameterStatus(d->pg, "server_encoding");
	/* A SQL_ASCII database stores any bytes: converted to UTF8 the first
	 * catalog query or COPY meeting one that is not UTF-8 fails.  The dump
	 * takes its bytes as they are, and says so to the restore, as
	 * pg_dump does (it writes in the database's own encoding). */
	d->encoding = server_enc && strcmp(server_enc, "SQL_ASCII") == 0 ? "SQL_ASCII" : "UTF8";
	dbk_strbuf_addf(&sql,
			"SET client_encoding = '%s'; SET DateStyle = ISO; "
			"SET IntervalStyle = postgres; SET extra_float_digits = 3; "
			"SET standard_conforming_strings = on; "
			"SELECT pg_catalog.set_config('search_path', '', false); "
			"SET statement_timeout = 0; SET lock_timeout = %d; "
			"SET idle_in_transaction_session_timeout = 0; SET row_security = off; "
			"SET xmloption = content; SET quote_all_identifiers = off; "
			"SET bytea_output = hex; SET TimeZone = 'UTC'; SET jit = off",
			d->encoding, lock_ms);
	int rc = pgd_command(d, sql.buf);
	dbk_strbuf_release(&sql);
	if (rc)
		return rc;
	return pgd_command(d, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
}

/* Names the tables among `names` that another session holds a lock on
 * that conflicts with ACCESS SHARE, after a lock timeout. */
static int pgd_lock_failed(struct pgd_dump *d, const char *names, const char *msg)
{
	struct dbk_strbuf sql = DBK_STRBUF_INIT;
	struct dbk_strbuf who = DBK_STRBUF_INIT;
	int rc;
	PQclear(PQexec(d->pg, "ROLLBACK TO SAVEPOINT dbk_lock"));
	dbk_strbuf_addstr(&sql, "SELECT DISTINCT l.relation::pg_catalog.regclass::text FROM "
				"pg_catalog.pg_locks l WHERE l.granted AND l.mode = "
				"'AccessExclusiveLock' AND l.pid <> pg_catalog.pg_backend_pid() "
				"AND l.relation = ANY (");
	pgd_add_literal(&sql, names);
	dbk_strbuf_addstr(&sql, "::pg_catalog.regclass[]) ORDER BY 1");
	PGresult *r = PQexec(d->pg, sql.buf);
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
		for (int i = 0; i < PQntuples(r); i++)
			dbk_strbuf_addf(&who, "%s'%s'", i ? ", " : "", PQgetvalue(r, i, 0));
	}
	PQclear(r);
	if (who.len)
		rc = dbk_seterr(DBK_EBUSY,
				"could not dump database '%s': table %s is locked by another "
				"session (DDL in progress?) and the lock timeout expired",
				pgd_dbname(d), who.buf);
	else
		rc = pgd_fail(d, "could not lock the tables to dump", msg);
	dbk_strbuf_release(&sql);
	dbk_strbuf_release(&who);
	return rc;
}

/* Locks every table and partitioned table that will be
 * dumped, in batches, under a savepoint so a timeout can be explained. */
static int pgd_lock_tables(struct pgd_dump *d)
{
	PGresult *r = pgd_query(d, "SELECT n.nspname, c.relname, "
				   "pg_catalog.quote_ident(n.nspname) || '.' || "
				   "pg_catalog.quote_ident(c.relname) "
				   "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
				   "n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
				   "AND " PGD_USER_NSP " ORDER BY 1, 2");
	if (!r)
		return dbk_errcode();
	struct dbk_strbuf lock = DBK_STRBUF_INIT;
	struct dbk_strbuf names = DBK_STRBUF_INIT;
	int rc = 0, inbatch = 0;
	int n = PQntuples(r);
	for (int i = 0; i <= n && rc == 0; i++) {
		if (i < n && pgd_table_wanted(d, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1))) {
			dbk_strbuf_addstr(&lock, inbatch ? ", " : "LOCK TABLE ");
			dbk_strbuf_addstr(&lock, PQgetvalue(r, i, 2));
			dbk_strbuf_addstr(&names, inbatch ? "," : "{");
			/* regclass[] literal: each element double-quoted */
			dbk_strbuf_addch(&names, '"');
			for (const char *p = PQgetvalue(r, i, 2); *p; p++) {
				if (*p == '"' || *p == '\\')
					dbk_strbuf_addch(&names, '\\');
				dbk_strbuf_addch(&names, *p);
			}
			dbk_strbuf_addch(&names, '"');
			inbatch++;
		}
		if (inbatch && (inbatch == PGD_LOCK_BATCH || i == n)) {
			dbk_strbuf_addstr(&lock, " IN ACCESS SHARE MODE");
			dbk_strbuf_addch(&names, '}');
			rc = pgd_command(d, "SAVEPOINT dbk_lock");
			if (rc)
				break;
			PGresult *lr = PQexec(d->pg, lock.buf);
			if (!lr || PQresultStatus(lr) != PGRES_COMMAND_OK) {
				const char *st =
				    lr ? PQresultErrorField(lr, PG_DIAG_SQLSTATE) : NULL;
				char *msg =
				    strdup(lr ? PQresultErrorMessage(lr) : PQerrorMessage(d->pg));
				PQclear(lr);
				if (st && strcmp(st, "55P03") == 0)
					rc = pgd_lock_failed(d, names.buf, msg ? msg : "");
				else
					rc = pgd_fail(d, "could not lock the tables to dump",
						      msg ? msg : "");
				free(msg);
				break;
			}
			PQclear(lr);
			rc = pgd_command(d, "RELEASE SAVEPOINT dbk_lock");
			dbk_strbuf_reset(&lock);
			dbk_strbuf_reset(&names);
			inbatch = 0;
		}
	}
	PQclear(r);
	dbk_strbuf_release(&lock);
	dbk_strbuf_release(&names);
	if (rc == 0)
		rc = pgd_command(d, "SET LOCAL lock_timeout = 0");
	return rc;
}

static const char pgd_header_sets[] = "SET statement_timeout = 0;\n"
				      "SET lock_timeout = 0;\n"
				      "SET idle_in_transaction_session_timeout = 0;\n"
				      "SET client_encoding = '%s';\n"
				      "SET standard_conforming_strings = on;\n"
				      "SELECT pg_catalog.set_config('search_path', '', false);\n"
				      "SET check_function_bodies = false;\n"
				      "SET xmloption = content;\n"
				      "SET client_min_messages = warning;\n"
				      "SET row_security = off;\n"
				      "SET default_tablespace = '';\n"
				      "SET default_table_access_method = heap;\n\n";

static int pgd_write_header(struct pgd_dump *d)
{
	char *json = NULL;
	int rc = pgd_database_json(d, &json);
	if (rc)
		return rc;
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	dbk_strbuf_addf(&sb, "%s\n-- dbkeep:database %s\n--\n-- server version %s\n--\n\n",
			PG_DUMP_MAGIC, json, PQparameterStatus(d->pg, "server_version"));
	dbk_strbuf_addf(&sb, pgd_header_sets, d->encoding);
	rc = pgd_write(d, sb.buf);
	dbk_strbuf_release(&sb);
	free(json);
	return rc;
}

/* Writes one object: its DDL, owner and comments. */
static int pgd_write_obj(struct pgd_dump *d, struct pgd_obj *o)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	int rc;
	if (!o->sql && !o->extra.len && !(o->owner && o->objtype))
		return 0;
	if (o->sql) {
		pgd_add_ext_path(&sb, o, 1);
		dbk_strbuf_addstr(&sb, o->sql);
		if (sb.len && sb.buf[sb.len - 1] != '\n')
			dbk_strbuf_addch(&sb, '\n');
		pgd_add_ext_path(&sb, o, 0);
	}
	if (o->owner && o->objtype && !(d->opts && d->opts->no_owner))
		dbk_strbuf_addf(&sb, "ALTER %s %s OWNER TO %s;\n", o->objtype, o->ident, o->owner);
	dbk_strbuf_add(&sb, o->extra.buf, o->extra.len);
	dbk_strbuf_addch(&sb, '\n');
	rc = pgd_write(d, sb.buf);
	dbk_strbuf_release(&sb);
	return rc;
}

static int pgd_write_pre(struct pgd_dump *d)
{
	int rc = pgd_write(d, "-- dbkeep:section pre-data\n\n");
	if (rc == 0)
		rc = pgd_write_roles(d);
	for (size_t i = 0; rc == 0 && i < d->norder; i++)
		rc = pgd_write_obj(d, &d->objs[d->order[i]]);
	return rc;
}

/* Marks in `seen` what object i needs, directly or not, and collects in
 * `unpop` (a flag per object) the unpopulated matviews among them. */
static void pgd_mv_needs(const struct pgd_dump *d, size_t i, char *seen, char *unpop)
{
	const struct pgd_obj *o = &d->objs[i];
	for (size_t k = 0; k < o->ndeps; k++) {
		size_t j = o->deps[k];
		if (seen[j])
			continue;
		seen[j] = 1;
		if (d->objs[j].kind == PGK_MATVIEW && !d->objs[j].populated)
			unpop[j] = 1;
		pgd_mv_needs(d, j, seen, unpop);
	}
}

/* REFRESH of the populated matviews.  One built on a matview left
 * unpopulated (REFRESH ... WITH NO DATA after it was filled) cannot be
 * refreshed alone: those are filled for it and emptied again, in one DO
 * block that, should they fail to fill, leaves it unpopulated with a
 * warning (what pg_dump does at once) rather than fail the restore. */
static int pgd_write_refreshes(struct pgd_dump *d)
{
	char *seen = dbk_calloc(d->nobjs ? d->nobjs : 1, 1);
	char *unpop = dbk_calloc(d->nobjs ? d->nobjs : 1, 1);
	int rc = 0;
	if (!seen || !unpop) {
		free(seen);
		free(unpop);
		return DBK_ENOMEM;
	}
	for (size_t i = 0; rc == 0 && i < d->norder; i++) {
		struct pgd_obj *o = &d->objs[d->order[i]];
		if (o->kind != PGK_MATVIEW || !o->populated)
			continue;
		memset(seen, 0, d->nobjs);
		memset(unpop, 0, d->nobjs);
		pgd_mv_needs(d, d->order[i], seen, unpop);
		int any = 0;
		for (size_t j = 0; j < i && !any; j++)
			any = unpop[d->order[j]];
		struct dbk_strbuf sb = DBK_STRBUF_INIT;
		pgd_add_ext_path(&sb, o, 1);
		if (!any) {
			dbk_strbuf_addf(&sb, "REFRESH MATERIALIZED VIEW %s;\n", o->ident);
		} else {
			struct dbk_strbuf body = DBK_STRBUF_INIT, lit = DBK_STRBUF_INIT;
			dbk_strbuf_addstr(&body, "\nBEGIN\n");
			for (size_t j = 0; j < i; j++)
				if (unpop[d->order[j]])
					dbk_strbuf_addf(&body,
							"    REFRESH MATERIALIZED VIEW %s;\n",
							d->objs[d->order[j]].ident);
			dbk_strbuf_addf(&body, "    REFRESH MATERIALIZED VIEW %s;\n", o->ident);
			for (size_t j = 0; j < i; j++)
				if (unpop[d->order[j]])
					dbk_strbuf_addf(
					    &body,
					    "    REFRESH MATERIALIZED VIEW %s WITH NO DATA;\n",
					    d->objs[d->order[j]].ident);
			pgd_add_literal(&lit, o->ident);
			dbk_strbuf_addf(
			    &body,
			    "EXCEPTION WHEN OTHERS THEN\n    RAISE WARNING 'materialized "
			    "view %% left unpopulated: %%', %s, SQLERRM;\nEND\n",
			    lit.buf);
			pgd_add_do(&sb, "other", body.buf);
			dbk_strbuf_addstr(&sb, ";\n");
			dbk_strbuf_release(&body);
			dbk_strbuf_release(&lit);
		}
		pgd_add_ext_path(&sb, o, 0);
		dbk_strbuf_addch(&sb, '\n');
		rc = pgd_write(d, sb.buf);
		dbk_strbuf_release(&sb);
	}
	free(seen);
	free(unpop);
	return rc;
}

/* A database the user dropped plpgsql from: the restore's, made from a
 * template that has it (and whose DO blocks above need it), drops it at
 * the end, so that it holds no extension the source did not.  The block
 * runs in plpgsql itself, which is allowed to drop its own extension; one
 * the restoring role may not drop, or that objects of the target use, is
 * left with a warning. */
static int pgd_write_no_plpgsql(struct pgd_dump *d)
{
	PGresult *r = pgd_query(d, "SELECT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname "
				   "= 'plpgsql') AND NOT EXISTS (SELECT 1 FROM pg_language WHERE "
				   "lanname = 'plpgsql')");
	if (!r)
		return dbk_errcode();
	int absent = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (!absent)
		return 0;
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	dbk_strbuf_addstr(&sb, "-- plpgsql, which the source database does not have\n");
	pgd_add_do(&sb, "other",
		   "\nBEGIN\n    DROP EXTENSION IF EXISTS plpgsql;\nEXCEPTION WHEN OTHERS THEN\n"
		   "    RAISE WARNING 'dbkeep: plpgsql, which the source does not have, not "
		   "dropped: %', SQLERRM;\nEND\n");
	dbk_strbuf_addstr(&sb, ";\n\n");
	int rc = pgd_write(d, sb.buf);
	dbk_strbuf_release(&sb);
	return rc;
}

static int pgd_write_post(struct pgd_dump *d)
{
	size_t n = 0;
	size_t *post = pgd_post_order(d, &n);
	int rc = pgd_write(d, "-- dbkeep:section post-data\n\n");
	if (rc == 0)
		rc = pgd_write_large_objects(d);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = pgd_write_obj(d, &d->objs[post[i]]);
	free(post);
	if (rc == 0)
		rc = pgd_write_sequence_values(d);
	if (rc == 0 && !(d->opts && d->opts->no_privileges))
		rc = pgd_write_acls(d);
	if (rc == 0 && !(d->opts && d->opts->no_privileges))
		rc = pgd_write_default_acls(d);
	/* matviews in dependency order, so one built on another sees its rows;
	 * after the privileges (pg_dump's post-ACL pass), because REFRESH runs
	 * as the matview's owner, who may read its sources only by a grant */
	if (rc == 0)
		rc = pgd_write_refreshes(d);
	if (rc == 0)
		rc = pgd_write_database_props(d);
	if (rc == 0)
		rc = pgd_write_no_plpgsql(d);
	/* event triggers last: they would fire on the statements above */
	for (size_t i = 0; rc == 0 && i < d->nobjs; i++)
		if (d->objs[i].kind == PGK_EVENT_TRIGGER && d->objs[i].alias < 0)
			rc = pgd_write_obj(d, &d->objs[i]);
	return rc;
}

/* Fails naming what cannot be written, or lists it under allow_partial. */
static int pgd_check_refused(struct pgd_dump *d)
{
	if (d->refused.n == 0)
		return 0;
	if (d->opts && d->opts->allow_partial) {
		for (size_t i = 0; i < d->refused.n; i++) {
			dbk_strlist_add(&d->info->omitted, d->refused.items[i]);
			dbk_verbose("left out: %s", d->refused.items[i]);
		}
		return 0;
	}
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	for (size_t i = 0; i < d->refused.n && i < 20; i++)
		dbk_strbuf_addf(&sb, "%s%s", i ? ", " : "", d->refused.items[i]);
	if (d->refused.n > 20)
		dbk_strbuf_addf(&sb, " and %zu more", d->refused.n - 20);
	int rc = dbk_seterr(DBK_EFAIL, "database '%s' holds objects dbkeep cannot dump yet: %s",
			    pgd_dbname(d), sb.buf);
	dbk_strbuf_release(&sb);
	return rc;
}

int pg_dump_run(struct pg_conn *c, const struct dbk_dump_opts *opts, struct dbk_writer *w,
		struct dbk_dump_info *info)
{
	struct pgd_dump d;
	int rc;

	memset(&d, 0, sizeof d);
	d.c = c;
	d.pg = c->pg;
	d.ver = PQserverVersion(c->pg);
	d.opts = opts;
	d.w = w;
	d.info = info;
	d.dbname = c->dbname ? c->dbname : PQdb(c->pg);
	if (d.ver < 120000) {
		return dbk_seterr(
		    DBK_EFAIL,
		    "could not dump database '%s': server version %d is not supported "
		    "(12 or later is needed)",
		    d.dbname, d.ver);
	}

	rc = pgd_session_setup(&d);
	if (rc == 0)
		rc = pgd_lock_tables(&d);
	if (rc == 0)
		rc = pgd_read_catalog(&d);
	if (rc == 0)
		rc = pgd_read_comments(&d);
	if (rc == 0)
		rc = pgd_read_deps(&d);
	if (rc == 0)
		rc = pgd_sort(&d);
	if (rc == 0)
		rc = pgd_check_refused(&d);
	if (rc == 0)
		rc = pgd_write_header(&d);
	if (rc == 0)
		rc = pgd_write_pre(&d);
	if (rc == 0)
		rc = pgd_write(&d, "-- dbkeep:section data\n\n");
	if (rc == 0)
		rc = pgd_write_data(&d);
	if (rc == 0)
		rc = pgd_write_extension_data(&d);
	if (rc == 0)
		rc = pgd_write_post(&d);
	if (rc == 0)
		rc = pgd_write(&d, PG_DUMP_END "\n");
	if (rc == 0)
		rc = pgd_command(&d, "COMMIT");
	else
		PQclear(PQexec(d.pg, "ROLLBACK"));
	if (rc == 0)
		dbk_tables_sort(&info->tables);
	pgd_free_objs(&d);
	dbk_strlist_release(&d.refused);
	return rc;
}
