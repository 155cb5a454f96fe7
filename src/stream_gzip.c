/*
 * stream_gzip.c - gzip compression (zlib) and decompression (ISA-L) layers.
 *
 * The writer uses window bits 15+16 so zlib writes the RFC 1952 wrapper
 * (header, CRC-32 and length trailer) itself; the reader has ISA-L parse
 * and check it (ISAL_GZIP).  Each layer owns one fixed
 * buffer of GZ_BUF bytes: compressed output waiting for the next writer, or
 * compressed input read from the next reader.
 *
 * zlib counts in uInt; lengths above UINT_MAX are fed in pieces.
 */
#include <isa-l/igzip_lib.h>
#include <limits.h>
#include <stdint.h>
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

/* Decompression is ISA-L's inflate (igzip): the same RFC 1952 format,
 * header, CRC-32 and length checked, at three to four times zlib's speed,
 * which a restore spends beside the server's COPY on the same cores. */

struct gunzip_reader {
	struct dbk_reader base;
	struct inflate_state st;
	int in_eof;  /* next reported its end */
	int between; /* a member ended; another may follow */
	int started; /* the member's header was looked at */
	char *what;  /* the backup's name, for messages */
	unsigned char in[GZ_BUF];
};

/* Moves the unread input to the front and reads more behind it.  Returns
 * 0 (in_eof set when next had nothing more) or a negative code. */
static int gunzip_fill(struct gunzip_reader *gr)
{
	size_t have = gr->st.avail_in;
	ssize_t n;

	if (have > 0 && gr->st.next_in != gr->in)
		memmove(gr->in, gr->st.next_in, have);
	gr->st.next_in = gr->in;
	n = dbk_read(gr->base.next, gr->in + have, GZ_BUF - have);
	if (n < 0)
		return (int)n;
	if (n == 0)
		gr->in_eof = 1;
	gr->st.avail_in = (uint32_t)(have + (size_t)n);
	return 0;
}

/* Reads until n bytes are buffered or the input ends; 0 or a negative code. */
static int gunzip_want(struct gunzip_reader *gr, uint32_t n)
{
	int rc = 0;

	while (rc == 0 && gr->st.avail_in < n && !gr->in_eof)
		rc = gunzip_fill(gr);
	return rc;
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
	int rc = gunzip_want(gr, 2);

	if (rc < 0)
		return rc;
	if (gr->st.avail_in == 0)
		return 1;
	if (!dbk_is_gzip_magic(gr->st.next_in, gr->st.avail_in))
		return dbk_seterr(DBK_ECORRUPT,
				  "backup '%s' is corrupt: unexpected data after the gzip stream",
				  gr->what);
	/* reset keeps the input and the flags, clears the rest */
	isal_inflate_reset(&gr->st);
	gr->between = 0;
	gr->started = 0;
	return 0;
}

/* What ISA-L lets pass in a member's header and zlib (RFC 1952) does not:
 * a method other than deflate is its error too, reserved flag bits are
 * not.  Called with the member's first bytes at next_in. */
static int gunzip_check_header(struct gunzip_reader *gr)
{
	int rc = gunzip_want(gr, 4);

	if (rc < 0)
		return rc;
	if (gr->st.avail_in >= 4 && (gr->st.next_in[3] & 0xe0) != 0)
		return dbk_seterr(DBK_ECORRUPT, "backup '%s' is corrupt: unknown header flags set",
				  gr->what);
	gr->started = 1;
	return 0;
}

static const char *gunzip_why(int ret)
{
	switch (ret) {
	case ISAL_INVALID_BLOCK:
		return "invalid block";
	case ISAL_INVALID_SYMBOL:
		return "invalid code";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	case ISAL_INVALID_WRAPPER:
		return "incorrect header";
	case ISAL_UNSUPPORTED_METHOD:
		return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM:
		/* ISA-L checks both trailer fields under one code */
		return "incorrect data check (CRC-32 or length)";
	case ISAL_NEED_DICT:
		return "a preset dictionary is required";
	default:
		return "undecodable data";
	}
}

static ssize_t gunzip_read(struct dbk_reader *r, void *buf, size_t len)
{
	struct gunzip_reader *gr = (struct gunzip_reader *)r;
	uint32_t want = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	int rc, ret;

	for (;;) {
		size_t produced;
		uint32_t had_in;

		if (gr->between) {
			rc = gunzip_next_member(gr);
			if (rc < 0)
				return rc;
			if (rc == 1)
				return 0;
		}
		if (!gr->started && (rc = gunzip_check_header(gr)) < 0)
			return rc;
		if (gr->st.avail_in == 0 && !gr->in_eof) {
			rc = gunzip_fill(gr);
			if (rc < 0)
				return rc;
		}
		gr->st.next_out = buf;
		gr->st.avail_out = want;
		had_in = gr->st.avail_in;
		ret = isal_inflate(&gr->st);
		if (ret < 0 || ret == ISAL_NEED_DICT)
			return dbk_seterr(DBK_ECORRUPT, "backup '%s' is corrupt: %s", gr->what,
					  gunzip_why(ret));
		produced = want - gr->st.avail_out;
		if (gr->st.block_state == ISAL_BLOCK_FINISH)
			gr->between = 1;
		else if (produced == 0 && gr->st.avail_in == had_in && gr->in_eof)
			/* no progress possible: the input ran dry inside a member */
			return gunzip_truncated(gr);
		if (produced > 0)
			return (ssize_t)produced;
	}
}

static void gunzip_destroy(struct dbk_reader *r)
{
	struct gunzip_reader *gr = (struct gunzip_reader *)r;

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
	isal_inflate_init(&gr->st);
	gr->st.crc_flag = ISAL_GZIP;
	gr->st.next_in = gr->in;
	gr->st.avail_in = 0;
	*out = &gr->base;
	return 0;
}
