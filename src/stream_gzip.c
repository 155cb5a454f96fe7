/*
 * stream_gzip.c - gzip compression and decompression layers (zlib).
 *
 * Both use window bits 15+16 so zlib writes and checks the RFC 1952 wrapper
 * (header, CRC-32 and length trailer) itself.  Each layer owns one fixed
 * buffer of GZ_BUF bytes: compressed output waiting for the next writer, or
 * compressed input read from the next reader.
 *
 * zlib counts in uInt; lengths above UINT_MAX are fed in pieces.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dbkeep/error.h"
#include "dbkeep/stream.h"

#define GZ_BUF (256 * 1024)

/* ---- writer ----------------------------------------------------------- */

struct gzip_writer {
	struct dbk_writer base;
	z_stream zs;
	int zs_ready; /* deflateInit2 succeeded: deflateEnd is due */
	unsigned char out[GZ_BUF];
};

static int gzip_seterr(int zrc, const z_stream *zs, const char *what)
{
	if (zrc == Z_MEM_ERROR)
		return dbk_oom();
	return dbk_seterr(DBK_EFAIL, "could not %s: %s", what, zs->msg ? zs->msg : zError(zrc));
}

/* Passes the full output buffer (or, at the end, what is in it) down. */
static int gzip_drain(struct gzip_writer *gw)
{
	size_t have = GZ_BUF - gw->zs.avail_out;
	int rc = 0;

	if (have > 0)
		rc = dbk_write(gw->base.next, gw->out, have);
	gw->zs.next_out = gw->out;
	gw->zs.avail_out = GZ_BUF;
	return rc;
}

static int gzip_write(struct dbk_writer *w, const void *buf, size_t len)
{
	struct gzip_writer *gw = (struct gzip_writer *)w;
	const unsigned char *p = buf;
	int rc, zrc;

	while (len > 0) {
		uInt piece = len > UINT_MAX ? UINT_MAX : (uInt)len;

		/* zlib never writes through next_in; the cast only drops
		 * const from an API that predates it. */
		gw->zs.next_in = (Bytef *)p;
		gw->zs.avail_in = piece;
		while (gw->zs.avail_in > 0) {
			if (gw->zs.avail_out == 0) {
				rc = gzip_drain(gw);
				if (rc < 0)
					return rc;
			}
			zrc = deflate(&gw->zs, Z_NO_FLUSH);
			if (zrc != Z_OK && zrc != Z_BUF_ERROR)
				return gzip_seterr(zrc, &gw->zs, "compress");
		}
		p += piece;
		len -= piece;
	}
	return 0;
}

static int gzip_finish(struct dbk_writer *w)
{
	struct gzip_writer *gw = (struct gzip_writer *)w;
	int rc, zrc;

	gw->zs.next_in = NULL;
	gw->zs.avail_in = 0;
	do {
		if (gw->zs.avail_out == 0) {
			rc = gzip_drain(gw);
			if (rc < 0)
				return rc;
		}
		zrc = deflate(&gw->zs, Z_FINISH);
		if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
			return gzip_seterr(zrc, &gw->zs, "compress");
	} while (zrc != Z_STREAM_END);
	rc = gzip_drain(gw);
	if (rc < 0)
		return rc;
	return dbk_writer_finish(gw->base.next);
}

static void gzip_destroy(struct dbk_writer *w)
{
	struct gzip_writer *gw = (struct gzip_writer *)w;

	if (gw->zs_ready)
		deflateEnd(&gw->zs);
	free(gw);
}

static const struct dbk_writer_ops gzip_writer_ops = {
    .write = gzip_write,
    .finish = gzip_finish,
    .destroy = gzip_destroy,
};

