/*
 * pg_driver.c - the PostgreSQL driver's vtable, dbk_driver_postgres (the only
 * exported symbol of the driver), and its connection handling.
 *
 * The driver talks to the server over libpq only: it never runs pg_dump or
 * psql.  Connections take the target's parameters; whatever the target
 * leaves NULL is left out of PQconnectdbParams, so libpq's own defaults apply
 * (PG* variables, ~/.pgpass, service files, sslmode).  The password is only
 * ever handed to libpq, and no message shows a conninfo string: a struct
 * pg_conn's display and label are the name of the database it is on.
 *
 * Invariant: a struct pg_conn always holds an open PGconn whose notices go
 * to dbk_verbose or dbk_warn (never to stdout or stderr directly).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "pg_exec.h"
#include "pg_internal.h"

extern const struct dbk_driver dbk_driver_postgres;

#define PG_DEFAULT_CONNECT_TIMEOUT 10

/* ---- connections ---------------------------------------------------------- */

/* Server notices go to -v output; those a dump raises on purpose to tell
 * the user something (their text starts with "dbkeep: ", e.g. a role it had
 * to create) are warnings. */
static void pg_notice(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	(void)arg;
	if (!msg)
		return;
	if (strncmp(msg, "dbkeep: ", 8) == 0)
		dbk_warn("%s", msg + 8);
	else
		dbk_verbose("server: %s", msg);
}

/* libpq's connection messages span lines ("...failed: reason\n\tIs the
 * server running..."): main prints one line, so white space runs that hold
 * a line end become one space, and the end is trimmed. */
static void pg_one_line(struct dbk_strbuf *out, const char *msg)
{
	const char *p = msg;

	while (*p) {
		size_t n = strspn(p, " \t\n");

		if (!n) {
			dbk_strbuf_addch(out, *p++);
			continue;
		}
		if (p[n] && out->len) {
			if (memchr(p, '\n', n))
				dbk_strbuf_addch(out, ' ');
			else
				dbk_strbuf_add(out, p, n);
		}
		p += n;
	}
}

/* Whether a failed connection failed because the database does not exist.
 * libpq gives no SQLSTATE for a failed connection, so this reads the
 * server's (English) message. */
static int pg_is_missing_db(PGconn *pg, const char *dbname)
{
	const char *msg = PQerrorMessage(pg);
	struct dbk_strbuf want = DBK_STRBUF_INIT;
	int missing;

	if (dbname)
		dbk_strbuf_addf(&want, "database \"%s\" does not exist", dbname);
	else
		dbk_strbuf_addstr(&want, "\" does not exist");
	missing = strstr(msg, want.buf) != NULL && strstr(msg, "database \"") != NULL;
	dbk_strbuf_release(&want);
	return missing;
}

int pg_connect_db(const struct dbk_target *t, const char *dbname, struct pg_conn **out)
{
	const char *keys[10], *vals[10];
	char timeout[16];
	int n = 0, rc = 0;
	struct pg_conn *c = NULL;
	PGconn *pg;
	const char *version;

	*out = NULL;
	/* a URI or conninfo in t->db first, expanded; a second "dbname" then
	 * overrides only the database (libpq: later keywords win) */
	if (t->db) {
		keys[n] = "dbname";
		vals[n++] = t->db;
	}
	if (dbname) {
		keys[n] = "dbname";
		vals[n++] = dbname;
	}
	if (t->host) {
		keys[n] = "host";
		vals[n++] = t->host;
	}
	if (t->port) {
		keys[n] = "port";
		vals[n++] = t->port;
	}
	if (t->user) {
		keys[n] = "user";
		vals[n++] = t->user;
	}
	if (t->password) {
		keys[n] = "password";
		vals[n++] = t->password;
	}
	snprintf(timeout, sizeof(timeout), "%d",
		 t->connect_timeout > 0 ? t->connect_timeout : PG_DEFAULT_CONNECT_TIMEOUT);
	keys[n] = "connect_timeout";
	vals[n++] = timeout;
	keys[n] = "application_name";
	vals[n++] = "dbkeep";
	keys[n] = NULL;
	vals[n] = NULL;

	pg = PQconnectdbParams(keys, vals, 1);
	if (!pg)
		return dbk_oom();
	if (PQstatus(pg) != CONNECTION_OK) {
		struct dbk_strbuf msg = DBK_STRBUF_INIT;
		char *name = NULL;

		if (pg_target_dbname(t, dbname, &name) < 0)
			dbk_clearerr();
		pg_one_line(&msg, PQerrorMessage(pg));
		rc =
		    dbk_seterr(pg_is_missing_db(pg, name) ? DBK_ENOTFOUND : DBK_EDB,
			       "could not connect to database '%s': %s", name ? name : "", msg.buf);
		dbk_strbuf_release(&msg);
		free(name);
		PQfinish(pg);
		return rc;
	}
	PQsetNoticeReceiver(pg, pg_notice, NULL);

	c = dbk_calloc(1, sizeof(*c));
	if (!c) {
		PQfinish(pg);
		return DBK_ENOMEM;
	}
	c->base.drv = &dbk_driver_postgres;
	c->pg = pg;
	c->server_version = PQserverVersion(pg);
	version = PQparameterStatus(pg, "server_version");
	c->dbname = dbk_strdup(PQdb(pg));
	c->base.display = dbk_strdup(PQdb(pg));
	c->base.label = dbk_strdup(PQdb(pg));
	c->base.engine_version = dbk_strdup(version ? version : "");
	if (!c->dbname || !c->base.display || !c->base.label || !c->base.engine_version) {
		pg_conn_free(c);
		return DBK_ENOMEM;
	}
	*out = c;
	return 0;
}

