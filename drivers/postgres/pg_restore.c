/*
 * pg_restore.c - restore for the PostgreSQL driver: load_scratch, swap,
 * discard, cleanup and check_copy.
 *
 * A restore never touches the live target until the very end.  The backup
 * is loaded into a new scratch database on the target's server, named
 * "<target>_dbkeep_<pid>_<8 hex digits>" (the target's part cut so the name
 * fits PostgreSQL's 63 bytes).  swap then renames the target to
 * "<target>_dbkeep_old_<pid>" and the scratch to the target in one
 * transaction (ALTER DATABASE ... RENAME is transactional), so a crash at any
 * moment leaves either the old or the new database under the target's name,
 * never neither; the old one is dropped afterwards (or kept, --keep-old).
 * cleanup drops scratch databases of restores that were killed, recognising
 * them by that exact name pattern, and only lists replaced databases kept by
 * a crash between the rename and the drop.
 *
 * Database-level properties (owner, comment, settings, ACL) travel with the
 * renamed database: the dump sets them from inside, on current_database().
 *
 * Invariant: a struct pg_scratch owns copies of the target's connection
 * parameters, so discard can reach the server after the scratch's own
 * connection is gone; c.dbname is the scratch database's name.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "pg_exec.h"
#include "pg_internal.h"

#define PG_NAME_MAX 63		  /* NAMEDATALEN - 1 */
#define PG_HEAD_SIZE (64 * 1024)  /* what is read before the scratch exists */
#define PG_HEAD_MAX (1024 * 1024) /* the longest database line accepted */
#define PG_DB_LINE "-- dbkeep:database "
#define PG_SCRATCH_INFIX "_dbkeep_"
#define PG_OLD_INFIX "_dbkeep_old_"
#define PG_SESSION_WAIT_MS 10000

struct pg_scratch {
	struct pg_conn c;    /* first: the core sees c.base */
	struct dbk_target t; /* the target's parameters, pointing at the copies below */
	char *db, *host, *port, *user, *password;
	char *target; /* the target database's name */
};

/* What CREATE DATABASE of the scratch needs, from the backup's head. */
struct pg_dbprops {
	char *encoding;
	char *lc_collate;
	char *lc_ctype;
	char *provider;
	char *icu_locale;
	char *icu_rules;
	char *tablespace;  /* the database's default tablespace, NULL: pg_default */
	char *create_opts; /* plain pg_dump --create: the options of its CREATE DATABASE */
};

static void pg_dbprops_release(struct pg_dbprops *p)
{
	free(p->encoding);
	free(p->lc_collate);
	free(p->lc_ctype);
	free(p->provider);
	free(p->icu_locale);
	free(p->icu_rules);
	free(p->tablespace);
	free(p->create_opts);
	memset(p, 0, sizeof(*p));
}

static void pg_scratch_free(struct pg_scratch *s)
{
	if (!s)
		return;
	if (s->c.pg)
		PQfinish(s->c.pg);
	free(s->c.dbname);
	dbk_tables_release(&s->c.copied);
	free(s->c.base.display);
	free(s->c.base.label);
	free(s->c.base.engine_version);
	free(s->db);
	free(s->host);
	free(s->port);
	free(s->user);
	if (s->password) {
		memset(s->password, 0, strlen(s->password));
		free(s->password);
	}
	free(s->target);
	free(s);
}

static char *pg_dup_or_null(const char *s, int *failed)
{
	char *d;

	if (!s)
		return NULL;
	d = dbk_strdup(s);
	if (!d)
		*failed = 1;
	return d;
}

/* The primary message of a failed result (or of the connection), trimmed. */
static void pg_result_msg(PGconn *pg, PGresult *res, struct dbk_strbuf *msg)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;

	dbk_strbuf_reset(msg);
	dbk_strbuf_addstr(msg, primary ? primary : PQerrorMessage(pg));
	while (msg->len && (msg->buf[msg->len - 1] == '\n' || msg->buf[msg->len - 1] == ' '))
		dbk_strbuf_setlen(msg, msg->len - 1);
	if (detail && *detail)
		dbk_strbuf_addf(msg, " (%s)", detail);
}

