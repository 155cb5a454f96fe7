/*
 * backupset.c - writing one backup set (see backupset.h for the protocol).
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dbkeep/backupset.h"
#include "dbkeep/cleanup.h"
#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/log.h"
#include "dbkeep/names.h"
#include "dbkeep/progress.h"
#include "dbkeep/stream.h"

/* Writes a small file of the set under its .partial name: O_EXCL, 0600, fsync. */
static int write_small(const char *path, const char *text, size_t len)
{
	struct dbk_writer *w;
	int rc;

	if ((rc = dbk_file_writer_new(path, &w)))
		return rc;
	rc = dbk_write(w, text, len);
	if (rc == 0)
		rc = dbk_writer_finish(w);
	dbk_writer_free(w);
	return rc;
}

static int path_taken(const char *dir, const char *file)
{
	static const char *const suffixes[] = {"", DBK_SUFFIX_PARTIAL, DBK_SUFFIX_MANIFEST,
					       DBK_SUFFIX_MANIFEST DBK_SUFFIX_PARTIAL,
					       DBK_SUFFIX_SHA256, DBK_SUFFIX_SHA256 DBK_SUFFIX_PARTIAL};
	struct dbk_strbuf p = DBK_STRBUF_INIT;
	struct stat st;
	int taken = 0;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]) && !taken; i++) {
		dbk_path_join(&p, dir, file);
		dbk_strbuf_addstr(&p, suffixes[i]);
		taken = lstat(p.buf, &st) == 0;
	}
	dbk_strbuf_release(&p);
	return taken;
}

/* The highest seq that a file in dir (a data file, a companion or a
 * .partial) gives n's label, tag and second: 0 when there is none. */
static int highest_seq(const char *dir, const struct dbk_name *n)
{
	static const char *const tails[] = {DBK_SUFFIX_PARTIAL, DBK_SUFFIX_MANIFEST,
					    DBK_SUFFIX_SHA256};
	DIR *d = opendir(dir);
	struct dirent *de;
	int top = 0;

	if (!d)
		return 0; /* path_taken still keeps the name unique */
	while ((de = readdir(d))) {
		char base[sizeof(de->d_name)];
		size_t len = strlen(de->d_name);
		struct dbk_name got;

		memcpy(base, de->d_name, len + 1);
		for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
			size_t tl = strlen(tails[i]);

			if (len > tl && strcmp(base + len - tl, tails[i]) == 0)
				base[len -= tl] = '\0';
		}
		if (dbk_name_parse(base, &got) == 0 && got.when == n->when &&
		    got.safety == n->safety && strcmp(got.label, n->label) == 0 && got.seq > top)
			top = got.seq;
	}
	closedir(d);
	return top;
}

/* Picks a file name no other set uses.  Within one second the seq goes
 * above every one in use (2, 3, ...), never back into a gap retention left:
 * a new set named below an older one of the same second would sort as the
 * older, and a --keep-last after it would delete the backup just taken. */
static void choose_name(const struct dbk_backup_req *req, time_t now, struct dbk_strbuf *file)
{
	struct dbk_strbuf label = DBK_STRBUF_INIT;
	struct dbk_name n;

	memset(&n, 0, sizeof(n));
	dbk_name_sanitize_label(req->label ? req->label : req->conn->label, &label);
	snprintf(n.label, sizeof(n.label), "%.*s", 200, label.buf);
	n.safety = strcmp(req->kind, "preRestore") == 0;
	n.when = now;
	snprintf(n.ext, sizeof(n.ext), "%s", req->conn->drv->ext);
	n.gz = req->level > 0;
	for (n.seq = highest_seq(req->dir, &n) + 1;; n.seq++) {
		dbk_name_format(&n, file);
		if (!path_taken(req->dir, file->buf))
			break;
	}
	dbk_strbuf_release(&label);
}

static char *os_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	char buf[32];

	if (pw && pw->pw_name)
		return dbk_strdup(pw->pw_name);
	snprintf(buf, sizeof(buf), "%ld", (long)geteuid());
	return dbk_strdup(buf);
}

