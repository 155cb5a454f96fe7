/*
 * stream_pgzip.c - gzip compression on worker threads (the way pigz does it).
 *
 * The input is cut into blocks of PGZ_BLOCK bytes.  Each block is compressed
 * on its own by one of `jobs` worker threads as raw deflate (window bits -15)
 * at the writer's level, primed with the previous block's last 32 KiB as a
 * preset dictionary, so matches reach back across the cut and the ratio stays
 * within a fraction of a percent of one zlib stream.  A block ends with
 * Z_SYNC_FLUSH (byte-aligned, not final), the last one with Z_FINISH, so the
 * blocks laid end to end are one valid deflate stream.  This layer writes the
 * RFC 1952 header itself, then the blocks in input order, then the trailer:
 * the CRC-32 of the whole input (the workers' per-block CRCs joined with
 * crc32_combine) and its length modulo 2^32.
 *
 * Threads and ownership:
 *   - The caller's thread (the driver's) copies input into the block being
 *     filled, hands full blocks to the workers, and writes finished blocks,
 *     in order, to `next` (sha256 -> file).  The output goes down on the
 *     caller's thread because the lower layers report failures through
 *     dbk_seterr, whose slot only the caller's thread may touch.  Hashing and
 *     writing the compressed bytes (a quarter of the input, at GB/s) cost
 *     little next to deflate, which is what the workers take off this thread.
 *   - Workers only run zlib on one block and record zlib's verdict in it;
 *     the caller turns a failure into the error message when it reaches that
 *     block.  Workers block every signal: a SIGINT or SIGXFSZ is the caller's.
 *
 * Memory is fixed at creation: a ring of nslots = 2 * jobs + 2 slots, each an
 * input block and an output buffer of deflateBound(PGZ_BLOCK), plus one
 * deflate state per worker.  Block number s lives in slot s % nslots; the
 * caller may start filling block s only once block s - nslots + 1 was written
 * out, and waits for that when the ring is full (the back-pressure that keeps
 * memory constant).
 *
 * That "+ 1" is for the dictionary, read straight from the previous slot's
 * input without a copy: block s-1's slot is refilled for block s-1+nslots
 * only once block s was written, i.e. after its worker is done with the
 * dictionary.  So at most nslots - 1 blocks are in flight.
 *
 * Locking: one mutex guards `submitted`, `taken`, `stop` and every slot's
 * `done`; `work` wakes workers when a block is submitted (or at stop),
 * `ready` wakes the caller when a block is done.  The block data is handed
 * over through the mutex: the caller writes a slot's input before submitting
 * it, the worker its output before setting done.
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dbkeep/error.h"
#include "dbkeep/stream.h"

#define PGZ_BLOCK DBK_PGZIP_BLOCK
#define PGZ_DICT (32 * 1024)
#define PGZ_MAX_JOBS 64

struct pgz_slot {
	unsigned char *in; /* PGZ_BLOCK bytes */
	size_t in_len;
	unsigned char *out; /* out_cap bytes */
	size_t out_len;
	uLong crc;	  /* CRC-32 of in[0..in_len) */
	int last;	  /* compress with Z_FINISH */
	int done;	  /* under the mutex */
	int zrc;	  /* a worker's failure, Z_OK when none */
	const char *zmsg; /* zlib's static message for zrc, or NULL */
};

struct pgz_worker {
	struct pgzip_writer *pw;
	pthread_t thread;
	int started;  /* joined in destroy */
	int zs_ready; /* deflateEnd is due */
	z_stream zs;
};

struct pgzip_writer {
	struct dbk_writer base;
	int level;
	int jobs;
	size_t nslots;
	size_t out_cap;
	struct pgz_slot *slots;
	struct pgz_worker *workers;

	/* caller's thread only */
	struct pgz_slot *cur; /* the block being filled, or NULL */
	uint64_t fill_seq;    /* number of the block being (or next) filled */
	uint64_t write_seq;   /* next block to write out */
	uLong crc;	      /* of the blocks written so far */
	uint64_t total;	      /* input bytes written so far */
	int header_done;

	/* under mu */
	pthread_mutex_t mu;
	pthread_cond_t work;
	pthread_cond_t ready;
	int sync_ready;	    /* mu, work, ready exist */
	uint64_t submitted; /* blocks handed to the workers */
	uint64_t taken;	    /* blocks a worker took */
	int stop;
};

