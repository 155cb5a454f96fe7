/*
 * stream_sha256.c - pass-through layers that compute the SHA-256 of every
 * byte going through them (OpenSSL EVP).
 *
 * The hex digest is empty until the end: after finish() for the writer,
 * after the reader returned 0 (its next reached the end).
 */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/evp.h>

#include "dbkeep/error.h"
#include "dbkeep/stream.h"

/* Records OpenSSL's failure (rare: it means out of memory or a broken
 * provider set-up). */
static int sha_seterr(const char *what)
{
	return dbk_seterr(DBK_EFAIL, "could not %s the SHA-256 digest", what);
}

static int sha_new_ctx(EVP_MD_CTX **out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	*out = NULL;
	if (!ctx)
		return dbk_oom();
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return sha_seterr("start");
	}
	*out = ctx;
	return 0;
}

static int sha_final(EVP_MD_CTX *ctx, char hex[DBK_SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen * 2 != DBK_SHA256_HEX_LEN)
		return sha_seterr("finish");
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* ---- writer ----------------------------------------------------------- */

struct sha256_writer {
	struct dbk_writer base;
	EVP_MD_CTX *ctx;
	char hex[DBK_SHA256_HEX_LEN + 1];
};

static int sha256_write(struct dbk_writer *w, const void *buf, size_t len)
{
	struct sha256_writer *sw = (struct sha256_writer *)w;

	if (EVP_DigestUpdate(sw->ctx, buf, len) != 1)
		return sha_seterr("update");
	return dbk_write(w->next, buf, len);
}

static int sha256_finish(struct dbk_writer *w)
{
	struct sha256_writer *sw = (struct sha256_writer *)w;
	int rc;

	rc = sha_final(sw->ctx, sw->hex);
	if (rc < 0)
		return rc;
	return dbk_writer_finish(w->next);
}

static void sha256_writer_destroy(struct dbk_writer *w)
{
	struct sha256_writer *sw = (struct sha256_writer *)w;

	EVP_MD_CTX_free(sw->ctx);
	free(sw);
}

static const struct dbk_writer_ops sha256_writer_ops = {
    .write = sha256_write,
    .finish = sha256_finish,
    .destroy = sha256_writer_destroy,
};

int dbk_sha256_writer_new(struct dbk_writer *next, struct dbk_writer **out)
{
	struct sha256_writer *sw;
	int rc;

	*out = NULL;
	sw = dbk_calloc(1, sizeof(*sw));
	if (!sw) {
		dbk_writer_free(next);
		return DBK_ENOMEM;
	}
	sw->base.ops = &sha256_writer_ops;
	sw->base.next = next;
	rc = sha_new_ctx(&sw->ctx);
	if (rc < 0) {
		dbk_writer_free(&sw->base);
		return rc;
	}
	*out = &sw->base;
	return 0;
}

const char *dbk_sha256_writer_hex(struct dbk_writer *w)
{
	if (!w || w->ops != &sha256_writer_ops)
		return NULL;
	return ((struct sha256_writer *)w)->hex;
}

/* ---- reader ----------------------------------------------------------- */

struct sha256_reader {
	struct dbk_reader base;
	EVP_MD_CTX *ctx;
	char hex[DBK_SHA256_HEX_LEN + 1];
};

static ssize_t sha256_read(struct dbk_reader *r, void *buf, size_t len)
{
	struct sha256_reader *sr = (struct sha256_reader *)r;
	ssize_t n = dbk_read(r->next, buf, len);
	int rc;

	if (n > 0 && EVP_DigestUpdate(sr->ctx, buf, (size_t)n) != 1)
		return sha_seterr("update");
	if (n == 0) {
		rc = sha_final(sr->ctx, sr->hex);
		if (rc < 0)
			return rc;
	}
	return n;
}

static void sha256_reader_destroy(struct dbk_reader *r)
{
	struct sha256_reader *sr = (struct sha256_reader *)r;

	EVP_MD_CTX_free(sr->ctx);
	free(sr);
}

static const struct dbk_reader_ops sha256_reader_ops = {
    .read = sha256_read,
    .destroy = sha256_reader_destroy,
};

int dbk_sha256_reader_new(struct dbk_reader *next, struct dbk_reader **out)
{
	struct sha256_reader *sr;
	int rc;

	*out = NULL;
	sr = dbk_calloc(1, sizeof(*sr));
	if (!sr) {
		dbk_reader_free(next);
		return DBK_ENOMEM;
	}
	sr->base.ops = &sha256_reader_ops;
	sr->base.next = next;
	rc = sha_new_ctx(&sr->ctx);
	if (rc < 0) {
		dbk_reader_free(&sr->base);
		return rc;
	}
	*out = &sr->base;
	return 0;
}

const char *dbk_sha256_reader_hex(struct dbk_reader *r)
{
	if (!r || r->ops != &sha256_reader_ops)
		return NULL;
	return ((struct sha256_reader *)r)->hex;
}