/* Runs a command; on failure fills msg and returns -1 (the caller decides
 * whether it is an error or a warning).  *sqlstate, when given, receives the
 * SQLSTATE of the failure ("" when none). */
static int pg_rs_command(PGconn *pg, const char *sql, struct dbk_strbuf *msg, char *sqlstate)
{
	PGresult *res = PQexec(pg, sql);
	int rc = 0;

	if (sqlstate)
		sqlstate[0] = '\0';
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		pg_result_msg(pg, res, msg);
		if (sqlstate && st)
			snprintf(sqlstate, 6, "%s", st);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* A database name: the target's name cut (on a character boundary) so that
 * with suffix it fits in 63 bytes. */
static void pg_make_name(struct dbk_strbuf *out, const char *target, const char *suffix)
{
	size_t room = PG_NAME_MAX - strlen(suffix);
	size_t cut = strlen(target);

	if (cut > room) {
		cut = room;
		while (cut > 0 && ((unsigned char)target[cut] & 0xC0) == 0x80)
			cut--;
	}
	dbk_strbuf_reset(out);
	dbk_strbuf_add(out, target, cut);
	dbk_strbuf_addstr(out, suffix);
}

static unsigned pg_random32(void)
{
	unsigned v = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	if (!v) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		v = (unsigned)ts.tv_nsec ^ ((unsigned)ts.tv_sec << 7) ^ (unsigned)getpid();
	}
	return v;
}

static int pg_quote_ident(PGconn *pg, const char *name, struct dbk_strbuf *out)
{
	char *q = PQescapeIdentifier(pg, name, strlen(name));

	if (!q)
		return dbk_seterr(DBK_EDB, "could not quote '%s': %s", name, PQerrorMessage(pg));
	dbk_strbuf_addstr(out, q);
	PQfreemem(q);
	return 0;
}

static int pg_quote_literal(PGconn *pg, const char *s, struct dbk_strbuf *out)
{
	char *q = PQescapeLiteral(pg, s, strlen(s));

	if (!q)
		return dbk_seterr(DBK_EDB, "could not quote '%s': %s", s, PQerrorMessage(pg));
	dbk_strbuf_addstr(out, q);
	PQfreemem(q);
	return 0;
}

/* Drops a database from maint; returns -1 with msg on failure. */
static int pg_drop_db(struct pg_conn *maint, const char *name, int force, struct dbk_strbuf *msg)
{
	struct dbk_strbuf sql = DBK_STRBUF_INIT;
	int rc;

	dbk_strbuf_addstr(&sql, "DROP DATABASE ");
	if (pg_quote_ident(maint->pg, name, &sql)) {
		dbk_clearerr();
		dbk_strbuf_reset(msg);
		dbk_strbuf_addstr(msg, "could not quote the name");
		dbk_strbuf_release(&sql);
		return -1;
	}
	if (force && maint->server_version >= 130000)
		dbk_strbuf_addstr(&sql, " WITH (FORCE)");
	rc = pg_rs_command(maint->pg, sql.buf, msg, NULL);
	dbk_strbuf_release(&sql);
	return rc;
}

/* Drops a scratch database after a failure, warning (not failing) when it
 * cannot: the error that made the restore stop is the one to report. */
static void pg_drop_scratch(const struct dbk_target *t, const char *name)
{
	struct pg_conn *maint = NULL;
	struct dbk_strbuf msg = DBK_STRBUF_INIT;
	char *saved = NULL;
	int code = dbk_errcode();

	/* connecting may record an error: keep the first one */
	if (code) {
		saved = dbk_strdup(dbk_errmsg());
		dbk_clearerr();
	}
	if (pg_connect_maint(t, name, &maint) != 0) {
		dbk_warn("could not remove scratch database '%s': %s", name, dbk_errmsg());
	} else if (pg_drop_db(maint, name, 1, &msg) != 0) {
		dbk_warn("could not remove scratch database '%s': %s", name, msg.buf);
	} else {
		dbk_verbose("removed scratch database '%s'", name);
	}
	dbk_clearerr();
	if (code)
		dbk_seterr(code, "%s", saved ? saved : "out of memory");
	free(saved);
	pg_conn_free(maint);
	dbk_strbuf_release(&msg);
}

/* ---- the backup's head ---------------------------------------------------- */