static int pgz_zerr(int zrc, const char *msg, const char *what)
{
	if (zrc == Z_MEM_ERROR)
		return dbk_oom();
	return dbk_seterr(DBK_EFAIL, "could not %s: %s", what, msg ? msg : zError(zrc));
}

/* Compresses block seq into its slot's output (worker thread; no dbk_seterr). */
static void pgz_compress(struct pgz_worker *wk, uint64_t seq)
{
	struct pgzip_writer *pw = wk->pw;
	struct pgz_slot *s = &pw->slots[seq % pw->nslots];
	z_stream *zs = &wk->zs;
	int zrc;

	s->crc = crc32(crc32(0L, Z_NULL, 0), s->in, (uInt)s->in_len);
	zrc = deflateReset(zs);
	if (zrc == Z_OK && seq > 0) {
		/* Every block but the last is full, so the previous one has
		 * PGZ_BLOCK bytes (see the file comment for why it is intact). */
		const struct pgz_slot *prev = &pw->slots[(seq - 1) % pw->nslots];

		zrc = deflateSetDictionary(zs, prev->in + PGZ_BLOCK - PGZ_DICT, PGZ_DICT);
	}
	if (zrc == Z_OK) {
		zs->next_in = s->in;
		zs->avail_in = (uInt)s->in_len;
		zs->next_out = s->out;
		zs->avail_out = (uInt)pw->out_cap;
		zrc = deflate(zs, s->last ? Z_FINISH : Z_SYNC_FLUSH);
		/* out_cap is deflateBound plus room for the flush marker, so one
		 * call always completes; anything else is a zlib failure. */
		if (s->last)
			zrc = zrc == Z_STREAM_END ? Z_OK : (zrc == Z_OK ? Z_BUF_ERROR : zrc);
		else if (zrc == Z_OK && (zs->avail_in != 0 || zs->avail_out == 0))
			zrc = Z_BUF_ERROR;
	}
	s->out_len = pw->out_cap - zs->avail_out;
	s->zrc = zrc;
	s->zmsg = zrc == Z_OK ? NULL : zs->msg;
}

static void *pgz_worker_main(void *arg)
{
	struct pgz_worker *wk = arg;
	struct pgzip_writer *pw = wk->pw;

	pthread_mutex_lock(&pw->mu);
	for (;;) {
		uint64_t seq;

		while (!pw->stop && pw->taken == pw->submitted)
			pthread_cond_wait(&pw->work, &pw->mu);
		if (pw->stop)
			break;
		seq = pw->taken++;
		pthread_mutex_unlock(&pw->mu);
		pgz_compress(wk, seq);
		pthread_mutex_lock(&pw->mu);
		pw->slots[seq % pw->nslots].done = 1;
		/* Only the caller waits on ready. */
		pthread_cond_signal(&pw->ready);
	}
	pthread_mutex_unlock(&pw->mu);
	return NULL;
}

/* The 10-byte gzip header, as zlib writes it with deflateInit2(15+16): no
 * name, no time, XFL from the level, OS "Unix". */
