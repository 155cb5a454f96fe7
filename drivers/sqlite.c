/*
 * sqlite.c - the SQLite driver: dbk_driver_sqlite, the only exported symbol.
 *
 * Every copy goes through sqlite3's online backup API, never through cp:
 * it is the only way to get a consistent image of a database that other
 * processes keep writing, including transactions still only in its -wal.
 *
 * Backup: the source is copied into a scratch file in the scratch folder the
 * core gives us (a snapshot in WAL mode, stepped passes with a bounded number
 * of restarts in rollback mode), the copy is checked (integrity_check, row
 * counts) and its bytes are streamed into the writer.  The copy keeps the
 * source's header (page size, WAL flag, user_version, application_id).
 *
 * Restore: the stream is written into ".<name>.dbkeep-restore-XXXXXX" in the
 * target's own folder (load_scratch), checked, then copied into the target
 * with the backup API (swap): the target file keeps its inode, is written in
 * one transaction, and connections that hold it open see the restored rows.
 *
 * Invariants: a scratch file (and its -wal/-shm/-journal) never outlives the
 * call that made it, except a restore's scratch, which lives exactly from
 * load_scratch until swap or discard.  A struct sqlite_conn always has an
 * open sqlite3 handle; `path` is the file that handle opened.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "dbkeep/cleanup.h"
#include "dbkeep/driver.h"
#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/log.h"
#include "dbkeep/strbuf.h"

/* Streaming buffer: fixed, so memory stays constant whatever the size. */
#define SQLITE_CHUNK (256 * 1024)
/* Pages copied per step of a rollback-mode backup; between steps writers
 * may commit (which restarts the backup). */
#define SQLITE_STEP_PAGES 256
/* Restarts of the stepped copy tolerated before the locked pass. */
#define SQLITE_MAX_RESTARTS 3
#define SQLITE_DEFAULT_BUSY_MS 10000
#define SQLITE_RETRY_SLEEP_MS 20

extern const struct dbk_driver dbk_driver_sqlite;

static const char sqlite_magic[16] = "SQLite format 3";
static const char *const sqlite_siblings[] = {"-wal", "-shm", "-journal"};

struct sqlite_conn {
	struct dbk_conn base; /* first: the core only sees this */
	sqlite3 *db;
	char *path;  /* the file db opened: the source, or a restore's scratch */
	int scratch; /* a restore's scratch: swap/discard remove the file */
};

/* The busy timeout for every handle we open.  DBKEEP_BUSY_TIMEOUT_MS lets
 * tests make lock waits short. */
static int sqlite_busy_ms(void)
{
	const char *s = getenv("DBKEEP_BUSY_TIMEOUT_MS");
	char *end;
	long v;

	if (!s || !*s)
		return SQLITE_DEFAULT_BUSY_MS;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 86400000L)
		return SQLITE_DEFAULT_BUSY_MS;
	return (int)v;
}

static long sqlite_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Opens path as a plain file name.  A name starting with "file:" would be
 * taken as a URI where SQLite is built with SQLITE_USE_URI, so it is made
 * "./file:..." (an absolute path never starts that way).  On failure *out is
 * NULL and the message is left in msg (never NULL). */
static int sqlite_open(const char *path, int flags, int busy_ms, sqlite3 **out,
		       struct dbk_strbuf *msg)
{
	struct dbk_strbuf name = DBK_STRBUF_INIT;
	sqlite3 *db = NULL;
	int rc;