static char *host_name(void)
{
	char buf[256];

	if (gethostname(buf, sizeof(buf)) != 0)
		strcpy(buf, "unknown");
	buf[sizeof(buf) - 1] = '\0';
	return dbk_strdup(buf);
}

/* Builds count -> [gzip ->] sha256 -> file over path.  gzip runs on `jobs`
 * threads beside the driver's (even one helps: the driver reads while zlib
 * works), so a dump is no longer bound by one core's deflate. */
static int open_chain(const char *path, int level, int jobs, dbk_progress_fn fn, void *arg,
		      struct dbk_writer **head, struct dbk_writer **count, struct dbk_writer **sha)
{
	struct dbk_writer *w;
	int rc;

	if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n < 1 ? 1 : n > 64 ? 64 : (int)n;
	}

	if ((rc = dbk_file_writer_new(path, &w)) ||
	    (rc = dbk_sha256_writer_new(w, &w)))
		return rc;
	*sha = w;
	if (level > 0 && (rc = dbk_pgzip_writer_new(w, level, jobs, &w)))
		return rc;
	if ((rc = dbk_count_writer_new(w, fn, arg, &w)))
		return rc;
	*count = w;
	*head = w;
	return 0;
}

int dbk_backup_write(const struct dbk_backup_req *req, struct dbk_manifest *m, char **path_out)
{
	struct dbk_strbuf file = DBK_STRBUF_INIT, data = DBK_STRBUF_INIT, part = DBK_STRBUF_INIT;
	struct dbk_strbuf sha_part = DBK_STRBUF_INIT, sha_final = DBK_STRBUF_INIT;
	struct dbk_strbuf man_part = DBK_STRBUF_INIT, man_final = DBK_STRBUF_INIT;
	struct dbk_strbuf shaline = DBK_STRBUF_INIT;
	struct dbk_writer *head = NULL, *count = NULL, *sha = NULL;
	struct dbk_dump_info info = DBK_DUMP_INFO_INIT;
	struct dbk_conn *conn = req->conn;
	char *json = NULL;
	int committed = 0, rc;
	double start = dbk_now_seconds();
	struct dbk_progress progress;
	uint64_t hint = 0;
	int show_progress;
	time_t now = time(NULL);
	struct stat st;

	dbk_manifest_init(m);
	*path_out = NULL;

	choose_name(req, now, &file);
	dbk_path_join(&data, req->dir, file.buf);
	dbk_strbuf_addf(&part, "%s%s", data.buf, DBK_SUFFIX_PARTIAL);
	dbk_strbuf_addf(&sha_final, "%s%s", data.buf, DBK_SUFFIX_SHA256);
	dbk_strbuf_addf(&sha_part, "%s%s", sha_final.buf, DBK_SUFFIX_PARTIAL);
	dbk_strbuf_addf(&man_final, "%s%s", data.buf, DBK_SUFFIX_MANIFEST);
	dbk_strbuf_addf(&man_part, "%s%s", man_final.buf, DBK_SUFFIX_PARTIAL);
	dbk_cleanup_add(part.buf);
	dbk_cleanup_add(sha_part.buf);
	dbk_cleanup_add(man_part.buf);

	dbk_verbose("backing up '%s' to '%s'", conn->display, data.buf);
	if (conn->drv->size_hint && conn->drv->size_hint(conn, &hint) != 0) {
		hint = 0;
		dbk_clearerr();
	}
	show_progress = dbk_progress_init(&progress, "backed up", hint);
	rc = open_chain(part.buf, req->level, req->jobs, show_progress ? dbk_progress_update : NULL,
			&progress, &head, &count, &sha);
	if (rc)
		goto out;
	rc = conn->drv->dump(conn, &req->dump, head, &info);
	if (rc == 0)
		rc = dbk_writer_finish(head);
	dbk_progress_done(&progress);
	if (rc)
		goto out;

	/* No silent loss: an empty result is a failed backup, not a small one. */
	if (dbk_count_writer_bytes(count) == 0) {
		rc = dbk_seterr(DBK_EFAIL, "backup of '%s' is empty: the driver wrote nothing",
				conn->display);
		goto out;
	}
	if (info.tables.n == 0 && !req->allow_empty) {
		rc = dbk_seterr(DBK_EFAIL,
				"database '%s' has no tables; refusing an empty backup "
				"(use --allow-empty if that is expected)",
				conn->display);
		goto out;
	}
	if (stat(part.buf, &st) != 0) {
		rc = dbk_seterr(DBK_EIO, "could not stat '%s': %s", part.buf, strerror(errno));
		goto out;
	}

	m->format = DBK_MANIFEST_FORMAT;
	m->dbkeep_version = dbk_strdup(DBKEEP_VERSION);
	m->engine = dbk_strdup(conn->drv->name);
	m->engine_version = dbk_strdup(conn->engine_version ? conn->engine_version : "");
	m->database = dbk_strdup(conn->display);
	m->file = dbk_strdup(file.buf);
	m->created = now;
	m->duration = dbk_now_seconds() - start;
	m->host = host_name();
	m->user = os_user();
	m->compression = dbk_strdup(req->level > 0 ? "gzip" : "none");
	m->level = req->level;
	m->raw_bytes = dbk_count_writer_bytes(count);
	m->stored_bytes = (uint64_t)st.st_size;
	m->sha256 = dbk_strdup(dbk_sha256_writer_hex(sha));
	m->kind = dbk_strdup(req->kind);
	m->method = info.method ? dbk_strdup(info.method) : NULL;
	m->integrity = info.integrity ? dbk_strdup(info.integrity) : NULL;
	m->tables = info.tables;
	info.tables = (struct dbk_tables)DBK_TABLES_INIT;
	m->omitted = info.omitted;
	info.omitted = (struct dbk_strlist)DBK_STRLIST_INIT;

	/* The .sha256 file is in the format sha256sum -c reads. */
	dbk_strbuf_addf(&shaline, "%s  %s\n", m->sha256, file.buf);
	if ((rc = write_small(sha_part.buf, shaline.buf, shaline.len)))
		goto out;
	json = dbk_manifest_dump(m);
	if (!json) {
		rc = dbk_seterr(DBK_ENOMEM, "could not serialise the manifest of '%s'", file.buf);
		goto out;
	}
	if ((rc = write_small(man_part.buf, json, strlen(json))))
		goto out;
	/* The commit point: from here on the set exists, and the next run rolls
	 * a half-renamed set forward instead of back, so a signal must no
	 * longer remove the .partial files. */
	dbk_cleanup_forget(part.buf);
	dbk_cleanup_forget(sha_part.buf);
	dbk_cleanup_forget(man_part.buf);
	if ((rc = dbk_rename_durable(man_part.buf, man_final.buf)))
		goto out;
	committed = 1;
	if ((rc = dbk_rename_durable(part.buf, data.buf)) ||
	    (rc = dbk_rename_durable(sha_part.buf, sha_final.buf)))
		goto out;
	*path_out = dbk_strbuf_detach(&data);

out:
	dbk_writer_free(head); /* removes an unfinished .partial */
	if (rc && !committed) {
		dbk_unlink_quiet(part.buf);
		dbk_unlink_quiet(sha_part.buf);
		dbk_unlink_quiet(man_part.buf);
	}
	dbk_cleanup_forget(part.buf);
	dbk_cleanup_forget(sha_part.buf);
	dbk_cleanup_forget(man_part.buf);
	dbk_dump_info_release(&info);
	free(json);
	dbk_strbuf_release(&file);
	dbk_strbuf_release(&data);
	dbk_strbuf_release(&part);
	dbk_strbuf_release(&sha_part);
	dbk_strbuf_release(&sha_final);
	dbk_strbuf_release(&man_part);
	dbk_strbuf_release(&man_final);
	dbk_strbuf_release(&shaline);
	return rc;
}

void dbk_dump_info_release(struct dbk_dump_info *info)
{
	dbk_tables_release(&info->tables);
	dbk_strlist_release(&info->omitted);
	free(info->integrity);
	free(info->method);
	info->integrity = info->method = NULL;
}