static int pgz_write_header(struct pgzip_writer *pw)
{
	unsigned char h[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

	h[8] = pw->level == 9 ? 2 : pw->level == 1 ? 4 : 0;
	pw->header_done = 1;
	return dbk_write(pw->base.next, h, sizeof(h));
}

/* Writes block write_seq (done) to next, in order (caller's thread). */
static int pgz_write_out(struct pgzip_writer *pw)
{
	struct pgz_slot *s = &pw->slots[pw->write_seq % pw->nslots];
	int rc;

	if (s->zrc != Z_OK)
		return pgz_zerr(s->zrc, s->zmsg, "compress");
	if (!pw->header_done && (rc = pgz_write_header(pw)) < 0)
		return rc;
	if (s->out_len > 0 && (rc = dbk_write(pw->base.next, s->out, s->out_len)) < 0)
		return rc;
	pw->crc = crc32_combine(pw->crc, s->crc, (z_off_t)s->in_len);
	pw->total += s->in_len;
	pw->write_seq++;
	return 0;
}

/* Waits until block write_seq is compressed, then writes it. */
static int pgz_wait_write_one(struct pgzip_writer *pw)
{
	struct pgz_slot *s = &pw->slots[pw->write_seq % pw->nslots];

	pthread_mutex_lock(&pw->mu);
	while (!s->done)
		pthread_cond_wait(&pw->ready, &pw->mu);
	pthread_mutex_unlock(&pw->mu);
	return pgz_write_out(pw);
}

/* Writes whatever finished blocks are next in order, without waiting, so
 * output leaves as early as it can and the ring rarely fills. */
static int pgz_write_ready(struct pgzip_writer *pw)
{
	for (;;) {
		int done, rc;

		pthread_mutex_lock(&pw->mu);
		done = pw->write_seq < pw->submitted && pw->slots[pw->write_seq % pw->nslots].done;
		pthread_mutex_unlock(&pw->mu);
		if (!done)
			return 0;
		if ((rc = pgz_write_out(pw)) < 0)
			return rc;
	}
}

/* Makes block fill_seq's slot the current one, waiting for the ring. */
static int pgz_acquire(struct pgzip_writer *pw)
{
	struct pgz_slot *s;
	int rc;

	while (pw->fill_seq - pw->write_seq >= pw->nslots - 1)
		if ((rc = pgz_wait_write_one(pw)) < 0)
			return rc;
	s = &pw->slots[pw->fill_seq % pw->nslots];
	s->in_len = 0;
	s->out_len = 0;
	s->last = 0;
	s->done = 0; /* no worker holds this slot: it was written out */
	s->zrc = Z_OK;
	s->zmsg = NULL;
	pw->cur = s;
	return 0;
}

static void pgz_submit(struct pgzip_writer *pw, int last)
{
	pw->cur->last = last;
	pw->cur = NULL;
	pw->fill_seq++;
	pthread_mutex_lock(&pw->mu);
	pw->submitted++;
	pthread_cond_signal(&pw->work);
	pthread_mutex_unlock(&pw->mu);
}

static int pgzip_write(struct dbk_writer *w, const void *buf, size_t len)
{
	struct pgzip_writer *pw = (struct pgzip_writer *)w;
	const unsigned char *p = buf;
	int rc;

	while (len > 0) {
		size_t n;

		if (!pw->cur && (rc = pgz_acquire(pw)) < 0)
			return rc;
		n = PGZ_BLOCK - pw->cur->in_len;
		if (n > len)
			n = len;
		memcpy(pw->cur->in + pw->cur->in_len, p, n);
		pw->cur->in_len += n;
		p += n;
		len -= n;
		if (pw->cur->in_len == PGZ_BLOCK) {
			pgz_submit(pw, 0);
			if ((rc = pgz_write_ready(pw)) < 0)
				return rc;
		}
	}
	return 0;
}

static int pgzip_finish(struct dbk_writer *w)
{
	struct pgzip_writer *pw = (struct pgzip_writer *)w;
	unsigned char t[8];
	uint32_t isize;
	int rc;

	/* The last block may be empty (no input, or a multiple of PGZ_BLOCK):
	 * it still carries the final deflate block. */
	if (!pw->cur && (rc = pgz_acquire(pw)) < 0)
		return rc;
	pgz_submit(pw, 1);
	while (pw->write_seq < pw->fill_seq)
		if ((rc = pgz_wait_write_one(pw)) < 0)
			return rc;
	isize = (uint32_t)(pw->total & 0xffffffffu);
	for (int i = 0; i < 4; i++) {
		t[i] = (unsigned char)(pw->crc >> (8 * i));
		t[4 + i] = (unsigned char)(isize >> (8 * i));
	}
	if ((rc = dbk_write(pw->base.next, t, sizeof(t))) < 0)
		return rc;
	return dbk_writer_finish(pw->base.next);
}

/* Stops and joins the workers; a worker inside a block finishes it first,
 * so this never waits longer than one block's compression. */
static void pgzip_destroy(struct dbk_writer *w)
{
	struct pgzip_writer *pw = (struct pgzip_writer *)w;

	if (pw->sync_ready) {
		pthread_mutex_lock(&pw->mu);
		pw->stop = 1;
		pthread_cond_broadcast(&pw->work);
		pthread_mutex_unlock(&pw->mu);
	}
	for (int i = 0; pw->workers && i < pw->jobs; i++) {
		if (pw->workers[i].started)
			pthread_join(pw->workers[i].thread, NULL);
		if (pw->workers[i].zs_ready)
			deflateEnd(&pw->workers[i].zs);
	}
	for (size_t i = 0; pw->slots && i < pw->nslots; i++) {
		free(pw->slots[i].in);
		free(pw->slots[i].out);
	}
	if (pw->sync_ready) {
		pthread_cond_destroy(&pw->ready);
		pthread_cond_destroy(&pw->work);
		pthread_mutex_destroy(&pw->mu);
	}
	free(pw->slots);
	free(pw->workers);
	free(pw);
}

static const struct dbk_writer_ops pgzip_writer_ops = {
    .write = pgzip_write,
    .finish = pgzip_finish,
    .destroy = pgzip_destroy,
};

/* The synchronisation objects; all or none. */
static int pgz_init_sync(struct pgzip_writer *pw)
{
	if (pthread_mutex_init(&pw->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&pw->work, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&pw->ready, NULL) != 0)
		goto fail_work;
	pw->sync_ready = 1;
	return 0;
fail_work:
	pthread_cond_destroy(&pw->work);
fail_mu:
	pthread_mutex_destroy(&pw->mu);
fail:
	return dbk_seterr(DBK_EFAIL, "could not set up the compression threads");
}

/* Deflate states (on this thread, so a failure is reported here) and the
 * slot ring sized from the first state's deflateBound. */
static int pgz_alloc(struct pgzip_writer *pw)
{
	int zrc;

	pw->workers = dbk_calloc((size_t)pw->jobs, sizeof(*pw->workers));
	pw->slots = dbk_calloc(pw->nslots, sizeof(*pw->slots));
	if (!pw->workers || !pw->slots)
		return DBK_ENOMEM;
	for (int i = 0; i < pw->jobs; i++) {
		struct pgz_worker *wk = &pw->workers[i];

		wk->pw = pw;
		zrc = deflateInit2(&wk->zs, pw->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
		if (zrc != Z_OK)
			return pgz_zerr(zrc, wk->zs.msg, "start compression");
		wk->zs_ready = 1;
	}
	/* The flush marker (an empty stored block) and the bits before it are
	 * not in deflateBound's figure. */
	pw->out_cap = deflateBound(&pw->workers[0].zs, PGZ_BLOCK) + 64;
	for (size_t i = 0; i < pw->nslots; i++) {
		pw->slots[i].in = dbk_malloc(PGZ_BLOCK);
		pw->slots[i].out = dbk_malloc(pw->out_cap);
		if (!pw->slots[i].in || !pw->slots[i].out)
			return DBK_ENOMEM;
	}
	return 0;
}

static int pgz_start_workers(struct pgzip_writer *pw)
{
	sigset_t all, old;
	int rc = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 0; i < pw->jobs; i++) {
		int err =
		    pthread_create(&pw->workers[i].thread, NULL, pgz_worker_main, &pw->workers[i]);

		if (err != 0) {
			rc = dbk_seterr(DBK_EFAIL, "could not start a compression thread: %s",
					strerror(err));
			break;
		}
		pw->workers[i].started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int dbk_pgzip_writer_new(struct dbk_writer *next, int level, int jobs, struct dbk_writer **out)
{
	struct pgzip_writer *pw;
	int rc;

	*out = NULL;
	if (level < 1 || level > 9) {
		dbk_writer_free(next);
		return dbk_seterr(DBK_EUSAGE, "compression level %d is out of range (1-9)", level);
	}
	if (jobs < 1 || jobs > PGZ_MAX_JOBS) {
		dbk_writer_free(next);
		return dbk_seterr(DBK_EUSAGE, "compression jobs %d is out of range (1-%d)", jobs,
				  PGZ_MAX_JOBS);
	}
	pw = dbk_calloc(1, sizeof(*pw));
	if (!pw) {
		dbk_writer_free(next);
		return DBK_ENOMEM;
	}
	pw->base.ops = &pgzip_writer_ops;
	pw->base.next = next;
	pw->level = level;
	pw->jobs = jobs;
	pw->nslots = 2 * (size_t)jobs + 2;
	pw->crc = crc32(0L, Z_NULL, 0);
	if ((rc = pgz_alloc(pw)) < 0 || (rc = pgz_init_sync(pw)) < 0 ||
	    (rc = pgz_start_workers(pw)) < 0) {
		dbk_writer_free(&pw->base);
		return rc;
	}
	*out = &pw->base;
	return 0;
}
