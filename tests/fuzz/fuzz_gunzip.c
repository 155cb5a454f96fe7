/*
 * fuzz_gunzip.c - libFuzzer harness for the gzip reader
 * (dbk_gunzip_reader_new over dbk_mem_reader_new): verify and restore read
 * whatever the backup folder holds.
 *
 * Input: the gzip bytes themselves (the seeds are real .gz files); their
 * length picks a small read size.  Besides "no crash, no sanitizer report",
 * it checks that the read size does not change the result (the same end or
 * error; the same bytes when it ends well), and that a stream the reader
 * accepts is what zlib itself decodes from it.  Inputs that are not gzip
 * are also compressed with dbk_gzip_writer_new and must read back unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "dbkeep/error.h"
#include "dbkeep/strbuf.h"
#include "dbkeep/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fuzz inputs are small (libFuzzer's -max_len); a bomb stops here. */
#define FUZZ_OUT_MAX (8u * 1024 * 1024)

static void __attribute__((noreturn)) fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_gunzip: %s\n", what);
	abort();
}

/* Decodes buf through the reader, len bytes per read.  Returns 0, a
 * negative code, or 1 when the output passed FUZZ_OUT_MAX. */
static int fuzz_gunzip(const void *buf, size_t n, size_t len, struct dbk_strbuf *out)
{
	struct dbk_reader *mem, *gz;
	char chunk[4096];
	ssize_t got;
	int rc = 0;

	dbk_clearerr();
	if (dbk_mem_reader_new(buf, n, &mem) < 0 || dbk_gunzip_reader_new(mem, "fuzz", &gz) < 0)
		fuzz_fail("could not make the readers");
	while ((got = dbk_read(gz, chunk, len)) > 0) {
		if ((size_t)got > len)
			fuzz_fail("read more than asked");
		dbk_strbuf_add(out, chunk, (size_t)got);
		if (out->len > FUZZ_OUT_MAX) {
			rc = 1;
			break;
		}
	}
	if (got < 0) {
		rc = (int)got;
		if (!*dbk_errmsg())
			fuzz_fail("failed without a message");
		/* A failed reader stays failed. */
		if (dbk_read(gz, chunk, len) >= 0)
			fuzz_fail("read again after a failure");
	}
	dbk_reader_free(gz);
	return rc;
}

/* zlib's own decoding of concatenated gzip members, nothing after them. */
static int fuzz_zlib(const unsigned char *buf, size_t n, struct dbk_strbuf *out)
{
	unsigned char chunk[4096];
	z_stream zs;
	int zrc = Z_OK;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		fuzz_fail("inflateInit2");
	zs.next_in = (unsigned char *)buf;
	zs.avail_in = (uInt)n;
	for (;;) {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zrc = inflate(&zs, Z_NO_FLUSH);
		dbk_strbuf_add(out, chunk, sizeof(chunk) - zs.avail_out);
		if (out->len > FUZZ_OUT_MAX)
			break;
		if (zrc == Z_STREAM_END) {
			if (zs.avail_in == 0)
				break;
			if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b) {
				zrc = Z_DATA_ERROR;
				break;
			}
			inflateReset(&zs);
			continue;
		}
		if (zrc != Z_OK)
			break;
	}
	inflateEnd(&zs);
	return zrc == Z_STREAM_END ? 0 : -1;
}

/* A writer that collects into a strbuf: the end of a gzip writer chain. */
struct fuzz_sink {
	struct dbk_writer base;
	struct dbk_strbuf *out;
};

static int fuzz_sink_write(struct dbk_writer *w, const void *buf, size_t len)
{
	dbk_strbuf_add(((struct fuzz_sink *)w)->out, buf, len);
	return 0;
}

static int fuzz_sink_finish(struct dbk_writer *w)
{
	(void)w;
	return 0;
}

static void fuzz_sink_destroy(struct dbk_writer *w)
{
	free(w);
}

static const struct dbk_writer_ops fuzz_sink_ops = {
    .write = fuzz_sink_write,
    .finish = fuzz_sink_finish,
    .destroy = fuzz_sink_destroy,
};

static void fuzz_roundtrip(const unsigned char *buf, size_t n, int level)
{
	struct dbk_strbuf gz = DBK_STRBUF_INIT, back = DBK_STRBUF_INIT;
	struct fuzz_sink *sink = calloc(1, sizeof(*sink));
	struct dbk_writer *w;

	if (!sink)
		return;
	sink->base.ops = &fuzz_sink_ops;
	sink->out = &gz;
	if (dbk_gzip_writer_new(&sink->base, level, &w) < 0)
		fuzz_fail("could not make the gzip writer");
	/* In two writes, so that the writer's buffering is crossed. */
	if (dbk_write(w, buf, n / 2) < 0 || dbk_write(w, buf + n / 2, n - n / 2) < 0 ||
	    dbk_writer_finish(w) < 0)
		fuzz_fail("gzip writer failed");
	dbk_writer_free(w);
	if (fuzz_gunzip(gz.buf, gz.len, 4096, &back) != 0 || back.len != n ||
	    memcmp(back.buf, buf, n) != 0)
		fuzz_fail("gzip writer output does not read back");
	dbk_strbuf_release(&back);
	dbk_strbuf_release(&gz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dbk_strbuf big = DBK_STRBUF_INIT, small = DBK_STRBUF_INIT, ref = DBK_STRBUF_INIT;
	size_t len;
	int rc_big, rc_small;

	len = 1 + size % 61;

	rc_big = fuzz_gunzip(data, size, 4096, &big);
	rc_small = fuzz_gunzip(data, size, len, &small);
	if (rc_big != 1 && rc_small != 1) {
		/* On an error, how much came out before it depends on the
		 * read size (inflate checks the CRC after its last output). */
		if (rc_big != rc_small ||
		    (rc_big == 0 && (big.len != small.len ||
				     memcmp(big.buf, small.buf, big.len) != 0))) {
			fprintf(stderr, "reads of 4096: rc %d, %zu bytes; reads of %zu: rc %d, %zu bytes\n",
				rc_big, big.len, len, rc_small, small.len);
			fuzz_fail("the read size changed the result");
		}
		if (rc_big == 0 && (fuzz_zlib(data, size, &ref) != 0 || ref.len != big.len ||
				    memcmp(ref.buf, big.buf, big.len) != 0))
			fuzz_fail("accepted a stream zlib decodes differently");
	}
	if (!dbk_is_gzip_magic(data, size))
		fuzz_roundtrip(data, size, 1 + (int)(len % 9));

	dbk_strbuf_release(&ref);
	dbk_strbuf_release(&small);
	dbk_strbuf_release(&big);
	return 0;
}
