/*
 * stream.c - the generic part of the writer and reader chains (see stream.h),
 * plus the two trivial layers: a writer on an open descriptor and a reader
 * on a memory buffer.
 *
 * The generic functions enforce the state rules so layers need not: a layer
 * that failed once keeps failing with the same code (w->failed / r->failed
 * hold that negative code), a finished writer accepts nothing more, and a
 * reader that reached its end is not asked again.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/stream.h"

/* ---- writers ---------------------------------------------------------- */

int dbk_write(struct dbk_writer *w, const void *buf, size_t len)
{
	int rc;

	if (w->failed)
		return w->failed;
	if (w->finished)
		return w->failed = dbk_seterr(DBK_EFAIL, "internal error: write after finish");
	if (len == 0)
		return 0;
	rc = w->ops->write(w, buf, len);
	if (rc < 0)
		w->failed = rc;
	return rc;
}

int dbk_write_str(struct dbk_writer *w, const char *s)
{
	return dbk_write(w, s, strlen(s));
}

int dbk_writer_finish(struct dbk_writer *w)
{
	int rc;

	if (w->failed)
		return w->failed;
	if (w->finished)
		return 0;
	w->finished = 1;
	rc = w->ops->finish(w);
	if (rc < 0)
		w->failed = rc;
	return rc;
}

void dbk_writer_free(struct dbk_writer *w)
{
	while (w) {
		struct dbk_writer *next = w->next;

		w->ops->destroy(w);
		w = next;
	}
}

/* ---- descriptor writer ------------------------------------------------ */

struct fd_writer {
	struct dbk_writer base;
	int fd;
};

static int fd_write(struct dbk_writer *w, const void *buf, size_t len)
{
	struct fd_writer *fw = (struct fd_writer *)w;
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fw->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (fw->fd == STDOUT_FILENO)
				return dbk_seterr(DBK_EIO, "could not write to standard output: %s",
						  strerror(errno));
			return dbk_seterr(DBK_EIO, "could not write to file descriptor %d: %s",
					  fw->fd, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The descriptor belongs to the caller (it may be a pipe or a terminal, where
 * fsync makes no sense), so finishing has nothing to do. */
static int fd_finish(struct dbk_writer *w)
{
	(void)w;
	return 0;
}

static void fd_destroy(struct dbk_writer *w)
{
	free(w);
}

static const struct dbk_writer_ops fd_writer_ops = {
    .write = fd_write,
    .finish = fd_finish,
    .destroy = fd_destroy,
};

int dbk_fd_writer_new(int fd, struct dbk_writer **out)
{
	struct fd_writer *fw;

	*out = NULL;
	fw = dbk_calloc(1, sizeof(*fw));
	if (!fw)
		return DBK_ENOMEM;
	fw->base.ops = &fd_writer_ops;
	fw->fd = fd;
	*out = &fw->base;
	return 0;
}

/* ---- readers ---------------------------------------------------------- */

ssize_t dbk_read(struct dbk_reader *r, void *buf, size_t len)
{
	ssize_t n;

	if (r->failed)
		return r->failed;
	if (r->eof || len == 0)
		return 0;
	n = r->ops->read(r, buf, len);
	if (n < 0)
		r->failed = (int)n;
	else if (n == 0)
		r->eof = 1;
	return n;
}

ssize_t dbk_read_full(struct dbk_reader *r, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = dbk_read(r, p + got, len - got);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int dbk_read_drain(struct dbk_reader *r)
{
	/* On the stack: draining must not allocate, and 64 KiB is far below
	 * any thread's stack size. */
	char buf[64 * 1024];
	ssize_t n;

	do
		n = dbk_read(r, buf, sizeof(buf));
	while (n > 0);
	return n < 0 ? (int)n : 0;
}

void dbk_reader_free(struct dbk_reader *r)
{
	while (r) {
		struct dbk_reader *next = r->next;

		r->ops->destroy(r);
		r = next;
	}
}

/* ---- memory reader ---------------------------------------------------- */

struct mem_reader {
	struct dbk_reader base;
	const unsigned char *buf;
	size_t len;
	size_t pos;
};

static ssize_t mem_read(struct dbk_reader *r, void *buf, size_t len)
{
	struct mem_reader *mr = (struct mem_reader *)r;
	size_t left = mr->len - mr->pos;

	if (len > left)
		len = left;
	/* ssize_t can't hold more than SSIZE_MAX. */
	if (len > (size_t)SSIZE_MAX)
		len = (size_t)SSIZE_MAX;
	memcpy(buf, mr->buf + mr->pos, len);
	mr->pos += len;
	return (ssize_t)len;
}

static void mem_destroy(struct dbk_reader *r)
{
	free(r);
}

static const struct dbk_reader_ops mem_reader_ops = {
    .read = mem_read,
    .destroy = mem_destroy,
};

int dbk_mem_reader_new(const void *buf, size_t len, struct dbk_reader **out)
{
	struct mem_reader *mr;

	*out = NULL;
	mr = dbk_calloc(1, sizeof(*mr));
	if (!mr)
		return DBK_ENOMEM;
	mr->base.ops = &mem_reader_ops;
	mr->buf = buf;
	mr->len = len;
	*out = &mr->base;
	return 0;
}

int dbk_is_gzip_magic(const void *head, size_t n)
{
	const unsigned char *p = head;

	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}
