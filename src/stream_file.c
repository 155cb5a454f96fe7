/*
 * stream_file.c - the file ends of the chains: a writer that creates a new
 * private file and a reader of an existing one.
 *
 * The writer owns its file until finish() succeeds: freeing it earlier (the
 * backup failed somewhere up the chain) removes the file, so a failed backup
 * leaves no half-written data behind.  It buffers FILE_BUF bytes so that
 * layers above may write in small pieces without a system call each.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/stream.h"

#define FILE_BUF (256 * 1024)

struct file_writer {
	struct dbk_writer base;
	int fd;	  /* -1 once closed */
	int keep; /* finish succeeded: the file is the caller's now */
	char *path;
	size_t used; /* bytes waiting in buf */
	unsigned char buf[FILE_BUF];
};

/* Writes everything, across short writes and signals.  Errors such as
 * ENOSPC, EDQUOT and EFBIG (past RLIMIT_FSIZE, with SIGXFSZ ignored by main)
 * are reported with the file's name so the user knows which disk filled. */
static int file_write_all(struct file_writer *fw, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fw->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dbk_seterr(DBK_EIO, "could not write '%s': %s", fw->path,
					  strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int file_flush(struct file_writer *fw)
{
	int rc;

	if (fw->used == 0)
		return 0;
	rc = file_write_all(fw, fw->buf, fw->used);
	fw->used = 0;
	return rc;
}

static int file_write(struct dbk_writer *w, const void *buf, size_t len)
{
	struct file_writer *fw = (struct file_writer *)w;
	const unsigned char *p = buf;
	int rc;

	if (fw->used + len <= FILE_BUF) {
		memcpy(fw->buf + fw->used, p, len);
		fw->used += len;
		return 0;
	}
	/* Top up the buffer so the file sees FILE_BUF-sized writes. */
	if (fw->used > 0) {
		size_t take = FILE_BUF - fw->used;

		memcpy(fw->buf + fw->used, p, take);
		fw->used += take;
		p += take;
		len -= take;
		rc = file_flush(fw);
		if (rc < 0)
			return rc;
	}
	/* What is left of a large write goes straight to the file, bar a tail
	 * smaller than the buffer. */
	if (len >= FILE_BUF) {
		size_t direct = len - len % FILE_BUF;

		rc = file_write_all(fw, p, direct);
		if (rc < 0)
			return rc;
		p += direct;
		len -= direct;
	}
	memcpy(fw->buf, p, len);
	fw->used = len;
	return 0;
}

static int file_finish(struct dbk_writer *w)
{
	struct file_writer *fw = (struct file_writer *)w;
	int rc, fd;

	rc = file_flush(fw);
	if (rc < 0)
		return rc;
	/* The caller renames the file into place next: its data must be on
	 * disk before the name is, or a crash could leave a complete-looking
	 * name over missing data. */
	if (fsync(fw->fd) < 0)
		return dbk_seterr(DBK_EIO, "could not fsync '%s': %s", fw->path, strerror(errno));
	fd = fw->fd;
	fw->fd = -1;
	/* close() can report a deferred write error (NFS); never retry it. */
	if (close(fd) < 0)
		return dbk_seterr(DBK_EIO, "could not close '%s': %s", fw->path, strerror(errno));
	fw->keep = 1;
	return 0;
}

static void file_destroy(struct dbk_writer *w)
{
	struct file_writer *fw = (struct file_writer *)w;

	if (fw->fd >= 0)
		close(fw->fd);
	if (!fw->keep)
		unlink(fw->path);
	free(fw->path);
	free(fw);
}

static const struct dbk_writer_ops file_writer_ops = {
    .write = file_write,
    .finish = file_finish,
    .destroy = file_destroy,
};

int dbk_file_writer_new(const char *path, struct dbk_writer **out)
{
	struct file_writer *fw;
	int fd;

	*out = NULL;
	fw = dbk_calloc(1, sizeof(*fw));
	if (!fw)
		return DBK_ENOMEM;
	fw->path = dbk_strdup(path);
	if (!fw->path) {
		free(fw);
		return DBK_ENOMEM;
	}
	/* O_EXCL never clobbers an existing file, O_NOFOLLOW never writes
	 * through a planted symlink. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = dbk_seterr(DBK_EIO, "could not create '%s': %s", path, strerror(errno));

		free(fw->path);
		free(fw);
		return rc;
	}
	fw->fd = fd;
	fw->base.ops = &file_writer_ops;
	/* A backup holds the whole database: 0600 whatever the umask said. */
	if (fchmod(fd, 0600) < 0) {
		int rc = dbk_seterr(DBK_EIO, "could not set the mode of '%s': %s", path,
				    strerror(errno));

		file_destroy(&fw->base);
		return rc;
	}
	*out = &fw->base;
	return 0;
}

/* ---- reader ----------------------------------------------------------- */

struct file_reader {
	struct dbk_reader base;
	int fd;
	char *path;
};

/* No buffer here: the layers above read in large blocks already. */
static ssize_t file_read(struct dbk_reader *r, void *buf, size_t len)
{
	struct file_reader *fr = (struct file_reader *)r;

	for (;;) {
		ssize_t n = read(fr->fd, buf, len);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return dbk_seterr(DBK_EIO, "could not read '%s': %s", fr->path,
					  strerror(errno));
	}
}

static void file_reader_destroy(struct dbk_reader *r)
{
	struct file_reader *fr = (struct file_reader *)r;

	if (fr->fd >= 0)
		close(fr->fd);
	free(fr->path);
	free(fr);
}

static const struct dbk_reader_ops file_reader_ops = {
    .read = file_read,
    .destroy = file_reader_destroy,
};

int dbk_file_reader_new(const char *path, struct dbk_reader **out)
{
	struct file_reader *fr;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return dbk_seterr(errno == ENOENT ? DBK_ENOTFOUND : DBK_EIO,
				  "could not open '%s': %s", path, strerror(errno));
	fr = dbk_calloc(1, sizeof(*fr));
	if (!fr) {
		close(fd);
		return DBK_ENOMEM;
	}
	fr->path = dbk_strdup(path);
	if (!fr->path) {
		close(fd);
		free(fr);
		return DBK_ENOMEM;
	}
	fr->fd = fd;
	fr->base.ops = &file_reader_ops;
	*out = &fr->base;
	return 0;
}