static char *pg_json_str(json_t *obj, const char *key, int *failed)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) || !*json_string_value(v))
		return NULL;
	return pg_dup_or_null(json_string_value(v), failed);
}

/* Parses the "-- dbkeep:database {json}" line of a dbkeep dump's head. */
static int pg_parse_db_line(const char *head, size_t n, struct pg_dbprops *p)
{
	const char *line = NULL, *end;
	size_t i;
	json_t *obj;
	json_error_t jerr;
	int failed = 0;

	for (i = 0; i + strlen(PG_DB_LINE) <= n; i++) {
		if ((i == 0 || head[i - 1] == '\n') &&
		    memcmp(head + i, PG_DB_LINE, strlen(PG_DB_LINE)) == 0) {
			line = head + i + strlen(PG_DB_LINE);
			break;
		}
	}
	if (!line) {
		dbk_verbose("the backup has no database line: the scratch database gets the "
			    "server's defaults");
		return 0;
	}
	end = memchr(line, '\n', n - (size_t)(line - head));
	if (!end)
		return dbk_seterr(DBK_ECORRUPT, "backup is truncated (incomplete database line)");
	obj = json_loadb(line, (size_t)(end - line), 0, &jerr);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return dbk_seterr(DBK_ECORRUPT, "backup has an invalid database line: %s",
				  jerr.text);
	}
	p->encoding = pg_json_str(obj, "encoding", &failed);
	p->lc_collate = pg_json_str(obj, "lc_collate", &failed);
	p->lc_ctype = pg_json_str(obj, "lc_ctype", &failed);
	p->provider = pg_json_str(obj, "locale_provider", &failed);
	p->icu_locale = pg_json_str(obj, "icu_locale", &failed);
	p->icu_rules = pg_json_str(obj, "icu_rules", &failed);
	p->tablespace = pg_json_str(obj, "tablespace", &failed);
	json_decref(obj);
	return failed ? DBK_ENOMEM : 0;
}

/* Looks for a CREATE DATABASE in the head of a plain pg_dump --create file
 * and keeps its options (what follows the name), stopping there. */
static int pg_find_create(void *arg, const struct pg_split_item *it)
{
	struct pg_dbprops *p = arg;
	size_t from, to;

	if (it->kind != PG_SPLIT_STMT)
		return 0;
	if (!pg_split_tok_is(it, 0, "create") || !pg_split_tok_is(it, 1, "database") ||
	    it->ntok < 3)
		return 0;
	from = it->tok[2].off + it->tok[2].len;
	to = it->len;
	while (to > from &&
	       (it->text[to - 1] == ';' || it->text[to - 1] == ' ' || it->text[to - 1] == '\n' ||
		it->text[to - 1] == '\r' || it->text[to - 1] == '\t'))
		to--;
	p->create_opts = strndup(it->text + from, to - from);
	return 1;
}

/* Reads the head of the stream into head (at least PG_HEAD_SIZE bytes or
 * the whole stream, more if the database line is longer). */
static int pg_read_head(struct dbk_reader *r, struct dbk_strbuf *head, int *dbkeep)
{
	ssize_t n;

	dbk_strbuf_grow(head, PG_HEAD_SIZE);
	n = dbk_read_full(r, head->buf, PG_HEAD_SIZE);
	if (n < 0)
		return (int)n;
	dbk_strbuf_setlen(head, (size_t)n);
	*dbkeep = head->len >= strlen(PG_DUMP_MAGIC) &&
		  memcmp(head->buf, PG_DUMP_MAGIC, strlen(PG_DUMP_MAGIC)) == 0;
	while (*dbkeep && n > 0 && head->len < PG_HEAD_MAX) {
		const char *line = strstr(head->buf, "\n" PG_DB_LINE);

		if (!line || memchr(line + 1, '\n', head->len - (size_t)(line + 1 - head->buf)))
			break;
		dbk_strbuf_grow(head, PG_HEAD_SIZE);
		n = dbk_read_full(r, head->buf + head->len, PG_HEAD_SIZE);
		if (n < 0)
			return (int)n;
		dbk_strbuf_setlen(head, head->len + (size_t)n);
	}
	return 0;
}

