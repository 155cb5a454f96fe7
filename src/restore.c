/*
 * restore.c - checking a backup file and the drop-and-recreate restore
 * protocol shared by every engine (see restore.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dbkeep/backupset.h"
#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/log.h"
#include "dbkeep/names.h"
#include "dbkeep/progress.h"
#include "dbkeep/prompt.h"
#include "dbkeep/restore.h"

/* Whether the file at path starts with the gzip magic. */
static int file_is_gzip(const char *path, int *is_gz)
{
	unsigned char head[2];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return dbk_seterr(errno == ENOENT ? DBK_ENOTFOUND : DBK_EIO,
				  "could not open backup '%s': %s", path, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return dbk_seterr(DBK_EIO, "could not read backup '%s': %s", path, strerror(errno));
	if (n == 0)
		return dbk_seterr(DBK_ECORRUPT, "backup '%s' is empty", path);
	*is_gz = dbk_is_gzip_magic(head, (size_t)n);
	return 0;
}

/* file -> sha256 -> [gunzip ->] count; *sha and *count are borrowed layers;
 * progress (may be NULL) is fed by the count layer. */
static int open_chain(const struct dbk_entry *e, struct dbk_reader **out, struct dbk_reader **sha,
		      struct dbk_reader **count, struct dbk_progress *progress)
{
	struct dbk_reader *r;
	int gz = 0, rc;

	*out = NULL;
	if ((rc = file_is_gzip(e->path, &gz)) || (rc = dbk_file_reader_new(e->path, &r)) ||
	    (rc = dbk_sha256_reader_new(r, &r)))
		return rc;
	if (sha)
		*sha = r;
	if (gz && (rc = dbk_gunzip_reader_new(r, e->file, &r)))
		return rc;
	if ((rc = dbk_count_reader_new(r, progress ? dbk_progress_update : NULL, progress, &r)))
		return rc;
	if (count)
		*count = r;
	*out = r;
	return 0;
}

int dbk_backup_open(const struct dbk_entry *e, struct dbk_reader **out)
{
	return open_chain(e, out, NULL, NULL, NULL);
}

/* Reads the hex digest recorded in <data>.sha256 into hex (65 bytes). */
static int read_sha_file(const char *data_path, char *hex)
{
	struct dbk_strbuf p = DBK_STRBUF_INIT, text = DBK_STRBUF_INIT;
	int rc;

	dbk_strbuf_addf(&p, "%s%s", data_path, DBK_SUFFIX_SHA256);
	rc = dbk_read_file(p.buf, 4096, &text);
	if (rc == 0) {
		if (text.len < DBK_SHA256_HEX_LEN)
			rc = dbk_seterr(DBK_ECORRUPT, "checksum file '%s' is malformed", p.buf);
		else
			snprintf(hex, DBK_SHA256_HEX_LEN + 1, "%s", text.buf);
	}
	dbk_strbuf_release(&p);
	dbk_strbuf_release(&text);
	return rc;
}

/* Collects one problem into result and remembers the first code. */
static void problem(struct dbk_strbuf *result, int *first, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void problem(struct dbk_strbuf *result, int *first, int code, const char *fmt, ...)
{
	va_list ap;

	if (result->len)
		dbk_strbuf_addstr(result, "; ");
	va_start(ap, fmt);
	dbk_strbuf_vaddf(result, fmt, ap);
	va_end(ap);
	if (!*first)
		*first = code;
}

/*
 * The checks of one backup: the files of the set, the stored bytes' SHA-256
 * against the manifest and the .sha256 file, and, when decode, a full
 * decompression (gzip CRC and length) with the raw size against the
 * manifest.  Every problem goes into result; the return is the first code.
 */
static int check_backup(const struct dbk_entry *e, int decode, struct dbk_strbuf *result)
{
	const struct dbk_manifest *m = e->has_manifest ? &e->manifest : NULL;
	struct dbk_reader *r = NULL, *sha = NULL, *count = NULL;
	char recorded[DBK_SHA256_HEX_LEN + 1] = "";
	int first = 0, rc;

	if (e->problems & DBK_PROBLEM_BAD_MANIFEST)
		problem(result, &first, DBK_ECORRUPT, "manifest is unreadable");
	if (e->problems & DBK_PROBLEM_DATA_MISSING) {
		problem(result, &first, DBK_ENOTFOUND, "data file '%s' is missing", e->file);
		goto out;
	}
	if (m && (e->problems & DBK_PROBLEM_SHA_MISSING))
		problem(result, &first, DBK_ECORRUPT, "checksum file '%s%s' is missing", e->file,
			DBK_SUFFIX_SHA256);
	if (m && !(e->problems & DBK_PROBLEM_SHA_MISSING)) {
		if (read_sha_file(e->path, recorded)) {
			problem(result, &first, DBK_ECORRUPT, "%s", dbk_errmsg());
			dbk_clearerr();
			recorded[0] = '\0';
		}
	}
	if (m && (e->problems & DBK_PROBLEM_SIZE_MISMATCH))
		problem(result, &first, DBK_ECORRUPT,
			"size is %" PRIu64 " bytes, the manifest says %" PRIu64, e->stored_bytes,
			m->stored_bytes);

	if ((rc = open_chain(e, &r, &sha, &count, NULL))) {
		problem(result, &first, rc, "%s", dbk_errmsg());
		dbk_clearerr();
		goto out;
	}
	if (!decode) {
		/* Checksum only: read the stored bytes below the gzip layer. */
		rc = dbk_read_drain(sha);
	} else {
		rc = dbk_read_drain(r);
	}
	if (rc) {
		problem(result, &first, rc, "%s", dbk_errmsg());
		dbk_clearerr();
		/* Still hash the rest of the stored file: a checksum mismatch
		 * tells the admin the file changed since it was written. */
		if (!decode || dbk_read_drain(sha) != 0) {
			dbk_clearerr();
			goto out;
		}
		decode = 0;
	}
	if (m && strcmp(dbk_sha256_reader_hex(sha), m->sha256) != 0)
		problem(result, &first, DBK_ECORRUPT,
			"checksum mismatch: the file's SHA-256 is %.12s..., the manifest says "
			"%.12s...",
			dbk_sha256_reader_hex(sha), m->sha256);
	if (recorded[0] && strcmp(dbk_sha256_reader_hex(sha), recorded) != 0)
		problem(result, &first, DBK_ECORRUPT,
			"checksum mismatch: the file's SHA-256 is %.12s..., '%s%s' says %.12s...",
			dbk_sha256_reader_hex(sha), e->file, DBK_SUFFIX_SHA256, recorded);
	if (decode && m && dbk_count_reader_bytes(count) != m->raw_bytes)
		problem(result, &first, DBK_ECORRUPT,
			"decompressed size is %" PRIu64 " bytes, the manifest says %" PRIu64,
			dbk_count_reader_bytes(count), m->raw_bytes);
	if (!first && decode && dbk_count_reader_bytes(count) == 0)
		problem(result, &first, DBK_ECORRUPT, "backup holds no data");
out:
	dbk_reader_free(r);
	return first;
}

int dbk_backup_check(const char *dir, const struct dbk_entry *e, int deep,
		     struct dbk_strbuf *result)
{
	const struct dbk_driver *drv = e->engine ? dbk_driver_find(e->engine) : NULL;
	struct dbk_strbuf deep_result = DBK_STRBUF_INIT;
	struct dbk_reader *r = NULL;
	int rc;

	dbk_strbuf_reset(result);
	rc = check_backup(e, 1, result);
	if (rc == 0 && deep) {
		if (!drv || !drv->check_copy) {
			problem(result, &rc, DBK_EUSAGE, "no deep check for engine '%s'",
				e->engine ? e->engine : "unknown");
		} else if ((rc = dbk_backup_open(e, &r)) ||
			   (rc = drv->check_copy(r, dir, &deep_result))) {
			problem(result, &rc, rc, "deep check failed: %s",
				deep_result.len ? deep_result.buf : dbk_errmsg());
			dbk_clearerr();
		} else {
			dbk_strbuf_addf(result, "%s", deep_result.buf);
		}
	}
	dbk_reader_free(r);
	dbk_strbuf_release(&deep_result);
	return rc;
}

int dbk_tables_check(const struct dbk_tables *want, const struct dbk_tables *got,
		     const char *where)
{
	if (want->n != got->n)
		return dbk_seterr(DBK_ECORRUPT, "%s has %zu tables, the backup had %zu", where,
				  got->n, want->n);
	for (size_t i = 0; i < want->n; i++) {
		const struct dbk_table_count *g = dbk_tables_find(got, want->items[i].name);
		if (!g)
			return dbk_seterr(DBK_ECORRUPT, "%s lacks table '%s'", where,
					  want->items[i].name);
		if (g->rows != want->items[i].rows)
			return dbk_seterr(DBK_ECORRUPT,
					  "%s has %" PRId64 " rows in table '%s', the backup had "
					  "%" PRId64,
					  where, g->rows, want->items[i].name, want->items[i].rows);
	}
	return 0;
}

static void describe_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S %Z", &tm);
}

/* Takes the preRestore backup of the current target; *path gets its file. */
static int safety_backup(const struct dbk_restore_req *req, char **path)
{
	struct dbk_backup_req b;
	struct dbk_manifest m;
	struct dbk_conn *conn = NULL;
	int rc;

	*path = NULL;
	if ((rc = req->drv->connect(req->target, &conn)))
		return rc;
	memset(&b, 0, sizeof(b));
	b.dir = req->dir;
	b.conn = conn;
	b.kind = DBK_PRERESTORE_TAG;
	b.level = req->level;
	/* An empty database is still worth keeping before it is replaced. */
	b.allow_empty = 1;
	b.dump.scratch_dir = req->dir;
	b.dump.no_owner = req->opts.no_owner;
	b.dump.no_privileges = req->opts.no_privileges;
	rc = dbk_backup_write(&b, &m, path);
	if (rc) {
		/* The first error wins, so a plain dbk_seterr here would be
		 * dropped: put the cause behind this context instead, or a
		 * failed restore reads like a failed backup. */
		char *cause = dbk_strdup(dbk_errmsg());

		dbk_clearerr();
		dbk_seterr(rc, "safety backup of '%s' failed: %s", conn->display,
			   cause ? cause : "");
		free(cause);
	}
	dbk_manifest_release(&m);
	req->drv->disconnect(conn);
	return rc;
}

int dbk_restore_run(const struct dbk_restore_req *req)
{
	const struct dbk_entry *e = req->backup;
	const struct dbk_manifest *m = e->has_manifest ? &e->manifest : NULL;
	const struct dbk_driver *drv = req->drv;
	struct dbk_strbuf result = DBK_STRBUF_INIT, question = DBK_STRBUF_INIT;
	struct dbk_reader *r = NULL, *sha = NULL;
	struct dbk_conn *scratch = NULL, *live = NULL;
	struct dbk_tables counted = DBK_TABLES_INIT;
	char *safety = NULL, when[64];
	struct dbk_progress progress = {NULL, 0, 0, 0};
	int exists = 0, show, rc;

	/* 1. The backup must be sound before anything is touched. */
	rc = check_backup(e, m == NULL, &result);
	if (rc) {
		rc = dbk_seterr(rc, "backup '%s' is not restorable: %s", e->file, result.buf);
		goto out;
	}
	if ((rc = drv->restore_probe(req->target, &exists)))
		goto out;

	/* 2. Ask the person, or refuse without a terminal. */
	if (!req->force) {
		describe_time(e->created, when, sizeof(when));
		dbk_strbuf_addf(&question, "This replaces %s database '%s' with backup '%s' (%s",
				exists ? "the" : "new", req->target->db, e->file, when);
		if (m)
			dbk_strbuf_addf(&question, ", %zu tables", m->tables.n);
		dbk_strbuf_addstr(&question, ").");
		if (exists && req->safety)
			dbk_strbuf_addstr(&question,
					  "\nThe current database is saved first as a preRestore "
					  "backup.");
		if ((rc = dbk_confirm(question.buf)))
			goto out;
	}

	if (drv->cleanup && (rc = drv->cleanup(req->target)))
		goto out;

	/* 3. Keep what is there now. */
	if (exists && req->safety) {
		if ((rc = safety_backup(req, &safety)))
			goto out;
		dbk_verbose("safety backup '%s'", safety);
	}

	/* 4. Load beside the live database, 5. and prove it. */
	show = dbk_progress_init(&progress, "restored", m ? m->raw_bytes : 0);
	if ((rc = open_chain(e, &r, &sha, NULL, show ? &progress : NULL)))
		goto out;
	rc = drv->load_scratch(req->target, r, &req->opts, &scratch);
	dbk_progress_done(&progress);
	if (rc)
		goto out;
	/* The bytes loaded must be the bytes checked in step 1: the file may
	 * have been replaced or damaged since (a copy, a sync, the disk). */
	if ((rc = dbk_read_drain(r)))
		goto out;
	if (m && strcmp(dbk_sha256_reader_hex(sha), m->sha256) != 0) {
		rc = dbk_seterr(DBK_ECORRUPT,
				"backup '%s' changed while it was restored: the SHA-256 of the "
				"bytes loaded is %.12s..., the manifest says %.12s...",
				e->file, dbk_sha256_reader_hex(sha), m->sha256);
		goto out;
	}
	if (m) {
		if ((rc = drv->count_tables(scratch, &counted)) ||
		    (rc = dbk_tables_check(&m->tables, &counted, "the restored copy")))
			goto out;
	}

	/* 6. Swap. */
	rc = drv->swap(scratch, req->target, &req->opts);
	scratch = NULL;
	if (rc)
		goto out;

	/* 7. Check what is live now: it answers, and holds the rows (counted
	 * again unless the swap only renamed the scratch counted above). */
	if ((rc = drv->connect(req->target, &live)))
		goto out;
	if (!m || !(drv->caps & DBK_CAP_SWAP_RENAMES)) {
		dbk_tables_release(&counted);
		if ((rc = drv->count_tables(live, &counted)))
			goto out;
		if (m && (rc = dbk_tables_check(&m->tables, &counted, "the restored database")))
			goto out;
	}
	if (dbk_verbosity >= 0)
		printf("restored '%s' into '%s': %zu tables, %" PRIu64 " rows%s%s%s\n", e->file,
		       live->display, counted.n, dbk_tables_total_rows(&counted),
		       safety ? "; previous content saved as '" : "",
		       safety ? strrchr(safety, '/') ? strrchr(safety, '/') + 1 : safety : "",
		       safety ? "'" : "");
out:
	if (rc && safety)
		dbk_warn("the database as it was before this restore is in '%s'", safety);
	if (scratch)
		drv->discard(scratch);
	if (live)
		drv->disconnect(live);
	dbk_reader_free(r);
	dbk_tables_release(&counted);
	dbk_strbuf_release(&result);
	dbk_strbuf_release(&question);
	free(safety);
	return rc;
}
