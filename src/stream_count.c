/*
 * stream_count.c - pass-through layers that count bytes and report progress.
 *
 * The progress callback is throttled: the clock is read only after every
 * CHECK_EVERY bytes (so small writes cost an addition, not a system call),
 * and the callback runs at most once per REPORT_NS.  One last call with the
 * total is made at the end (finish for the writer, end of input for the
 * reader), so a progress display always ends on the true size.
 */
#include <stdlib.h>
#include <time.h>

#include "dbkeep/error.h"
#include "dbkeep/stream.h"

#define CHECK_EVERY (1024 * 1024)
#define REPORT_NS 250000000LL /* four times a second at most */

struct progress {
	dbk_progress_fn fn;
	void *arg;
	uint64_t bytes;
	uint64_t next_check; /* read the clock when bytes reaches this */
	long long last_ns;   /* time of the last report (or of the start) */
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void progress_init(struct progress *p, dbk_progress_fn fn, void *arg)
{
	p->fn = fn;
	p->arg = arg;
	p->bytes = 0;
	p->next_check = CHECK_EVERY;
	p->last_ns = fn ? now_ns() : 0;
}

static void progress_add(struct progress *p, size_t n)
{
	long long t;

	p->bytes += n;
	if (!p->fn || p->bytes < p->next_check)
		return;
	p->next_check = p->bytes + CHECK_EVERY;
	t = now_ns();
	if (t - p->last_ns < REPORT_NS)
		return;
	p->last_ns = t;
	p->fn(p->arg, p->bytes);
}

static void progress_end(struct progress *p)
{
	if (p->fn)
		p->fn(p->arg, p->bytes);
}

/* ---- writer ----------------------------------------------------------- */

struct count_writer {
	struct dbk_writer base;
	struct progress prog;
};

static int count_write(struct dbk_writer *w, const void *buf, size_t len)
{
	struct count_writer *cw = (struct count_writer *)w;
	int rc;

	rc = dbk_write(w->next, buf, len);
	if (rc < 0)
		return rc;
	progress_add(&cw->prog, len);
	return 0;
}

static int count_finish(struct dbk_writer *w)
{
	struct count_writer *cw = (struct count_writer *)w;

	progress_end(&cw->prog);
	return dbk_writer_finish(w->next);
}

static void count_writer_destroy(struct dbk_writer *w)
{
	free(w);
}

static const struct dbk_writer_ops count_writer_ops = {
    .write = count_write,
    .finish = count_finish,
    .destroy = count_writer_destroy,
};

int dbk_count_writer_new(struct dbk_writer *next, dbk_progress_fn fn, void *arg,
			 struct dbk_writer **out)
{
	struct count_writer *cw;

	*out = NULL;
	cw = dbk_calloc(1, sizeof(*cw));
	if (!cw) {
		dbk_writer_free(next);
		return DBK_ENOMEM;
	}
	cw->base.ops = &count_writer_ops;
	cw->base.next = next;
	progress_init(&cw->prog, fn, arg);
	*out = &cw->base;
	return 0;
}

uint64_t dbk_count_writer_bytes(struct dbk_writer *w)
{
	if (!w || w->ops != &count_writer_ops)
		return 0;
	return ((struct count_writer *)w)->prog.bytes;
}

/* ---- reader ----------------------------------------------------------- */

struct count_reader {
	struct dbk_reader base;
	struct progress prog;
};

static ssize_t count_read(struct dbk_reader *r, void *buf, size_t len)
{
	struct count_reader *cr = (struct count_reader *)r;
	ssize_t n = dbk_read(r->next, buf, len);

	if (n > 0)
		progress_add(&cr->prog, (size_t)n);
	else if (n == 0)
		progress_end(&cr->prog);
	return n;
}

static void count_reader_destroy(struct dbk_reader *r)
{
	free(r);
}

static const struct dbk_reader_ops count_reader_ops = {
    .read = count_read,
    .destroy = count_reader_destroy,
};

int dbk_count_reader_new(struct dbk_reader *next, dbk_progress_fn fn, void *arg,
			 struct dbk_reader **out)
{
	struct count_reader *cr;

	*out = NULL;
	cr = dbk_calloc(1, sizeof(*cr));
	if (!cr) {
		dbk_reader_free(next);
		return DBK_ENOMEM;
	}
	cr->base.ops = &count_reader_ops;
	cr->base.next = next;
	progress_init(&cr->prog, fn, arg);
	*out = &cr->base;
	return 0;
}

uint64_t dbk_count_reader_bytes(struct dbk_reader *r)
{
	if (!r || r->ops != &count_reader_ops)
		return 0;
	return ((struct count_reader *)r)->prog.bytes;
}