	if (strncmp(path, "file:", 5) == 0)
		dbk_strbuf_addstr(&name, "./");
	dbk_strbuf_addstr(&name, path);
	rc = sqlite3_open_v2(name.buf, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		dbk_strbuf_addstr(msg, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		db = NULL;
	} else {
		sqlite3_extended_result_codes(db, 0);
		sqlite3_busy_timeout(db, busy_ms);
	}
	dbk_strbuf_release(&name);
	*out = db;
	return rc;
}

static int sqlite_is_busy(int rc)
{
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* Records the error of an SQLite call about the database at path, with the
 * code that fits: locked, not a database, corrupt, or any other engine
 * error (prefixed by what we were doing). */
static int sqlite_fail(int rc, const char *msg, const char *what, const char *path)
{
	if (sqlite_is_busy(rc))
		return dbk_seterr(DBK_EBUSY, "database '%s' is locked: %s", path, msg);
	if (rc == SQLITE_NOTADB)
		return dbk_seterr(DBK_EDB, "'%s' is not an SQLite database: %s", path, msg);
	if (rc == SQLITE_CORRUPT)
		return dbk_seterr(DBK_ECORRUPT, "%s '%s': %s", what, path, msg);
	return dbk_seterr(DBK_EDB, "%s '%s': %s", what, path, msg);
}

static int sqlite_fail_db(sqlite3 *db, int rc, const char *what, const char *path)
{
	return sqlite_fail(rc, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), what, path);
}

/* A failed step of the backup API: a full disk or an I/O error is the
 * scratch copy's (dst), named with the system's reason; anything else is
 * the source's. */
static int sqlite_fail_copy(sqlite3 *dst, int rc, const char *path, const char *scratch)
{
	int base = rc & 0xff;

	if (base == SQLITE_FULL || base == SQLITE_IOERR) {
		int err = sqlite3_system_errno(dst);
		return dbk_seterr(DBK_EIO, "could not write the copy of '%s' to '%s': %s", path,
				  scratch, err ? strerror(err) : sqlite3_errstr(rc));
	}
	return sqlite_fail(rc, sqlite3_errstr(rc), "could not copy database", path);
}

/* Runs sql and appends the first column of every row to out, rows separated
 * by sep.  Returns an SQLite result code (the message is in sqlite3_errmsg). */
static int sqlite_query_text(sqlite3 *db, const char *sql, const char *sep, struct dbk_strbuf *out)
{
	sqlite3_stmt *st = NULL;
	int rc, first = 1;

	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		if (!first)
			dbk_strbuf_addstr(out, sep);
		dbk_strbuf_addstr(out, v ? (const char *)v : "");
		first = 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Runs sql for its effect (rows are read and dropped: a PRAGMA may return
 * some). */
static int sqlite_exec(sqlite3 *db, const char *sql)
{
	struct dbk_strbuf sink = DBK_STRBUF_INIT;
	int rc = sqlite_query_text(db, sql, "", &sink);
	dbk_strbuf_release(&sink);
	return rc;
}

/* Reads sqlite_schema so that the header is read and a non-database or a
 * lock shows up now, with a clear message. */
static int sqlite_probe(sqlite3 *db)
{
	return sqlite_exec(db, "SELECT count(*) FROM sqlite_schema");
}

/* Registers (or forgets) path and its SQLite siblings for removal if a
 * signal ends dbkeep while the scratch copy exists. */
static void sqlite_track_files(const char *path, int track)
{
	struct dbk_strbuf sib = DBK_STRBUF_INIT;

	for (size_t i = 0; i < sizeof(sqlite_siblings) / sizeof(sqlite_siblings[0]); i++) {
		dbk_strbuf_reset(&sib);
		dbk_strbuf_addf(&sib, "%s%s", path, sqlite_siblings[i]);
		if (track)
			dbk_cleanup_add(sib.buf);
		else
			dbk_cleanup_forget(sib.buf);
	}
	if (track)
		dbk_cleanup_add(path);
	else
		dbk_cleanup_forget(path);
	dbk_strbuf_release(&sib);
}

/* Removes path and the files SQLite keeps beside it.  Errors are ignored:
 * this only runs on scratch files, whose removal is best effort by nature
 * (cleanup removes leftovers of killed runs). */
static void sqlite_remove_files(const char *path)
{
	struct dbk_strbuf sib = DBK_STRBUF_INIT;

	for (size_t i = 0; i < sizeof(sqlite_siblings) / sizeof(sqlite_siblings[0]); i++) {
		dbk_strbuf_reset(&sib);
		dbk_strbuf_addf(&sib, "%s%s", path, sqlite_siblings[i]);
		(void)unlink(sib.buf);
	}
	(void)unlink(path);
	dbk_strbuf_release(&sib);
	sqlite_track_files(path, 0);
}

/* The folder of path ("." when it has none) and its last component. */
static void sqlite_split_path(const char *path, struct dbk_strbuf *dir, struct dbk_strbuf *base)
{
	const char *slash = strrchr(path, '/');

	dbk_strbuf_reset(dir);
	dbk_strbuf_reset(base);
	if (!slash) {
		dbk_strbuf_addstr(dir, ".");
		dbk_strbuf_addstr(base, path);
	} else {
		dbk_strbuf_add(dir, path, slash == path ? 1 : (size_t)(slash - path));
		dbk_strbuf_addstr(base, slash + 1);
	}
}

/* The file name of path without its extension: the suggested backup name.
 * A leading dot is part of the name, not an extension. */
static char *sqlite_label(const char *path)
{
	struct dbk_strbuf dir = DBK_STRBUF_INIT, base = DBK_STRBUF_INIT;
	char *dot, *label;

	sqlite_split_path(path, &dir, &base);
	dot = strrchr(base.buf, '.');
	if (dot && dot != base.buf)
		dbk_strbuf_setlen(&base, (size_t)(dot - base.buf));
	label = dbk_strdup(base.buf);
	dbk_strbuf_release(&dir);
	dbk_strbuf_release(&base);
	return label;
}

/* Creates dir/<prefix>XXXXXX (mode 0600); path receives its name.  The
 * file is left empty: SQLite takes an empty file for an empty database. */
static int sqlite_mkscratch(const char *dir, const char *prefix, struct dbk_strbuf *path, int *fd)
{
	dbk_strbuf_reset(path);
	dbk_strbuf_addf(path, "%s/%sXXXXXX", dir, prefix);
	*fd = mkstemp(path->buf);
	if (*fd < 0)
		return dbk_seterr(DBK_EIO, "could not create a scratch file in '%s': %s", dir,
				  strerror(errno));
	sqlite_track_files(path->buf, 1);
	return 0;
}

/* Reads the first bytes of the file at path (up to n); returns the count or
 * -1 with errno set. */
static ssize_t sqlite_read_head(const char *path, unsigned char *buf, size_t n)
{
	ssize_t got = 0, k;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)got < n) {
		k = read(fd, buf + got, n - (size_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += k;
	}
	close(fd);
	return got;
}

/* The WAL flag of a database header: bytes 18 and 19 (write and read
 * format versions) are 2 in WAL mode, 1 in rollback mode. */
static int sqlite_header_is_wal(const unsigned char *hdr, size_t n)
{
	return n >= 20 && hdr[18] == 2 && hdr[19] == 2;
}

/* Lists the user tables of db with exact row counts, sorted, in one read
 * transaction so the counts belong together.  path names the database in
 * messages.  Shared by count_tables and dump (on the copy). */
static int sqlite_count(sqlite3 *db, const char *path, struct dbk_tables *out)
{
	struct dbk_strlist names = DBK_STRLIST_INIT;
	sqlite3_stmt *st = NULL;
	int rc, ret = 0, began = 0;

	rc = sqlite_exec(db, "BEGIN");
	if (rc != SQLITE_OK) {
		ret = sqlite_fail_db(db, rc, "could not read database", path);
		goto out;
	}
	began = 1;
	/* Names starting with sqlite_ are reserved (case-insensitively) for
	 * SQLite's own tables. */
	rc = sqlite3_prepare_v2(db,
				"SELECT name FROM sqlite_schema WHERE type = 'table'"
				" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
				-1, &st, NULL);
	if (rc == SQLITE_OK)
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 0);
			dbk_strlist_add(&names, name ? name : "");
		}
	if (rc != SQLITE_DONE) {
		ret = sqlite_fail_db(db, rc, "could not list the tables of", path);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;

	for (size_t i = 0; i < names.n; i++) {
		char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", names.items[i]);
		if (!q) {
			ret = dbk_oom();
			goto out;
		}
		rc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
		sqlite3_free(q);
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			/* dbk_tables_add keeps the name as the manifest will
			 * (valid UTF-8), so lists from anywhere compare. */
			dbk_tables_add(out, names.items[i], sqlite3_column_int64(st, 0));
		} else if (sqlite_is_busy(rc) || rc == SQLITE_CORRUPT || rc == SQLITE_IOERR ||
			   rc == SQLITE_NOMEM) {
			ret = sqlite_fail_db(db, rc, "could not count the rows of", path);
			goto out;
		} else {
			/* A virtual table whose module is not in this build
			 * (an extension's) cannot be counted; it is left out
			 * of the list rather than failing the whole run. */
			dbk_verbose("'%s': table '%s' not counted: %s", path, names.items[i],
				    sqlite3_errmsg(db));
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	dbk_tables_sort(out);
out:
	sqlite3_finalize(st);
	if (began)
		(void)sqlite_exec(db, "COMMIT");
	dbk_strlist_release(&names);
	return ret;
}

/* PRAGMA integrity_check of db into out: "ok", or the problems joined by
 * "; ".  Returns an SQLite result code. */
static int sqlite_integrity(sqlite3 *db, struct dbk_strbuf *out)
{
	dbk_strbuf_reset(out);
	return sqlite_query_text(db, "PRAGMA integrity_check", "; ", out);
}

static struct sqlite_conn *sqlite_conn_new(sqlite3 *db, const char *path, const char *label_of)
{
	struct sqlite_conn *c = dbk_calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->base.drv = &dbk_driver_sqlite;
	c->db = db;
	c->path = dbk_strdup(path);
	c->base.display = dbk_strdup(path);
	c->base.label = sqlite_label(label_of);
	c->base.engine_version = dbk_strdup(sqlite3_libversion());
	if (!c->path || !c->base.display || !c->base.label || !c->base.engine_version) {
		c->db = NULL; /* the caller still owns db on failure */
		free(c->path);
		free(c->base.display);
		free(c->base.label);
		free(c->base.engine_version);
		free(c);
		return NULL;
	}
	return c;
}

static void sqlite_conn_free(struct sqlite_conn *c)
{
	sqlite3_close(c->db);
	free(c->path);
	free(c->base.display);
	free(c->base.label);
	free(c->base.engine_version);
	free(c);
}

/* ---- connect / disconnect ------------------------------------------------ */

static int sqlite_connect(const struct dbk_target *t, struct dbk_conn **out)
{
	struct dbk_strbuf msg = DBK_STRBUF_INIT;
	const char *path = t->db;
	struct sqlite_conn *c;
	sqlite3 *db = NULL;
	struct stat st;
	int rc, ret = 0;

	*out = NULL;
	if (!path || !*path)
		return dbk_seterr(DBK_EUSAGE, "no SQLite database path given");
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dbk_seterr(DBK_ENOTFOUND, "database '%s' does not exist", path);
		return dbk_seterr(DBK_EIO, "could not open database '%s': %s", path,
				  strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return dbk_seterr(DBK_ENOTFOUND, "database '%s' is not a regular file", path);

	rc = sqlite_open(path, SQLITE_OPEN_READWRITE, sqlite_busy_ms(), &db, &msg);
	if (rc == SQLITE_CANTOPEN || rc == SQLITE_PERM || rc == SQLITE_READONLY) {
		/* No write permission: reading is all a backup needs. */
		dbk_strbuf_reset(&msg);
		rc = sqlite_open(path, SQLITE_OPEN_READONLY, sqlite_busy_ms(), &db, &msg);
	}
	if (rc != SQLITE_OK) {
		ret = sqlite_fail(rc, msg.buf, "could not open database", path);
		goto out;
	}
	/* A backup leaves the source as it found it: a hot WAL (frames not
	 * yet checkpointed) stays hot even when we happen to be the last to
	 * close it.  Without one, the usual close removes the -wal and -shm
	 * that our own reading created. */
	dbk_strbuf_reset(&msg);
	dbk_strbuf_addf(&msg, "%s-wal", path);
	if (stat(msg.buf, &st) == 0 && st.st_size > 0)
		sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	rc = sqlite_probe(db);
	if (rc != SQLITE_OK) {
		ret = sqlite_fail_db(db, rc, "could not read database", path);
		goto out;
	}
	c = sqlite_conn_new(db, path, path);
	if (!c) {
		ret = DBK_ENOMEM;
		goto out;
	}
	db = NULL;
	*out = &c->base;
out:
	sqlite3_close(db);
	dbk_strbuf_release(&msg);
	return ret;
}

static void sqlite_disconnect(struct dbk_conn *conn)
{
	if (conn)
		sqlite_conn_free((struct sqlite_conn *)conn);
}

/* ---- dump ---------------------------------------------------------------- */

/* PRAGMA data_version of db, or -1 when it cannot be read just now. */
static sqlite3_int64 sqlite_data_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Copies src into dst in one step while src holds a read transaction that
 * we open first: a snapshot (WAL) or a SHARED lock that makes writers wait
 * (rollback).  Returns a DBK code. */
static int sqlite_copy_held(sqlite3 *src, sqlite3 *dst, const char *path, const char *scratch)
{
	sqlite3_backup *b;
	int rc, ret = 0;

	rc = sqlite_exec(src, "BEGIN");
	if (rc == SQLITE_OK)
		rc = sqlite_probe(src);
	if (rc != SQLITE_OK) {
		ret = sqlite_fail_db(src, rc, "could not read database", path);
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		ret = sqlite_fail_db(dst, sqlite3_errcode(dst), "could not copy database", path);
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		ret = sqlite_fail_copy(dst, rc, path, scratch);
out:
	(void)sqlite_exec(src, "COMMIT");
	return ret;
}

/* Copies src into dst in steps of SQLITE_STEP_PAGES pages, releasing the
 * source between steps.  A commit by another connection between two steps
 * makes the backup API start over; *restarts counts those.  Returns 0 when
 * the copy is complete, 1 when it gave up after SQLITE_MAX_RESTARTS restarts
 * (dst then holds nothing new), or a negative DBK code. */
static int sqlite_copy_stepped(sqlite3 *src, sqlite3 *dst, const char *path,
			       const char *scratch, int busy_ms, int *restarts)
{
	sqlite3_backup *b;
	sqlite3_int64 version, v;
	long busy_since = -1;
	int rc, remaining, last_remaining = -1, ret = 0;

	*restarts = 0;
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return sqlite_fail_db(dst, sqlite3_errcode(dst), "could not copy database", path);
	/* The first data version is read after the first step: read before
	 * it, it would wait out a writer's lock once more than the step. */
	version = -1;
	for (;;) {
		long step_start = sqlite_now_ms();

		rc = sqlite3_backup_step(b, SQLITE_STEP_PAGES);
		if (rc == SQLITE_DONE)
			break;
		if (sqlite_is_busy(rc)) {
			/* A writer holds the lock: wait, within the busy
			 * timeout counted from the start of the first refused
			 * step (the step itself may have waited it out). */
			if (busy_since < 0)
				busy_since = step_start;
			if (sqlite_now_ms() - busy_since >= busy_ms) {
				ret = sqlite_fail(rc, sqlite3_errstr(rc), "could not copy database",
						  path);
				break;
			}
			sqlite3_sleep(SQLITE_RETRY_SLEEP_MS);
			continue;
		}
		if (rc != SQLITE_OK) {
			ret = sqlite_fail_copy(dst, rc, path, scratch);
			break;
		}
		busy_since = -1;
		/* Another connection wrote when the data version of the source
		 * moved (reading it makes the API start over, at the next step
		 * at the latest).  Without it, a growing page count left says
		 * the same, though it misses a restart right after the first
		 * step; both together would count one restart twice. */
		remaining = sqlite3_backup_remaining(b);
		v = sqlite_data_version(src);
		if (v >= 0 && version >= 0 ? v != version
					   : last_remaining >= 0 && remaining > last_remaining) {
			++*restarts;
			dbk_verbose("'%s' was written during the copy: starting over (%d)", path,
				    *restarts);
			if (*restarts >= SQLITE_MAX_RESTARTS) {
				ret = 1;
				break;
			}
		}
		if (v >= 0)
			version = v;
		last_remaining = remaining;
	}
	/* On an unfinished copy this rolls back what was written to dst. */
	sqlite3_backup_finish(b);
	return ret;
}

/* Streams the file at path into w in fixed chunks. */
static int sqlite_stream_file(const char *path, struct dbk_writer *w)
{
	unsigned char *buf = dbk_malloc(SQLITE_CHUNK);
	int fd = -1, ret = 0;
	ssize_t k;

	if (!buf)
		return DBK_ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = dbk_seterr(DBK_EIO, "could not read scratch copy '%s': %s", path,
				 strerror(errno));
		goto out;
	}
	for (;;) {
		k = read(fd, buf, SQLITE_CHUNK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ret = dbk_seterr(DBK_EIO, "could not read scratch copy '%s': %s", path,
					 strerror(errno));
			goto out;
		}
		if (k == 0)
			break;
		ret = dbk_write(w, buf, (size_t)k);
		if (ret < 0)
			goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* Leaves the tables of opts->exclude_tables out of the copy: dropped with
 * secure_delete and then VACUUM, so no page of their data stays behind. */
static int sqlite_exclude(sqlite3 *db, const char *path, const struct dbk_strlist *tables)
{
	int rc;

	if (!tables || tables->n == 0)
		return 0;
	rc = sqlite_exec(db, "PRAGMA secure_delete = ON");
	for (size_t i = 0; rc == SQLITE_OK && i < tables->n; i++) {
		sqlite3_stmt *st = NULL;
		int found = 0;

		rc = sqlite3_prepare_v2(
		    db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", -1, &st,
		    NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, tables->items[i], -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			found = rc == SQLITE_ROW;
			rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_OK)
			break;
		if (!found) {
			dbk_warn("table '%s' is not in '%s': nothing to leave out",
				 tables->items[i], path);
			continue;
		}
		char *q = sqlite3_mprintf("DROP TABLE \"%w\"", tables->items[i]);
		if (!q)
			return dbk_oom();
		rc = sqlite_exec(db, q);
		sqlite3_free(q);
		dbk_verbose("left table '%s' out of the copy of '%s'", tables->items[i], path);
	}
	if (rc == SQLITE_OK)
		rc = sqlite_exec(db, "VACUUM");
	if (rc != SQLITE_OK)
		return sqlite_fail_db(db, rc, "could not leave tables out of the copy of", path);
	return 0;
}

/* The check of the finished copy (integrity_check, then the row counts)
 * runs on a thread of its own while the caller streams the copy into the
 * compressor, so the two overlap.  The thread has its own error slot; the
 * caller reads ret and msg after joining it.  db is opened and closed by
 * the caller, which may sqlite3_interrupt() it to stop the check early. */
struct sqlite_check {
	sqlite3 *db;
	const char *path; /* the source, for messages */
	pthread_t thread;
	int started;
	int ret;		   /* 0 or a DBK_E code; msg then says why */
	char msg[1024];
	struct dbk_strbuf integrity; /* "ok", or what is wrong */
	struct dbk_tables tables;    /* counted when the copy is sound */
};

static void sqlite_check_run(struct sqlite_check *k)
{
	int rc = sqlite_integrity(k->db, &k->integrity);

	if (rc != SQLITE_OK && rc != SQLITE_CORRUPT && rc != SQLITE_NOTADB) {
		k->ret = sqlite_fail_db(k->db, rc, "could not check the copy of", k->path);
	} else {
		if (rc != SQLITE_OK) {
			dbk_strbuf_reset(&k->integrity);
			dbk_strbuf_addstr(&k->integrity, sqlite3_errmsg(k->db));
		}
		if (strcmp(k->integrity.buf, "ok") == 0)
			k->ret = sqlite_count(k->db, k->path, &k->tables);
	}
	if (k->ret < 0)
		snprintf(k->msg, sizeof(k->msg), "%s", dbk_errmsg());
}

static void *sqlite_check_main(void *arg)
{
	sqlite_check_run(arg);
	return NULL;
}

/* Starts the check of db on its thread (or runs it here when no thread can
 * be had: slower, not wrong). */
static void sqlite_check_start(struct sqlite_check *k)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* signals are the main thread's */
	k->started = pthread_create(&k->thread, NULL, sqlite_check_main, k) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!k->started)
		sqlite_check_run(k);
}

static void sqlite_check_join(struct sqlite_check *k)
{
	if (k->started)
		pthread_join(k->thread, NULL);
	k->started = 0;
}

static int sqlite_dump(struct dbk_conn *conn, const struct dbk_dump_opts *opts,
		       struct dbk_writer *w, struct dbk_dump_info *info)
{
	struct sqlite_conn *c = (struct sqlite_conn *)conn;
	struct dbk_strbuf scratch = DBK_STRBUF_INIT, msg = DBK_STRBUF_INIT;
	struct dbk_strbuf mode = DBK_STRBUF_INIT;
	struct sqlite_check check = {.integrity = DBK_STRBUF_INIT, .tables = DBK_TABLES_INIT};
	const char *dir = opts && opts->scratch_dir ? opts->scratch_dir : NULL;
	int busy_ms = opts && opts->lock_timeout_ms > 0 ? opts->lock_timeout_ms : sqlite_busy_ms();
	sqlite3 *dst = NULL;
	int fd = -1, rc, ret, restarts = 0, have_scratch = 0;
	char method[64];

	if (!dir)
		dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	sqlite3_busy_timeout(c->db, busy_ms);

	ret = sqlite_mkscratch(dir, ".dbkeep-scratch-", &scratch, &fd);
	if (ret < 0)
		goto out;
	have_scratch = 1;
	close(fd);
	fd = -1;

	rc = sqlite_open(scratch.buf, SQLITE_OPEN_READWRITE, busy_ms, &dst, &msg);
	if (rc != SQLITE_OK) {
		ret = dbk_seterr(DBK_EDB, "could not open scratch copy '%s': %s", scratch.buf,
				 msg.buf);
		goto out;
	}
	/* The scratch copy is thrown away if we stop; durability comes from
	 * the fsync of the backup file itself.  Without this, SQLite syncs the
	 * copy at every step of the backup API, which dominated large copies. */
	sqlite_exec(dst, "PRAGMA synchronous = OFF");

	rc = sqlite_query_text(c->db, "PRAGMA journal_mode", "", &mode);
	if (rc != SQLITE_OK) {
		ret = sqlite_fail_db(c->db, rc, "could not read database", c->path);
		goto out;
	}
	if (strcmp(mode.buf, "wal") == 0) {
		/* Readers never block in WAL mode: one pass from a snapshot
		 * that includes every commit still only in the -wal. */
		ret = sqlite_copy_held(c->db, dst, c->path, scratch.buf);
		snprintf(method, sizeof(method), "wal-snapshot");
	} else {
		ret = sqlite_copy_stepped(c->db, dst, c->path, scratch.buf, busy_ms, &restarts);
		if (ret == 1) {
			/* Writers keep winning: hold a SHARED lock for one
			 * pass, so they wait for us instead. */
			ret = sqlite_copy_held(c->db, dst, c->path, scratch.buf);
			snprintf(method, sizeof(method), "locked after %d restarts", restarts);
		} else if (restarts > 0) {
			snprintf(method, sizeof(method), "stepped, %d restart%s", restarts,
				 restarts == 1 ? "" : "s");
		} else {
			snprintf(method, sizeof(method), "stepped");
		}
	}
	if (ret < 0)
		goto out;
	dbk_verbose("copied '%s' (journal mode %s): %s", c->path, mode.buf, method);
	if (!(info->method = dbk_strdup(method))) {
		ret = DBK_ENOMEM;
		goto out;
	}

	/* Leave out what was asked, through a fresh handle: it then reads the
	 * header the copy really has (the source's), not the one the scratch
	 * began with.  So does the check's. */
	sqlite3_close(dst);
	dst = NULL;
	if (opts && opts->exclude_tables && opts->exclude_tables->n > 0) {
		dbk_strbuf_reset(&msg);
		rc = sqlite_open(scratch.buf, SQLITE_OPEN_READWRITE, busy_ms, &dst, &msg);
		if (rc != SQLITE_OK) {
			ret = dbk_seterr(DBK_EDB, "could not open scratch copy '%s': %s",
					 scratch.buf, msg.buf);
			goto out;
		}
		if ((ret = sqlite_exclude(dst, c->path, opts->exclude_tables)) < 0)
			goto out;
		sqlite3_close(dst);
		dst = NULL;
	}
	dbk_strbuf_reset(&msg);
	rc = sqlite_open(scratch.buf, SQLITE_OPEN_READONLY, busy_ms, &dst, &msg);
	if (rc != SQLITE_OK) {
		ret = dbk_seterr(DBK_EDB, "could not open scratch copy '%s': %s", scratch.buf,
				 msg.buf);
		goto out;
	}

	/* The copy goes to the compressor while it is checked; a copy that
	 * fails the check fails the backup, and its file is thrown away. */
	check.db = dst;
	check.path = c->path;
	sqlite_check_start(&check);
	ret = sqlite_stream_file(scratch.buf, w);
	if (ret < 0)
		sqlite3_interrupt(dst);
	sqlite_check_join(&check);
	if (ret < 0)
		goto out;
	if (check.ret < 0) {
		ret = dbk_seterr(check.ret, "%s", check.msg);
		goto out;
	}
	if (!(info->integrity = dbk_strdup(check.integrity.buf))) {
		ret = DBK_ENOMEM;
		goto out;
	}
	if (strcmp(check.integrity.buf, "ok") != 0) {
		ret = dbk_seterr(DBK_ECORRUPT, "integrity check of the copy of '%s' failed: %s",
				 c->path, check.integrity.buf);
		goto out;
	}
	info->tables = check.tables;
	check.tables = (struct dbk_tables)DBK_TABLES_INIT;
out:
	sqlite_check_join(&check);
	dbk_strbuf_release(&check.integrity);
	dbk_tables_release(&check.tables);
	if (fd >= 0)
		close(fd);
	sqlite3_close(dst);
	if (have_scratch)
		sqlite_remove_files(scratch.buf);
	dbk_strbuf_release(&scratch);
	dbk_strbuf_release(&msg);
	dbk_strbuf_release(&mode);
	return ret;
}

/* ---- count_tables / restore_probe --------------------------------------- */

static int sqlite_count_tables(struct dbk_conn *conn, struct dbk_tables *out)
{
	struct sqlite_conn *c = (struct sqlite_conn *)conn;

	return sqlite_count(c->db, c->path, out);
}

static int sqlite_restore_probe(const struct dbk_target *t, int *exists)
{
	struct stat st;

	*exists = 0;
	if (!t->db || !*t->db)
		return dbk_seterr(DBK_EUSAGE, "no SQLite database path given");
	if (stat(t->db, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return dbk_seterr(DBK_EIO, "could not look at '%s': %s", t->db, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return dbk_seterr(DBK_EIO, "'%s' is not a regular file", t->db);
	*exists = 1;
	return 0;
}

/* ---- restore ------------------------------------------------------------- */

/* The text sqlite3's .dump starts with: such files, left in the backup
 * folder by older cron jobs, restore by running them into the scratch. */
static int sqlite_is_sql_dump(const void *head, size_t n)
{
	static const char *const starts[] = {"PRAGMA foreign_keys=OFF;", "BEGIN TRANSACTION;"};

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (n >= strlen(starts[i]) && memcmp(head, starts[i], strlen(starts[i])) == 0)
			return 1;
	return 0;
}

/*
 * Runs an SQL script (the rest of it read from r after the first n bytes in
 * head) into the empty database at path, one complete statement at a time
 * (sqlite3_complete), so memory holds one statement.  A script that leaves
 * its transaction open was cut short: refused rather than restored half.
 */
static int sqlite_run_script(const char *path, const unsigned char *head, size_t n,
			     struct dbk_reader *r, unsigned char *buf)
{
	struct dbk_strbuf stmt = DBK_STRBUF_INIT, msg = DBK_STRBUF_INIT;
	sqlite3 *db = NULL;
	long line = 1, first_line = 1;
	int rc, ret = 0;

	rc = sqlite_open(path, SQLITE_OPEN_READWRITE, sqlite_busy_ms(), &db, &msg);
	if (rc != SQLITE_OK) {
		ret = dbk_seterr(DBK_EDB, "could not open scratch file '%s': %s", path, msg.buf);
		goto out;
	}
	for (;;) {
		for (size_t i = 0; i < n; i++) {
			char ch = (char)head[i];

			if (stmt.len == 0 && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')) {
				line += ch == '\n';
				continue;
			}
			if (stmt.len == 0)
				first_line = line;
			dbk_strbuf_addch(&stmt, ch);
			line += ch == '\n';
			if (ch != ';' || !sqlite3_complete(stmt.buf))
				continue;
			rc = sqlite3_exec(db, stmt.buf, NULL, NULL, NULL);
			if (rc != SQLITE_OK) {
				ret = dbk_seterr(DBK_ECORRUPT, "SQL dump, line %ld: %s", first_line,
						 sqlite3_errmsg(db));
				goto out;
			}
			dbk_strbuf_reset(&stmt);
		}
		ssize_t k = dbk_read(r, buf, SQLITE_CHUNK);
		if (k < 0) {
			ret = (int)k;
			goto out;
		}
		if (k == 0)
			break;
		head = buf;
		n = (size_t)k;
	}
	if (stmt.len || !sqlite3_get_autocommit(db))
		ret = dbk_seterr(DBK_ECORRUPT,
				 "SQL dump is truncated: it ends inside %s",
				 stmt.len ? "a statement" : "a transaction");
out:
	if (db && sqlite3_close(db) != SQLITE_OK && !ret)
		ret = dbk_seterr(DBK_EIO, "could not close scratch file '%s'", path);
	dbk_strbuf_release(&stmt);
	dbk_strbuf_release(&msg);
	return ret;
}

/* Writes everything read from r into fd (the file at path), then fsyncs.
 * An sqlite3 .dump script is run into the file instead of copied. */
static int sqlite_fill_file(struct dbk_reader *r, int fd, const char *path)
{
	unsigned char *buf = dbk_malloc(SQLITE_CHUNK);
	int ret = 0, first = 1;

	if (!buf)
		return DBK_ENOMEM;
	for (;;) {
		ssize_t k = first ? dbk_read_full(r, buf, 4096) : dbk_read(r, buf, SQLITE_CHUNK);
		if (k < 0) {
			ret = (int)k;
			goto out;
		}
		if (k == 0)
			break;
		if (first && sqlite_is_sql_dump(buf, (size_t)k)) {
			unsigned char *head = dbk_malloc((size_t)k);
			if (!head) {
				ret = DBK_ENOMEM;
				goto out;
			}
			memcpy(head, buf, (size_t)k);
			ret = sqlite_run_script(path, head, (size_t)k, r, buf);
			free(head);
			goto out;
		}
		first = 0;
		for (ssize_t done = 0; done < k;) {
			ssize_t n = write(fd, buf + done, (size_t)(k - done));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				ret = dbk_seterr(DBK_EIO, "could not write scratch file '%s': %s",
						 path, strerror(errno));
				goto out;
			}
			done += n;
		}
	}
	if (fsync(fd) != 0)
		ret = dbk_seterr(DBK_EIO, "could not write scratch file '%s': %s", path,
				 strerror(errno));
out:
	free(buf);
	return ret;
}

/* Opens the database file at path (written from a backup) and checks that it
 * is an SQLite database that passes integrity_check.  On success *out is the
 * open handle.  Failures are DBK_ECORRUPT "backup is not a valid SQLite
 * database: ..." (or an I/O error when the file itself cannot be used). */
static int sqlite_open_checked(const char *path, int busy_ms, sqlite3 **out,
			       struct dbk_strbuf *result)
{
	struct dbk_strbuf msg = DBK_STRBUF_INIT;
	unsigned char head[sizeof(sqlite_magic)];
	sqlite3 *db = NULL;
	ssize_t n;
	int rc, ret = 0;

	*out = NULL;
	dbk_strbuf_reset(result);
	n = sqlite_read_head(path, head, sizeof(head));
	if (n < 0) {
		ret = dbk_seterr(DBK_EIO, "could not read scratch file '%s': %s", path,
				 strerror(errno));
		goto out;
	}
	/* SQLite would take an empty file for an empty database, but a dump
	 * always has at least page 1 (even of an empty source): an empty
	 * stream is a broken backup. */
	if (n == 0) {
		dbk_strbuf_addstr(result, "file is empty");
		ret = DBK_ECORRUPT;
		goto out;
	}
	if ((size_t)n < sizeof(head) || memcmp(head, sqlite_magic, sizeof(head)) != 0) {
		dbk_strbuf_addstr(result, sqlite3_errstr(SQLITE_NOTADB));
		ret = DBK_ECORRUPT;
		goto out;
	}
	rc = sqlite_open(path, SQLITE_OPEN_READWRITE, busy_ms, &db, &msg);
	if (rc != SQLITE_OK) {
		ret = dbk_seterr(DBK_EDB, "could not open scratch file '%s': %s", path, msg.buf);
		goto out;
	}
	rc = sqlite_probe(db);
	if (rc == SQLITE_OK)
		rc = sqlite_integrity(db, result);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		dbk_strbuf_reset(result);
		dbk_strbuf_addstr(result, sqlite3_errmsg(db));
		ret = DBK_ECORRUPT;
		goto out;
	}
	if (rc != SQLITE_OK) {
		ret = sqlite_fail_db(db, rc, "could not check scratch file", path);
		goto out;
	}
	if (strcmp(result->buf, "ok") != 0) {
		ret = DBK_ECORRUPT;
		goto out;
	}
	*out = db;
	db = NULL;
out:
	if (ret == DBK_ECORRUPT)
		dbk_seterr(DBK_ECORRUPT, "backup is not a valid SQLite database: %s", result->buf);
	sqlite3_close(db);
	dbk_strbuf_release(&msg);
	return ret;
}

static int sqlite_load_scratch(const struct dbk_target *t, struct dbk_reader *r,
			       const struct dbk_restore_opts *opts, struct dbk_conn **scratch)
{
	struct dbk_strbuf dir = DBK_STRBUF_INIT, base = DBK_STRBUF_INIT;
	struct dbk_strbuf path = DBK_STRBUF_INIT, prefix = DBK_STRBUF_INIT;
	struct dbk_strbuf check = DBK_STRBUF_INIT;
	struct sqlite_conn *c;
	sqlite3 *db = NULL;
	int fd = -1, ret, have_file = 0;

	(void)opts; /* SQLite's scratch lives beside the target, not in scratch_dir */
	*scratch = NULL;
	if (!t->db || !*t->db)
		return dbk_seterr(DBK_EUSAGE, "no SQLite database path given");
	sqlite_split_path(t->db, &dir, &base);
	/* Beside the target: same file system, and cleanup finds it there
	 * after a killed restore. */
	dbk_strbuf_addf(&prefix, ".%s.dbkeep-restore-", base.buf);
	ret = sqlite_mkscratch(dir.buf, prefix.buf, &path, &fd);
	if (ret < 0)
		goto out;
	have_file = 1;
	ret = sqlite_fill_file(r, fd, path.buf);
	close(fd);
	fd = -1;
	if (ret < 0)
		goto out;
	ret = sqlite_open_checked(path.buf, sqlite_busy_ms(), &db, &check);
	if (ret < 0)
		goto out;
	c = sqlite_conn_new(db, path.buf, t->db);
	if (!c) {
		ret = DBK_ENOMEM;
		goto out;
	}
	c->scratch = 1;
	db = NULL;
	have_file = 0;
	*scratch = &c->base;
	dbk_verbose("loaded the backup into scratch database '%s'", path.buf);
out:
	if (fd >= 0)
		close(fd);
	sqlite3_close(db);
	if (have_file)
		sqlite_remove_files(path.buf);
	dbk_strbuf_release(&dir);
	dbk_strbuf_release(&base);
	dbk_strbuf_release(&path);
	dbk_strbuf_release(&prefix);
	dbk_strbuf_release(&check);
	return ret;
}

static void sqlite_discard(struct dbk_conn *conn)
{
	struct sqlite_conn *c = (struct sqlite_conn *)conn;

	if (!c)
		return;
	sqlite3_close(c->db);
	c->db = NULL;
	if (c->scratch)
		sqlite_remove_files(c->path);
	sqlite_conn_free(c);
}

/* PRAGMA page_size of db, or -1. */
static int sqlite_page_size(sqlite3 *db)
{
	struct dbk_strbuf v = DBK_STRBUF_INIT;
	int n = -1;

	if (sqlite_query_text(db, "PRAGMA page_size", "", &v) == SQLITE_OK)
		n = atoi(v.buf);
	dbk_strbuf_release(&v);
	return n;
}

/* Sets the journal mode of db (to "wal" or "delete"); returns 1 when the
 * database is in that mode afterwards. */
static int sqlite_set_journal_mode(sqlite3 *db, const char *mode)
{
	struct dbk_strbuf sql = DBK_STRBUF_INIT, got = DBK_STRBUF_INIT;
	int ok;

	dbk_strbuf_addf(&sql, "PRAGMA journal_mode = %s", mode);
	ok = sqlite_query_text(db, sql.buf, "", &got) == SQLITE_OK && strcmp(got.buf, mode) == 0;
	dbk_strbuf_release(&sql);
	dbk_strbuf_release(&got);
	return ok;
}

/* Copies the scratch database into the open target in one write
 * transaction, waiting (within the busy timeout) while others hold locks
 * that keep us from writing.  Returns an SQLite result code: SQLITE_DONE on
 * success. */
static int sqlite_copy_into(sqlite3 *src, sqlite3 *dst, int busy_ms, struct dbk_strbuf *msg)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	long start = sqlite_now_ms();
	int rc;

	if (!b) {
		dbk_strbuf_addstr(msg, sqlite3_errmsg(dst));
		return sqlite3_errcode(dst);
	}
	for (;;) {
		rc = sqlite3_backup_step(b, -1);
		if (!sqlite_is_busy(rc) || sqlite_now_ms() - start >= busy_ms)
			break;
		sqlite3_sleep(SQLITE_RETRY_SLEEP_MS);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		dbk_strbuf_addstr(msg, sqlite3_errstr(rc));
	return rc;
}

/* Gives the restored target the journal mode of the backup.  A fresh
 * handle: the one that ran the copy still holds what it knew of the old
 * database (its text encoding, for one) and refuses further statements when
 * that changed.  Failing (the target is in use) leaves the data restored,
 * so it only warns. */
static void sqlite_fix_journal_mode(const char *target, int want_wal, int busy_ms)
{
	struct dbk_strbuf msg = DBK_STRBUF_INIT, mode = DBK_STRBUF_INIT;
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite_open(target, SQLITE_OPEN_READWRITE, busy_ms, &db, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite_query_text(db, "PRAGMA journal_mode", "", &mode);
	if (rc != SQLITE_OK) {
		dbk_warn("could not check the journal mode of '%s': %s", target,
			 db ? sqlite3_errmsg(db) : msg.buf);
		goto out;
	}
	if (want_wal && strcmp(mode.buf, "wal") != 0 && !sqlite_set_journal_mode(db, "wal"))
		dbk_warn("'%s' could not be put back in WAL mode: %s", target, sqlite3_errmsg(db));
	if (!want_wal && strcmp(mode.buf, "wal") == 0 && !sqlite_set_journal_mode(db, "delete"))
		dbk_warn("'%s' stays in WAL mode (the backup was not): %s", target,
			 sqlite3_errmsg(db));
out:
	sqlite3_close(db);
	dbk_strbuf_release(&msg);
	dbk_strbuf_release(&mode);
}

static int sqlite_swap(struct dbk_conn *conn, const struct dbk_target *t,
		       const struct dbk_restore_opts *opts)
{
	struct sqlite_conn *s = (struct sqlite_conn *)conn;
	struct dbk_strbuf msg = DBK_STRBUF_INIT, mode = DBK_STRBUF_INIT;
	struct dbk_strbuf dir = DBK_STRBUF_INIT, base = DBK_STRBUF_INIT;
	const char *target = t->db;
	int busy_ms = sqlite_busy_ms();
	unsigned char head[100];
	sqlite3 *dst = NULL;
	struct stat st;
	ssize_t n;
	int rc, ret = 0, created = 0, want_wal, was_wal = 0, left_wal = 0;

	(void)opts;
	if (!target || !*target) {
		ret = dbk_seterr(DBK_EUSAGE, "no SQLite database path given");
		goto out;
	}
	n = sqlite_read_head(s->path, head, sizeof(head));
	if (n < 0) {
		ret = dbk_seterr(DBK_EIO, "could not read scratch file '%s': %s", s->path,
				 strerror(errno));
		goto out;
	}
	want_wal = sqlite_header_is_wal(head, (size_t)n);

	if (stat(target, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			ret = dbk_seterr(DBK_EIO, "'%s' is not a regular file", target);
			goto out;
		}
	} else if (errno == ENOENT) {
		/* Created by us first, so the mode is 0600 whatever the
		 * umask, and O_EXCL so we never take over someone's file. */
		int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			ret = dbk_seterr(DBK_EIO, "could not create database '%s': %s", target,
					 strerror(errno));
			goto out;
		}
		close(fd);
		created = 1;
	} else {
		ret = dbk_seterr(DBK_EIO, "could not look at '%s': %s", target, strerror(errno));
		goto out;
	}

	rc = sqlite_open(target, SQLITE_OPEN_READWRITE, busy_ms, &dst, &msg);
	if (rc != SQLITE_OK) {
		ret = sqlite_fail(rc, msg.buf, "could not open database", target);
		goto out;
	}
	rc = sqlite_probe(dst);
	if (rc == SQLITE_OK)
		rc = sqlite_query_text(dst, "PRAGMA journal_mode", "", &mode);
	if (rc != SQLITE_OK) {
		ret = sqlite_fail_db(dst, rc, "could not read database", target);
		goto out;
	}
	was_wal = strcmp(mode.buf, "wal") == 0;
	if (was_wal && sqlite_page_size(dst) != sqlite_page_size(s->db)) {
		/* The backup API cannot change the page size of a WAL
		 * database: leave WAL for the copy (this needs the target
		 * to be idle), or fail with the target untouched. */
		if (!sqlite_set_journal_mode(dst, "delete")) {
			ret =
			    dbk_seterr(DBK_EBUSY,
				       "could not restore into '%s': its page size (%d) differs "
				       "from the backup's (%d) and it cannot leave WAL mode while "
				       "in use: %s",
				       target, sqlite_page_size(dst), sqlite_page_size(s->db),
				       sqlite3_errmsg(dst));
			goto out;
		}
		left_wal = 1;
		dbk_verbose("'%s' left WAL mode to take the backup's page size", target);
	}

	dbk_strbuf_reset(&msg);
	rc = sqlite_copy_into(s->db, dst, busy_ms, &msg);
	if (rc != SQLITE_DONE) {
		if (left_wal)
			(void)sqlite_set_journal_mode(dst, "wal");
		ret = sqlite_fail(rc, msg.buf, "could not restore into", target);
		goto out;
	}

	rc = sqlite3_close(dst);
	dst = NULL;
	if (rc != SQLITE_OK) {
		ret = dbk_seterr(DBK_EDB, "could not close database '%s': %s", target,
				 sqlite3_errstr(rc));
		goto out;
	}
	sqlite_fix_journal_mode(target, want_wal, busy_ms);
	if (created) {
		sqlite_split_path(target, &dir, &base);
		ret = dbk_fsync_dir(dir.buf);
	}
out:
	sqlite3_close(dst);
	if (ret < 0 && created)
		sqlite_remove_files(target);
	sqlite_discard(conn);
	dbk_strbuf_release(&msg);
	dbk_strbuf_release(&mode);
	dbk_strbuf_release(&dir);
	dbk_strbuf_release(&base);
	return ret;
}

/* ---- optional ------------------------------------------------------------ */

static int sqlite_sniff(const void *head, size_t n)
{
	return (n >= sizeof(sqlite_magic) && memcmp(head, sqlite_magic, sizeof(sqlite_magic)) == 0) ||
	       sqlite_is_sql_dump(head, n);
}

static int sqlite_check_copy(struct dbk_reader *r, const char *scratch_dir,
			     struct dbk_strbuf *result)
{
	struct dbk_strbuf path = DBK_STRBUF_INIT;
	sqlite3 *db = NULL;
	int fd = -1, ret;

	if (!scratch_dir)
		scratch_dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	dbk_strbuf_reset(result);
	ret = sqlite_mkscratch(scratch_dir, ".dbkeep-scratch-", &path, &fd);
	if (ret < 0)
		goto out_nofile;
	ret = sqlite_fill_file(r, fd, path.buf);
	close(fd);
	if (ret < 0)
		goto out;
	ret = sqlite_open_checked(path.buf, sqlite_busy_ms(), &db, result);
	if (ret == DBK_ECORRUPT && result->len) {
		/* result already holds the failure; say what it is */
		struct dbk_strbuf tmp = DBK_STRBUF_INIT;
		dbk_strbuf_addf(&tmp, "not a valid SQLite database: %s", result->buf);
		dbk_strbuf_reset(result);
		dbk_strbuf_addstr(result, tmp.buf);
		dbk_strbuf_release(&tmp);
	}
out:
	sqlite3_close(db);
	sqlite_remove_files(path.buf);
out_nofile:
	dbk_strbuf_release(&path);
	return ret;
}

/* Is name ".<base>.dbkeep-restore-XXXXXX" with an optional SQLite sibling
 * suffix?  The six characters are mkstemp's: letters and digits. */
static int sqlite_is_leftover(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *p = name + plen;

	if (strncmp(name, prefix, plen) != 0)
		return 0;
	for (int i = 0; i < 6; i++, p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	if (!*p)
		return 1;
	for (size_t i = 0; i < sizeof(sqlite_siblings) / sizeof(sqlite_siblings[0]); i++)
		if (strcmp(p, sqlite_siblings[i]) == 0)
			return 1;
	return 0;
}

static int sqlite_cleanup(const struct dbk_target *t)
{
	struct dbk_strbuf dir = DBK_STRBUF_INIT, base = DBK_STRBUF_INIT;
	struct dbk_strbuf prefix = DBK_STRBUF_INIT, path = DBK_STRBUF_INIT;
	struct dirent *e;
	DIR *d;
	int ret = 0;

	if (!t->db || !*t->db)
		return dbk_seterr(DBK_EUSAGE, "no SQLite database path given");
	sqlite_split_path(t->db, &dir, &base);
	dbk_strbuf_addf(&prefix, ".%s.dbkeep-restore-", base.buf);
	d = opendir(dir.buf);
	if (!d) {
		if (errno != ENOENT)
			ret = dbk_seterr(DBK_EIO, "could not read folder '%s': %s", dir.buf,
					 strerror(errno));
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		if (!sqlite_is_leftover(e->d_name, prefix.buf))
			continue;
		dbk_path_join(&path, dir.buf, e->d_name);
		if (unlink(path.buf) != 0 && errno != ENOENT) {
			ret = dbk_seterr(DBK_EIO, "could not remove '%s': %s", path.buf,
					 strerror(errno));
			continue;
		}
		dbk_verbose("removed '%s', left by an interrupted restore", path.buf);
	}
	closedir(d);
out:
	dbk_strbuf_release(&dir);
	dbk_strbuf_release(&base);
	dbk_strbuf_release(&prefix);
	dbk_strbuf_release(&path);
	return ret;
}

/* The dump is the database's pages, all of them: page_count * page_size. */
static int sqlite_size_hint(struct dbk_conn *conn, uint64_t *bytes)
{
	struct sqlite_conn *c = (struct sqlite_conn *)conn;
	sqlite3_stmt *st = NULL;
	int rc;

	*bytes = 0;
	rc = sqlite3_prepare_v2(
	    c->db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", -1,
	    &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		*bytes = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sqlite_fail_db(c->db, rc, "could not read database", c->path);
	return 0;
}

const struct dbk_driver dbk_driver_sqlite = {
    .name = "sqlite",
    .ext = "db",
    .caps = DBK_CAP_FILE_TARGET,

    /* Required */
    .connect = sqlite_connect,
    .disconnect = sqlite_disconnect,
    .dump = sqlite_dump,
    .count_tables = sqlite_count_tables,
    .restore_probe = sqlite_restore_probe,
    .load_scratch = sqlite_load_scratch,
    .swap = sqlite_swap,
    .discard = sqlite_discard,

    /* Optional */
    .sniff = sqlite_sniff,
    .check_copy = sqlite_check_copy,
    .cleanup = sqlite_cleanup,
    .size_hint = sqlite_size_hint,
};