/* The backed-up database's default tablespace, as pg_dump --create keeps
 * it: its relations without a tablespace of their own go back there, and
 * those it holds in pg_default stay apart from them.  A server without it
 * (a restore drill on another host) gets the database in its default
 * tablespace, with a warning, rather than no restore. */
static int pg_create_tablespace(PGconn *pg, const char *spc, struct dbk_strbuf *sql)
{
	const char *params[1] = {spc};
	PGresult *res =
	    PQexecParams(pg, "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = $1", 1, NULL,
			 params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = dbk_seterr(DBK_EDB, "could not look up tablespace '%s': %s", spc,
				PQresultErrorMessage(res));
	} else if (PQntuples(res) == 0) {
		dbk_warn("the backed-up database's tablespace '%s' does not exist on this server: "
			 "using the default one",
			 spc);
	} else {
		dbk_strbuf_addstr(sql, " TABLESPACE ");
		rc = pg_quote_ident(pg, spc, sql);
	}
	PQclear(res);
	return rc;
}

static int pg_create_sql(PGconn *pg, int version, const char *name, const struct pg_dbprops *p,
			 struct dbk_strbuf *sql)
{
	int rc;

	dbk_strbuf_addstr(sql, "CREATE DATABASE ");
	rc = pg_quote_ident(pg, name, sql);
	if (rc)
		return rc;
	if (p->create_opts) {
		/* a plain pg_dump --create file: its own options, on template0 */
		dbk_strbuf_addf(sql, " %s", p->create_opts);
		if (!strcasestr(p->create_opts, "template"))
			dbk_strbuf_addstr(sql, " TEMPLATE template0");
		return 0;
	}
	dbk_strbuf_addstr(sql, " TEMPLATE template0");
	if (p->encoding) {
		dbk_strbuf_addstr(sql, " ENCODING ");
		rc = pg_quote_literal(pg, p->encoding, sql);
	}
	if (!rc && p->lc_collate) {
		dbk_strbuf_addstr(sql, " LC_COLLATE ");
		rc = pg_quote_literal(pg, p->lc_collate, sql);
	}
	if (!rc && p->lc_ctype) {
		dbk_strbuf_addstr(sql, " LC_CTYPE ");
		rc = pg_quote_literal(pg, p->lc_ctype, sql);
	}
	if (!rc && p->provider && version >= 150000) {
		dbk_strbuf_addstr(sql, " LOCALE_PROVIDER ");
		rc = pg_quote_literal(pg, p->provider, sql);
		if (!rc && p->icu_locale && strcmp(p->provider, "libc") != 0) {
			dbk_strbuf_addstr(sql, " ICU_LOCALE ");
			rc = pg_quote_literal(pg, p->icu_locale, sql);
		}
		if (!rc && p->icu_rules && version >= 160000) {
			dbk_strbuf_addstr(sql, " ICU_RULES ");
			rc = pg_quote_literal(pg, p->icu_rules, sql);
		}
	} else if (p->provider && strcmp(p->provider, "libc") != 0) {
		dbk_warn("the server (before 15) has no locale provider '%s': using libc",
			 p->provider);
	}
	if (!rc && p->tablespace)
		rc = pg_create_tablespace(pg, p->tablespace, sql);
	return rc;
}

/* ---- load_scratch --------------------------------------------------------- */

static int pg_scratch_new(const struct dbk_target *t, const char *target, struct pg_scratch **out)
{
	struct pg_scratch *s = dbk_calloc(1, sizeof(*s));
	int failed = 0;

	*out = NULL;
	if (!s)
		return DBK_ENOMEM;
	s->db = pg_dup_or_null(t->db, &failed);
	s->host = pg_dup_or_null(t->host, &failed);
	s->port = pg_dup_or_null(t->port, &failed);
	s->user = pg_dup_or_null(t->user, &failed);
	s->password = pg_dup_or_null(t->password, &failed);
	s->target = pg_dup_or_null(target, &failed);
	if (failed) {
		pg_scratch_free(s);
		return DBK_ENOMEM;
	}
	s->t.db = s->db;
	s->t.host = s->host;
	s->t.port = s->port;
	s->t.user = s->user;
	s->t.password = s->password;
	s->t.connect_timeout = t->connect_timeout;
	*out = s;
	return 0;
}

