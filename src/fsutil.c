/*
 * fsutil.c - file-system helpers with durable semantics (see fsutil.h).
 *
 * "Durable" here means the POSIX recipe for surviving a crash: data fsync'ed
 * before the file is renamed into place, and the folder fsync'ed after, so
 * the new name itself is on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/log.h"
#include "dbkeep/names.h"
#include "dbkeep/stream.h"

/* Creates one folder with exactly 0700 (mkdir's mode is filtered by the
 * umask, hence the chmod).  An existing folder (a race with another dbkeep,
 * or a parent made meanwhile) is fine; an existing non-folder is not. */
static int fs_mkdir_one(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) == 0) {
		if (chmod(dir, 0700) < 0)
			return dbk_seterr(DBK_EIO, "could not set the mode of '%s': %s", dir,
					  strerror(errno));
		return 0;
	}
	if (errno != EEXIST)
		return dbk_seterr(DBK_EIO, "could not create directory '%s': %s", dir,
				  strerror(errno));
	if (stat(dir, &st) < 0)
		return dbk_seterr(DBK_EIO, "could not stat '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return dbk_seterr(DBK_EIO, "backup directory '%s' is not a directory", dir);
	return 0;
}

int dbk_mkdir_private(const char *dir)
{
	struct dbk_strbuf path = DBK_STRBUF_INIT;
	struct stat st;
	int rc = 0;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return dbk_seterr(DBK_EIO, "backup directory '%s' is not a directory", dir);
		/* The user chose this folder and its mode; changing it behind
		 * their back could break other tools, so only warn. */
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			dbk_warn("backup directory '%s' is writable by %s", dir,
				 (st.st_mode & S_IWOTH) ? "everyone" : "its group");
		return 0;
	}
	/* ENOTDIR: a parent is a file; the walk below names which one. */
	if (errno != ENOENT && errno != ENOTDIR)
		return dbk_seterr(DBK_EIO, "could not stat backup directory '%s': %s", dir,
				  strerror(errno));

	dbk_strbuf_addstr(&path, dir);
	/* "a/b/" is "a/b"; the root itself always exists. */
	while (path.len > 1 && path.buf[path.len - 1] == '/')
		dbk_strbuf_setlen(&path, path.len - 1);

	/* Each parent in turn, cutting the string at every '/'. */
	for (size_t i = 1; i < path.len; i++) {
		if (path.buf[i] != '/' || path.buf[i - 1] == '/')
			continue;
		path.buf[i] = '\0';
		if (stat(path.buf, &st) < 0)
			rc = fs_mkdir_one(path.buf);
		else if (!S_ISDIR(st.st_mode))
			rc = dbk_seterr(DBK_EIO, "backup directory '%s' is not a directory",
					path.buf);
		path.buf[i] = '/';
		if (rc < 0)
			goto out;
	}
	rc = fs_mkdir_one(path.buf);
out:
	dbk_strbuf_release(&path);
	return rc;
}

int dbk_fsync_dir(const char *dir)
{
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return dbk_seterr(DBK_EIO, "could not open directory '%s': %s", dir,
				  strerror(errno));
	/* Some file systems cannot fsync a folder and say EINVAL; there is
	 * nothing more to do there (PostgreSQL ignores it the same way). */
	if (fsync(fd) < 0 && errno != EINVAL)
		rc =
		    dbk_seterr(DBK_EIO, "could not fsync directory '%s': %s", dir, strerror(errno));
	close(fd);
	return rc;
}

int dbk_rename_durable(const char *from, const char *to)
{
	struct dbk_strbuf dir = DBK_STRBUF_INIT;
	const char *slash;
	int rc;

	if (rename(from, to) < 0)
		return dbk_seterr(DBK_EIO, "could not rename '%s' to '%s': %s", from, to,
				  strerror(errno));
	slash = strrchr(to, '/');
	if (!slash)
		dbk_strbuf_addch(&dir, '.');
	else if (slash == to)
		dbk_strbuf_addch(&dir, '/');
	else
		dbk_strbuf_add(&dir, to, (size_t)(slash - to));
	rc = dbk_fsync_dir(dir.buf);
	dbk_strbuf_release(&dir);
	return rc;
}

int dbk_write_file_atomic(const char *path, const void *data, size_t len)
{
	struct dbk_strbuf partial = DBK_STRBUF_INIT;
	struct dbk_writer *w = NULL;
	int rc;

	dbk_strbuf_addstr(&partial, path);
	dbk_strbuf_addstr(&partial, DBK_SUFFIX_PARTIAL);
	/* The file writer already has the semantics wanted here: O_EXCL,
	 * O_NOFOLLOW, 0600, full writes, fsync on finish, and removal of
	 * the .partial when anything fails before that. */
	rc = dbk_file_writer_new(partial.buf, &w);
	if (rc < 0)
		goto out;
	rc = dbk_write(w, data, len);
	if (rc < 0)
		goto out;
	rc = dbk_writer_finish(w);
	if (rc < 0)
		goto out;
	rc = dbk_rename_durable(partial.buf, path);
	if (rc < 0)
		unlink(partial.buf);
out:
	dbk_writer_free(w);
	dbk_strbuf_release(&partial);
	return rc;
}

int dbk_read_file(const char *path, size_t max, struct dbk_strbuf *out)
{
	struct stat st;
	int fd, rc = 0;

	dbk_strbuf_reset(out);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return dbk_seterr(errno == ENOENT ? DBK_ENOTFOUND : DBK_EIO,
				  "could not open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = dbk_seterr(DBK_EIO, "could not stat '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = dbk_seterr(DBK_EIO, "'%s' is not a regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > max)
		goto too_large;
	dbk_strbuf_grow(out, (size_t)st.st_size);
	/* The size is checked again while reading: the file may have grown. */
	for (;;) {
		char chunk[8192];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = dbk_seterr(DBK_EIO, "could not read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max)
			goto too_large;
		dbk_strbuf_add(out, chunk, (size_t)n);
	}
	goto out;
too_large:
	rc = dbk_seterr(DBK_ECORRUPT, "'%s' is too large (more than %zu bytes)", path, max);
	dbk_strbuf_reset(out);
out:
	close(fd);
	return rc;
}

void dbk_path_join(struct dbk_strbuf *out, const char *dir, const char *name)
{
	dbk_strbuf_reset(out);
	dbk_strbuf_addstr(out, dir);
	while (*name == '/')
		name++;
	if (out->len > 0 && out->buf[out->len - 1] != '/')
		dbk_strbuf_addch(out, '/');
	dbk_strbuf_addstr(out, name);
}

int dbk_unlink_quiet(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return dbk_seterr(DBK_EIO, "could not remove '%s': %s", path, strerror(errno));
	return 0;
}