int dbk_gzip_writer_new(struct dbk_writer *next, int level, struct dbk_writer **out)
{
	struct gzip_writer *gw;
	int zrc;

	*out = NULL;
	if (level < 1 || level > 9) {
		dbk_writer_free(next);
		return dbk_seterr(DBK_EUSAGE, "compression level %d is out of range (1-9)", level);
	}
	gw = dbk_calloc(1, sizeof(*gw));
	if (!gw) {
		dbk_writer_free(next);
		return DBK_ENOMEM;
	}
	gw->base.ops = &gzip_writer_ops;
	gw->base.next = next;
	zrc = deflateInit2(&gw->zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	if (zrc != Z_OK) {
		int rc = gzip_seterr(zrc, &gw->zs, "start compression");

		dbk_writer_free(&gw->base);
		return rc;
	}
	gw->zs_ready = 1;
	gw->zs.next_out = gw->out;
	gw->zs.avail_out = GZ_BUF;
	*out = &gw->base;
	return 0;
}

/* ---- reader ----------------------------------------------------------- */

struct gunzip_reader {
	struct dbk_reader base;
	z_stream zs;
	int zs_ready;
	int in_eof;  /* next reported its end */
	int between; /* a member ended; another may follow */
	char *what;  /* the backup's name, for messages */
	unsigned char in[GZ_BUF];
};

/* Moves the unread input to the front and reads more behind it.  Returns
 * 0 (in_eof set when next had nothing more) or a negative code. */
static int gunzip_fill(struct gunzip_reader *gr)
{
	size_t have = gr->zs.avail_in;
	ssize_t n;

	if (have > 0 && gr->zs.next_in != gr->in)
		memmove(gr->in, gr->zs.next_in, have);
	gr->zs.next_in = gr->in;
	n = dbk_read(gr->base.next, gr->in + have, GZ_BUF - have);
	if (n < 0)
		return (int)n;
	if (n == 0)
		gr->in_eof = 1;
	gr->zs.avail_in = (uInt)(have + (size_t)n);
	return 0;
}

static int gunzip_truncated(struct gunzip_reader *gr)
{
	return dbk_seterr(DBK_ECORRUPT, "backup '%s' is truncated", gr->what);
}

/* After a member: the end of the input, or the magic of a further member
 * (gzip itself concatenates them; `cat a.gz b.gz` is a valid gzip file).
 * Returns 1 at the end, 0 when a member follows, or a negative code. */
static int gunzip_next_member(struct gunzip_reader *gr)
{
	int rc, zrc;

	while (gr->zs.avail_in < 2 && !gr->in_eof) {
		rc = gunzip_fill(gr);
		if (rc < 0)
			return rc;
	}
	if (gr->zs.avail_in == 0)
		return 1;
	if (!dbk_is_gzip_magic(gr->zs.next_in, gr->zs.avail_in))
		return dbk_seterr(DBK_ECORRUPT,
				  "backup '%s' is corrupt: unexpected data after the gzip stream",
				  gr->what);
	zrc = inflateReset(&gr->zs);
	if (zrc != Z_OK)
		return gzip_seterr(zrc, &gr->zs, "restart decompression");
	gr->between = 0;
	return 0;
}

static ssize_t gunzip_read(struct dbk_reader *r, void *buf, size_t len)
{
	struct gunzip_reader *gr = (struct gunzip_reader *)r;
	uInt want = len > UINT_MAX ? UINT_MAX : (uInt)len;
	int rc, zrc;

	for (;;) {
		size_t produced;

		if (gr->between) {
			rc = gunzip_next_member(gr);
			if (rc < 0)
				return rc;
			if (rc == 1)
				return 0;
		}
		if (gr->zs.avail_in == 0 && !gr->in_eof) {
			rc = gunzip_fill(gr);
			if (rc < 0)
				return rc;
		}
		gr->zs.next_out = buf;
		gr->zs.avail_out = want;
		zrc = inflate(&gr->zs, Z_NO_FLUSH);
		produced = want - gr->zs.avail_out;
		switch (zrc) {
		case Z_STREAM_END:
			gr->between = 1;
			break;
		case Z_OK:
		case Z_BUF_ERROR:
			/* Z_BUF_ERROR: no progress possible, i.e. the input ran
			 * dry inside a member. */
			if (produced == 0 && gr->zs.avail_in == 0 && gr->in_eof)
				return gunzip_truncated(gr);
			break;
		case Z_NEED_DICT:
			return dbk_seterr(DBK_ECORRUPT,
					  "backup '%s' is corrupt: a preset dictionary is required",
					  gr->what);
		case Z_DATA_ERROR:
			/* "incorrect data check" (CRC), "incorrect length
			 * check", "invalid block type" ... */
			return dbk_seterr(DBK_ECORRUPT, "backup '%s' is corrupt: %s", gr->what,
					  gr->zs.msg ? gr->zs.msg : zError(zrc));
		case Z_MEM_ERROR:
			return dbk_oom();
		default:
			return gzip_seterr(zrc, &gr->zs, "decompress");
		}
		if (produced > 0)
			return (ssize_t)produced;
	}
}

static void gunzip_destroy(struct dbk_reader *r)
{
	struct gunzip_reader *gr = (struct gunzip_reader *)r;

	if (gr->zs_ready)
		inflateEnd(&gr->zs);
	free(gr->what);
	free(gr);
}

static const struct dbk_reader_ops gunzip_reader_ops = {
    .read = gunzip_read,
    .destroy = gunzip_destroy,
};

int dbk_gunzip_reader_new(struct dbk_reader *next, const char *what, struct dbk_reader **out)
{
	struct gunzip_reader *gr;
	int zrc;

	*out = NULL;
	gr = dbk_calloc(1, sizeof(*gr));
	if (!gr) {
		dbk_reader_free(next);
		return DBK_ENOMEM;
	}
	gr->base.ops = &gunzip_reader_ops;
	gr->base.next = next;
	gr->what = dbk_strdup(what ? what : "(stream)");
	if (!gr->what) {
		dbk_reader_free(&gr->base);
		return DBK_ENOMEM;
	}
	gr->zs.next_in = gr->in;
	gr->zs.avail_in = 0;
	zrc = inflateInit2(&gr->zs, 15 + 16);
	if (zrc != Z_OK) {
		int rc = gzip_seterr(zrc, &gr->zs, "start decompression");

		dbk_reader_free(&gr->base);
		return rc;
	}
	gr->zs_ready = 1;
	*out = &gr->base;
	return 0;
}