void pg_conn_free(struct pg_conn *c)
{
	if (!c)
		return;
	if (c->pg)
		PQfinish(c->pg);
	free(c->dbname);
	dbk_tables_release(&c->copied);
	free(c->base.display);
	free(c->base.label);
	free(c->base.engine_version);
	free(c);
}

int pg_target_dbname(const struct dbk_target *t, const char *dbname, char **out)
{
	const char *name = dbname;
	PQconninfoOption *opts = NULL, *o;
	int rc = 0;

	*out = NULL;
	if (!name && t->db) {
		if (strchr(t->db, '=') || strncmp(t->db, "postgres://", 11) == 0 ||
		    strncmp(t->db, "postgresql://", 13) == 0) {
			char *err = NULL;

			opts = PQconninfoParse(t->db, &err);
			if (!opts) {
				/* libpq's message may quote the string: do not repeat it */
				PQfreemem(err);
				return dbk_seterr(DBK_EUSAGE, "invalid connection string or URI");
			}
			for (o = opts; o->keyword; o++)
				if (strcmp(o->keyword, "dbname") == 0 && o->val && *o->val)
					name = o->val;
		} else {
			name = t->db;
		}
	}
	if (!name)
		name = getenv("PGDATABASE");
	if (!name || !*name) {
		rc = dbk_seterr(DBK_EUSAGE, "no database name given");
		goto out;
	}
	*out = dbk_strdup(name);
	if (!*out)
		rc = DBK_ENOMEM;
out:
	if (opts)
		PQconninfoFree(opts);
	return rc;
}

int pg_connect_maint(const struct dbk_target *t, const char *avoid, struct pg_conn **out)
{
	int rc;

	/* a database that is to be renamed cannot be the one we are on */
	if (!avoid || strcmp(avoid, "postgres") != 0) {
		rc = pg_connect_db(t, "postgres", out);
		if (rc == 0)
			return 0;
		/* the first error wins: forget it and try the other one */
		dbk_clearerr();
	}
	return pg_connect_db(t, "template1", out);
}

/* ---- the vtable's members ------------------------------------------------- */

static int pg_connect(const struct dbk_target *t, struct dbk_conn **out)
{
	struct pg_conn *c;
	int rc = pg_connect_db(t, NULL, &c);

	*out = rc ? NULL : &c->base;
	return rc;
}

static void pg_disconnect(struct dbk_conn *c)
{
	pg_conn_free((struct pg_conn *)c);
}

static int pg_dump(struct dbk_conn *c, const struct dbk_dump_opts *opts, struct dbk_writer *w,
		   struct dbk_dump_info *info)
{
	return pg_dump_run((struct pg_conn *)c, opts, w, info);
}