static int pg_cleanup(struct pg_conn *maint, const char *target);

int pg_load_scratch(const struct dbk_target *t, struct dbk_reader *r,
		    const struct dbk_restore_opts *opts, struct dbk_conn **scratch)
{
	struct dbk_strbuf head = DBK_STRBUF_INIT, name = DBK_STRBUF_INIT, sql = DBK_STRBUF_INIT;
	struct dbk_strbuf msg = DBK_STRBUF_INIT;
	struct pg_dbprops props;
	struct pg_exec_opts eo;
	struct pg_exec_result res = PG_EXEC_RESULT_INIT;
	struct pg_conn *maint = NULL, *conn = NULL;
	struct pg_scratch *s = NULL;
	char *target = NULL, suffix[64];
	int dbkeep = 0, created = 0, rc;

	*scratch = NULL;
	memset(&props, 0, sizeof(props));
	rc = pg_target_dbname(t, NULL, &target);
	if (rc)
		goto out;
	rc = pg_read_head(r, &head, &dbkeep);
	if (rc)
		goto out;
	if (dbkeep) {
		rc = pg_parse_db_line(head.buf, head.len, &props);
		if (rc)
			goto out;
	} else {
		struct pg_split split;

		pg_split_init(&split, pg_find_create, &props);
		pg_split_feed(&split, head.buf, head.len);
		pg_split_release(&split);
	}

	rc = pg_connect_maint(t, target, &maint);
	if (rc == 0)
		rc = pg_cleanup(maint, target);
	if (rc)
		goto out;
	snprintf(suffix, sizeof(suffix), PG_SCRATCH_INFIX "%ld_%08x", (long)getpid(),
		 pg_random32());
	pg_make_name(&name, target, suffix);
	rc = pg_create_sql(maint->pg, maint->server_version, name.buf, &props, &sql);
	if (rc)
		goto out;
	dbk_verbose("creating scratch database '%s'", name.buf);
	if (pg_rs_command(maint->pg, sql.buf, &msg, NULL) != 0) {
		rc = dbk_seterr(DBK_EDB, "could not create scratch database '%s': %s", name.buf,
				msg.buf);
		goto out;
	}
	created = 1;
	/* idle through a long load, the maintenance connection could time out */
	pg_conn_free(maint);
	maint = NULL;

	rc = pg_connect_db(t, name.buf, &conn);
	if (rc)
		goto out;
	memset(&eo, 0, sizeof(eo));
	eo.no_owner = opts->no_owner;
	eo.no_privileges = opts->no_privileges;
	eo.dbname = name.buf;
	eo.jobs = opts->jobs;
	if (eo.jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		eo.jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	}
	eo.target = t;
	eo.scratch_dir = opts->scratch_dir;
	rc = pg_exec_run(conn->pg, head.buf, head.len, r, &eo, &res);
	if (rc)
		goto out;
	if (res.dbkeep_dump && !res.ended) {
		rc = dbk_seterr(DBK_ECORRUPT, "backup is truncated (no end marker)");
		goto out;
	}
	dbk_verbose("loaded %llu statements (%llu COPY blocks, %llu skipped) into '%s'",
		    (unsigned long long)res.statements, (unsigned long long)res.copies,
		    (unsigned long long)res.skipped, name.buf);

	rc = pg_scratch_new(t, target, &s);
	if (rc)
		goto out;
	/* the scratch takes over the connection, and, from a dbkeep dump whose
	 * COPYs all named their tables in full, the rows they loaded */
	s->c = *conn;
	free(conn);
	conn = NULL;
	if (res.dbkeep_dump && !res.copied_partial) {
		s->c.copied = res.copied;
		memset(&res.copied, 0, sizeof(res.copied));
	}
	*scratch = &s->c.base;
out:
	if (rc) {
		pg_conn_free(conn);
		conn = NULL;
		pg_conn_free(maint);
		maint = NULL;
		if (created)
			pg_drop_scratch(t, name.buf);
	}
	pg_conn_free(maint);
	pg_exec_result_release(&res);
	pg_dbprops_release(&props);
	dbk_strbuf_release(&head);
	dbk_strbuf_release(&name);
	dbk_strbuf_release(&sql);
	dbk_strbuf_release(&msg);
	free(target);
	return rc;
}