const char *pg_list_tables_sql(void)
{
	return "SELECT c.oid, n.nspname, c.relname, c.relkind"
	       " FROM pg_catalog.pg_class c"
	       " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	       " WHERE c.relkind = 'r'"
	       " AND c.relpersistence <> 't'"
	       " AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
	       " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
	       "  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
	       "  AND d.objid = c.oid AND d.deptype = 'e')"
	       " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";
}

static int pg_query_fail(struct pg_conn *c, PGresult *res, const char *what)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	struct dbk_strbuf msg = DBK_STRBUF_INIT;
	int rc;

	dbk_strbuf_addstr(&msg, primary ? primary : PQerrorMessage(c->pg));
	while (msg.len && (msg.buf[msg.len - 1] == '\n' || msg.buf[msg.len - 1] == ' '))
		dbk_strbuf_setlen(&msg, msg.len - 1);
	rc = dbk_seterr(DBK_EDB, "%s in database '%s': %s", what, c->dbname, msg.buf);
	dbk_strbuf_release(&msg);
	return rc;
}

static int pg_command(struct pg_conn *c, const char *sql)
{
	PGresult *res = PQexec(c->pg, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_query_fail(c, res, "could not run a query");
	PQclear(res);
	return rc;
}

/* Counts every table of pg_list_tables_sql() in one snapshot (a repeatable
 * read transaction), so the counts agree with each other. */
/* Whether the load of scratch c counted the rows of table nsp.rel (as the
 * server's COPY tags did; the load runs no other statement that adds or
 * removes rows of a table, and a dump without row counts in its manifest is
 * never checked): then *rows.  buf is scratch space. */
static int pg_copied_rows(struct pg_conn *c, const char *nsp, const char *rel,
			  struct dbk_strbuf *buf, int64_t *rows)
{
	const struct dbk_table_count *t;

	if (c->copied.n == 0)
		return 0;
	pg_exec_table_name(nsp, rel, buf);
	t = dbk_tables_find(&c->copied, buf->buf); /* sorted by pg_exec_run */
	if (!t || t->rows < 0)
		return 0;
	*rows = t->rows;
	return 1;
}

static int pg_count_tables(struct dbk_conn *conn, struct dbk_tables *out)
{
	struct pg_conn *c = (struct pg_conn *)conn;
	struct dbk_strbuf sql = DBK_STRBUF_INIT, name = DBK_STRBUF_INIT;
	PGresult *list = NULL, *res = NULL;
	size_t from_copy = 0, scanned = 0;
	int rc, i;

	rc = pg_command(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc)
		return rc;
	list = PQexec(c->pg, pg_list_tables_sql());
	if (PQresultStatus(list) != PGRES_TUPLES_OK) {
		rc = pg_query_fail(c, list, "could not list the tables");
		goto out;
	}
	for (i = 0; i < PQntuples(list); i++) {
		const char *nsp = PQgetvalue(list, i, 1), *rel = PQgetvalue(list, i, 2);
		int is_table = PQgetvalue(list, i, 3)[0] == 'r';
		int64_t rows = 0;

		dbk_strbuf_reset(&name);
		dbk_strbuf_addf(&name, "%s.%s", nsp, rel);
		if (is_table && pg_copied_rows(c, nsp, rel, &sql, &rows)) {
			from_copy++;
		} else if (is_table) {
			char *qn = PQescapeIdentifier(c->pg, nsp, strlen(nsp));
			char *qr = PQescapeIdentifier(c->pg, rel, strlen(rel));

			dbk_strbuf_reset(&sql);
			if (qn && qr)
				dbk_strbuf_addf(&sql, "SELECT count(*) FROM ONLY %s.%s", qn, qr);
			PQfreemem(qn);
			PQfreemem(qr);
			if (!sql.len) {
				rc = dbk_oom();
				goto out;
			}
			res = PQexec(c->pg, sql.buf);
			if (PQresultStatus(res) != PGRES_TUPLES_OK) {
				rc = pg_query_fail(c, res, "could not count the rows of a table");
				goto out;
			}
			rows = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
			PQclear(res);
			res = NULL;
			scanned++;
		}
		dbk_tables_add(out, name.buf, rows);
	}
	dbk_tables_sort(out);
	if (c->copied.n)
		dbk_verbose("row counts: %zu tables as their COPY loaded them, %zu scanned", from_copy,
			    scanned);
out:
	PQclear(res);
	PQclear(list);
	if (rc)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	else
		rc = pg_command(c, "COMMIT");
	dbk_strbuf_release(&sql);
	dbk_strbuf_release(&name);
	return rc;
}

int pg_db_exists(struct pg_conn *maint, const char *name, int *exists)
{
	const char *params[1] = {name};
	PGresult *res =
	    PQexecParams(maint->pg, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", 1,
			 NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_query_fail(maint, res, "could not look up a database");
	else
		*exists = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

/* Whether the target exists, and whether this role can restore it: the
 * restore creates a scratch database (CREATEDB) and, in place, renames the
 * target to swap it (its owner, with CREATEDB); a superuser may do both.
 * Role attributes are not inherited, so rolcreatedb is the whole answer;
 * ownership is a member's with inherited privileges (pg_has_role USAGE). */
static int pg_restore_probe(const struct dbk_target *t, int *exists)
{
	struct pg_conn *maint = NULL;
	char *name = NULL;
	PGresult *res = NULL;
	const char *params[1];
	int rc;

	*exists = 0;
	rc = pg_target_dbname(t, NULL, &name);
	if (rc)
		return rc;
	rc = pg_connect_maint(t, NULL, &maint);
	if (rc)
		goto out;
	params[0] = name;
	res = PQexecParams(maint->pg,
			   "SELECT r.rolsuper, r.rolcreatedb, d.datname IS NOT NULL, d.datname IS "
			   "NULL OR pg_catalog.pg_has_role(d.datdba, 'USAGE'), current_user "
			   "FROM pg_catalog.pg_roles r LEFT JOIN pg_catalog.pg_database d ON "
			   "d.datname = $1 WHERE r.rolname = current_user",
			   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		rc = pg_query_fail(maint, res, "could not look up the target database and role");
		goto out;
	}
	*exists = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
		goto out;
	if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
		rc = dbk_seterr(DBK_EDB,
				"role '%s' cannot restore '%s': it may not create databases "
				"(CREATEDB), and the backup is proven in a new scratch database",
				PQgetvalue(res, 0, 4), name);
	else if (strcmp(PQgetvalue(res, 0, 3), "t") != 0)
		rc = dbk_seterr(DBK_EDB,
				"role '%s' cannot restore '%s': it does not own that database, "
				"which the restore must rename to put the new one in its place",
				PQgetvalue(res, 0, 4), name);
out:
	PQclear(res);
	pg_conn_free(maint);
	free(name);
	return rc;
}

/* Our own dumps by their first line; pg_dump's plain files by their header;
 * other SQL text only when it plainly starts like a script (a comment, SET
 * or CREATE), since this labels foreign files in the backup folder. */
static int pg_sniff(const void *head, size_t n)
{
	const char *p = head;
	size_t i = 0;
	static const char *const starts[] = {"SET ", "CREATE ", "--", "SELECT pg_catalog.", NULL};
	size_t k;

	if (n >= strlen(PG_DUMP_MAGIC) && memcmp(p, PG_DUMP_MAGIC, strlen(PG_DUMP_MAGIC)) == 0)
		return 1;
	if (memmem(p, n < 1024 ? n : 1024, "--\n-- PostgreSQL database dump", 30))
		return 1;
	/* text only: no NUL nor other control bytes in the head */
	for (i = 0; i < n; i++) {
		unsigned char u = (unsigned char)p[i];

		if (u < 0x20 && u != '\n' && u != '\r' && u != '\t')
			return 0;
	}
	i = 0;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	for (k = 0; starts[k]; k++) {
		size_t l = strlen(starts[k]);

		if (n - i >= l && strncasecmp(p + i, starts[k], l) == 0)
			return 1;
	}
	return 0;
}

/* clang-format off */
const struct dbk_driver dbk_driver_postgres = {
	.name = "postgres",
	.ext = "sql",
	.caps = DBK_CAP_SERVER | DBK_CAP_ROLES | DBK_CAP_SWAP_RENAMES,

	/* Required */
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.dump = pg_dump,
	.count_tables = pg_count_tables,
	.restore_probe = pg_restore_probe,
	.load_scratch = pg_load_scratch,
	.swap = pg_swap,
	.discard = pg_discard,

	/* Optional */
	.sniff = pg_sniff,
	.check_copy = pg_check_copy,
};
/* clang-format on */