/* ---- swap ----------------------------------------------------------------- */

/* Lists the other sessions on database name into list ("" when none);
 * returns how many, or a negative code. */
static int pg_sessions(struct pg_conn *maint, const char *name, struct dbk_strbuf *list)
{
	const char *params[1] = {name};
	PGresult *res = PQexecParams(
	    maint->pg,
	    "SELECT pid, coalesce(usename, ''), coalesce(application_name, ''),"
	    " coalesce(host(client_addr), 'local')"
	    " FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
	    /* autovacuum workers leave by themselves when the database is
	     * renamed: only clients hold up the swap */
	    " AND backend_type = 'client backend'"
	    " ORDER BY pid",
	    1, NULL, params, NULL, NULL, 0);
	int i, n;

	dbk_strbuf_reset(list);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct dbk_strbuf msg = DBK_STRBUF_INIT;

		pg_result_msg(maint->pg, res, &msg);
		n = dbk_seterr(DBK_EDB, "could not list the sessions on database '%s': %s", name,
			       msg.buf);
		dbk_strbuf_release(&msg);
		PQclear(res);
		return n;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		dbk_strbuf_addf(list, "%spid %s (user %s, application '%s', client %s)",
				i ? "; " : "", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
				PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
	PQclear(res);
	return n;
}

/* Ends the other sessions on name and waits (a while) until they are gone. */
static int pg_terminate(struct pg_conn *maint, const char *name, struct dbk_strbuf *list)
{
	const char *params[1] = {name};
	int waited = 0, n;
	PGresult *res = PQexecParams(maint->pg,
				     "SELECT pg_catalog.pg_terminate_backend(pid)"
				     " FROM pg_catalog.pg_stat_activity"
				     " WHERE datname = $1 AND pid <> pg_backend_pid()"
				     " AND backend_type = 'client backend'",
				     1, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		struct dbk_strbuf msg = DBK_STRBUF_INIT;

		pg_result_msg(maint->pg, res, &msg);
		n = dbk_seterr(DBK_EDB, "could not end the sessions on database '%s': %s", name,
			       msg.buf);
		dbk_strbuf_release(&msg);
		PQclear(res);
		return n;
	}
	PQclear(res);
	for (;;) {
		struct timespec ts = {0, 100 * 1000 * 1000};

		n = pg_sessions(maint, name, list);
		if (n <= 0 || waited >= PG_SESSION_WAIT_MS)
			return n;
		nanosleep(&ts, NULL);
		waited += 100;
	}
}

/* Picks "<target>_dbkeep_old_<pid>" (with "_N" added if that is taken). */
static int pg_old_name(struct pg_conn *maint, const char *target, struct dbk_strbuf *out)
{
	char suffix[64];
	int i, exists = 1, rc;

	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(suffix, sizeof(suffix), PG_OLD_INFIX "%ld", (long)getpid());
		else
			snprintf(suffix, sizeof(suffix), PG_OLD_INFIX "%ld_%d", (long)getpid(), i);
		pg_make_name(out, target, suffix);
		rc = pg_db_exists(maint, out->buf, &exists);
		if (rc)
			return rc;
		if (!exists)
			return 0;
	}
	return dbk_seterr(DBK_EDB, "could not find a free name for the replaced database");
}

/* BEGIN; target -> old; scratch -> target; COMMIT. */
static int pg_rename_pair(struct pg_conn *maint, const char *target, const char *old,
			  const char *scratch, struct dbk_strbuf *msg, char *sqlstate)
{
	struct dbk_strbuf sql = DBK_STRBUF_INIT;
	int rc = 0;

	dbk_strbuf_addstr(&sql, "BEGIN; ALTER DATABASE ");
	rc = pg_quote_ident(maint->pg, target, &sql);
	dbk_strbuf_addstr(&sql, " RENAME TO ");
	rc = rc ? rc : pg_quote_ident(maint->pg, old, &sql);
	dbk_strbuf_addstr(&sql, "; ALTER DATABASE ");
	rc = rc ? rc : pg_quote_ident(maint->pg, scratch, &sql);
	dbk_strbuf_addstr(&sql, " RENAME TO ");
	rc = rc ? rc : pg_quote_ident(maint->pg, target, &sql);
	dbk_strbuf_addstr(&sql, "; COMMIT");
	if (!rc && pg_rs_command(maint->pg, sql.buf, msg, sqlstate) != 0) {
		/* a failed statement left the transaction aborted: end it */
		PQclear(PQexec(maint->pg, "ROLLBACK"));
		rc = -1;
	}
	dbk_strbuf_release(&sql);
	return rc;
}

int pg_swap(struct dbk_conn *scratch, const struct dbk_target *t,
	    const struct dbk_restore_opts *opts)
{
	struct pg_scratch *s = (struct pg_scratch *)scratch;
	struct pg_conn *maint = NULL;
	struct dbk_strbuf sql = DBK_STRBUF_INIT, msg = DBK_STRBUF_INIT, list = DBK_STRBUF_INIT;
	struct dbk_strbuf old = DBK_STRBUF_INIT;
	char *target = NULL, sqlstate[6];
	int exists = 0, rc, n, attempt;

	/* a database cannot be renamed while anyone is connected to it */
	PQfinish(s->c.pg);
	s->c.pg = NULL;

	rc = pg_target_dbname(t, NULL, &target);
	if (rc)
		goto out;
	rc = pg_connect_maint(t, target, &maint);
	if (rc)
		goto out;
	rc = pg_db_exists(maint, target, &exists);
	if (rc)
		goto out;
	if (!exists) {
		dbk_strbuf_addstr(&sql, "ALTER DATABASE ");
		rc = pg_quote_ident(maint->pg, s->c.dbname, &sql);
		dbk_strbuf_addstr(&sql, " RENAME TO ");
		rc = rc ? rc : pg_quote_ident(maint->pg, target, &sql);
		if (rc)
			goto out;
		if (pg_rs_command(maint->pg, sql.buf, &msg, NULL) != 0)
			rc = dbk_seterr(DBK_EDB,
					"could not rename scratch database '%s' to '%s': %s",
					s->c.dbname, target, msg.buf);
		goto out;
	}

	rc = pg_old_name(maint, target, &old);
	if (rc)
		goto out;
	for (attempt = 0;; attempt++) {
		n = opts->terminate ? pg_terminate(maint, target, &list)
				    : pg_sessions(maint, target, &list);
		if (n < 0) {
			rc = n;
			goto out;
		}
		if (n > 0) {
			rc = dbk_seterr(DBK_EBUSY,
					"database '%s' is in use by %d other session%s: %s%s",
					target, n, n == 1 ? "" : "s", list.buf,
					opts->terminate ? "" : " (--terminate ends them)");
			goto out;
		}
		if (pg_rename_pair(maint, target, old.buf, s->c.dbname, &msg, sqlstate) == 0)
			break;
		/* 55006 object_in_use: someone connected in between; try again */
		if (strcmp(sqlstate, "55006") == 0 && opts->terminate && attempt < 3)
			continue;
		rc = dbk_seterr(DBK_EDB, "could not swap scratch database '%s' in for '%s': %s",
				s->c.dbname, target, msg.buf);
		goto out;
	}
	dbk_verbose("database '%s' is the restored one; the replaced one is '%s'", target, old.buf);

	if (opts->keep_old) {
		dbk_warn("kept the replaced database as '%s'", old.buf);
	} else if (pg_drop_db(maint, old.buf, 1, &msg) != 0) {
		/* the restore itself succeeded: say what is left, do not fail */
		dbk_warn("could not drop the replaced database '%s': %s", old.buf, msg.buf);
	}
out:
	pg_conn_free(maint);
	if (rc)
		pg_drop_scratch(t, s->c.dbname);
	pg_scratch_free(s);
	dbk_strbuf_release(&sql);
	dbk_strbuf_release(&msg);
	dbk_strbuf_release(&list);
	dbk_strbuf_release(&old);
	free(target);
	return rc;
}

/* ---- discard, cleanup ----------------------------------------------------- */

void pg_discard(struct dbk_conn *scratch)
{
	struct pg_scratch *s = (struct pg_scratch *)scratch;

	if (!s)
		return;
	PQfinish(s->c.pg);
	s->c.pg = NULL;
	pg_drop_scratch(&s->t, s->c.dbname);
	pg_scratch_free(s);
}

/* Whether name is "<cut target>" + infix + digits [+ "_" + tail], where tail
 * is 8 lower-case hex digits for a scratch database (old: 0, digits for an
 * old one's optional "_N"). */
static int pg_match_name(const char *name, const char *target, const char *infix, int scratch)
{
	struct dbk_strbuf want = DBK_STRBUF_INIT;
	const char *p = NULL, *q;
	size_t digits = 0, tail = 0;
	int ok;

	for (q = strstr(name, infix); q; q = strstr(q + 1, infix))
		p = q;
	if (!p)
		return 0;
	q = p + strlen(infix);
	while (q[digits] >= '0' && q[digits] <= '9')
		digits++;
	if (!digits)
		return 0;
	q += digits;
	if (*q == '_') {
		q++;
		while (q[tail] && ((q[tail] >= '0' && q[tail] <= '9') ||
				   (scratch && q[tail] >= 'a' && q[tail] <= 'f')))
			tail++;
		if (q[tail] || (scratch && tail != 8) || (!scratch && !tail))
			return 0;
	} else if (*q || scratch) {
		return 0;
	}
	pg_make_name(&want, target, p);
	ok = strcmp(want.buf, name) == 0;
	dbk_strbuf_release(&want);
	return ok;
}

/* Removes the scratch databases of target left by killed restores (not
 * one in use: a restore running), and names the old copies --keep-old
 * left.  Runs on the maintenance connection that creates the new scratch,
 * so a restore makes no connection of its own for it. */
static int pg_cleanup(struct pg_conn *maint, const char *target)
{
	struct dbk_strbuf msg = DBK_STRBUF_INIT, list = DBK_STRBUF_INIT;
	PGresult *res = NULL;
	int rc = 0, i;

	res = PQexec(maint->pg, "SELECT datname FROM pg_catalog.pg_database"
				" WHERE datname LIKE '%\\_dbkeep\\_%' ORDER BY datname");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_result_msg(maint->pg, res, &msg);
		rc = dbk_seterr(DBK_EDB, "could not list the databases: %s", msg.buf);
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		int n;

		if (pg_match_name(name, target, PG_OLD_INFIX, 0)) {
			dbk_warn("database '%s' is a copy of '%s' replaced by an earlier restore;"
				 " drop it when it is no longer needed",
				 name, target);
			continue;
		}
		if (!pg_match_name(name, target, PG_SCRATCH_INFIX, 1))
			continue;
		n = pg_sessions(maint, name, &list);
		if (n < 0) {
			rc = n;
			goto out;
		}
		if (n > 0) {
			dbk_verbose(
			    "scratch database '%s' is in use (a restore running?): left alone",
			    name);
			continue;
		}
		/* no FORCE: someone who connected in between keeps it */
		if (pg_drop_db(maint, name, 0, &msg) != 0)
			dbk_warn("could not remove scratch database '%s': %s", name, msg.buf);
		else
			dbk_verbose("removed scratch database '%s' left by an interrupted restore",
				    name);
	}
out:
	PQclear(res);
	dbk_strbuf_release(&msg);
	dbk_strbuf_release(&list);
	return rc;
}

/* ---- check_copy ----------------------------------------------------------- */

int pg_check_copy(struct dbk_reader *r, const char *scratch_dir, struct dbk_strbuf *result)
{
	struct pg_exec_opts eo;
	struct pg_exec_result res = PG_EXEC_RESULT_INIT;
	int rc;

	(void)scratch_dir;
	memset(&eo, 0, sizeof(eo));
	eo.dry_run = 1;
	rc = pg_exec_run(NULL, NULL, 0, r, &eo, &res);
	if (!rc && res.dbkeep_dump && !res.ended)
		rc = dbk_seterr(DBK_ECORRUPT, "backup is truncated (no end marker)");
	if (!rc)
		dbk_strbuf_addf(result, "parsed %llu statements, %llu COPY blocks%s",
				(unsigned long long)res.statements, (unsigned long long)res.copies,
				res.dbkeep_dump ? "" : " (not a dbkeep dump)");
	pg_exec_result_release(&res);
	return rc;
}
