/*
 * stream.h - layered byte writers and readers.
 *
 * A backup is written through a chain of writers, each owning the next:
 *
 *     driver -> count -> gzip -> sha256 -> file (.partial, 0600, O_EXCL)
 *
 * and read back through the mirror chain of readers:
 *
 *     file -> sha256 -> gunzip -> count -> driver
 *
 * Drivers only see struct dbk_writer / struct dbk_reader and call dbk_write()
 * and dbk_read(); they never include zlib.h nor touch the backup folder.
 * Memory is constant: every layer keeps one fixed buffer.
 *
 * Ownership: a layer's _new() takes ownership of `next` (also on failure, when
 * it frees it).  dbk_writer_free() / dbk_reader_free() free the whole chain.
 * Pointers to inner layers (to read a digest or a count) are borrowed and
 * stay valid until the chain is freed.
 *
 * Errors follow error.h: the layer that fails records the message.
 */
#ifndef DBKEEP_STREAM_H
#define DBKEEP_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DBK_SHA256_HEX_LEN 64

/* ---- writers ---------------------------------------------------------- */

struct dbk_writer;

struct dbk_writer_ops {
	/* Consumes all len bytes or fails. */
	int (*write)(struct dbk_writer *w, const void *buf, size_t len);
	/* Flushes everything buffered, then finishes next. */
	int (*finish)(struct dbk_writer *w);
	/* Frees this layer only (not next). */
	void (*destroy)(struct dbk_writer *w);
};

struct dbk_writer {
	const struct dbk_writer_ops *ops;
	struct dbk_writer *next; /* owned; NULL for the last layer */
	int failed;              /* set after the first failed call; later calls fail */
	int finished;
};

int dbk_write(struct dbk_writer *w, const void *buf, size_t len);
int dbk_write_str(struct dbk_writer *w, const char *s);
/* Finishes the chain from w down: gzip trailer, digest, fsync of the file. */
int dbk_writer_finish(struct dbk_writer *w);
/* Frees the chain from w down.  A file layer that was not finished removes
 * its file, so a failed backup leaves nothing behind. */
void dbk_writer_free(struct dbk_writer *w);

/* Creates path with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600.  finish() fsyncs
 * and closes it; it is not renamed (see fsutil.h: dbk_rename_durable). */
int dbk_file_writer_new(const char *path, struct dbk_writer **out);

/* Writes to an already open descriptor (not closed, not removed); for tests
 * and stdout. */
int dbk_fd_writer_new(int fd, struct dbk_writer **out);

/* Passes bytes through and computes their SHA-256 (OpenSSL EVP). */
int dbk_sha256_writer_new(struct dbk_writer *next, struct dbk_writer **out);
/* After finish: the lower-case hex digest (65 bytes with the NUL). */
const char *dbk_sha256_writer_hex(struct dbk_writer *w);

/* gzip (RFC 1952) at level 1..9 via deflateInit2(15+16). */
int dbk_gzip_writer_new(struct dbk_writer *next, int level, struct dbk_writer **out);
/* The same gzip format, compressed on `jobs` (1..64) worker threads in
 * independent blocks chained by preset dictionaries (like pigz); the output
 * goes to next in order on the caller's thread, and memory stays fixed at
 * about 2 * jobs blocks.  Any gzip reader decodes it. */
int dbk_pgzip_writer_new(struct dbk_writer *next, int level, int jobs, struct dbk_writer **out);
/* Its block size: input is compressed in pieces of this many bytes. */
#define DBK_PGZIP_BLOCK (256 * 1024)

/* Progress callback: called at most a few times a second with the bytes so far. */
typedef void (*dbk_progress_fn)(void *arg, uint64_t bytes);

/* Counts bytes going through (and reports progress when fn is set). */
int dbk_count_writer_new(struct dbk_writer *next, dbk_progress_fn fn, void *arg,
			 struct dbk_writer **out);
uint64_t dbk_count_writer_bytes(struct dbk_writer *w);

/* ---- readers ---------------------------------------------------------- */

struct dbk_reader;

struct dbk_reader_ops {
	/* Returns bytes read (> 0), 0 at the end, or a negative DBK_E code. */
	ssize_t (*read)(struct dbk_reader *r, void *buf, size_t len);
	void (*destroy)(struct dbk_reader *r);
};

struct dbk_reader {
	const struct dbk_reader_ops *ops;
	struct dbk_reader *next; /* owned; NULL for the first layer */
	int failed;
	int eof;
};

ssize_t dbk_read(struct dbk_reader *r, void *buf, size_t len);
/* Reads until len bytes or the end; returns the count or a negative code. */
ssize_t dbk_read_full(struct dbk_reader *r, void *buf, size_t len);
/* Reads and discards everything to the end (to check digests and trailers). */
int dbk_read_drain(struct dbk_reader *r);
void dbk_reader_free(struct dbk_reader *r);

/* Opens path read-only with O_NOFOLLOW. */
int dbk_file_reader_new(const char *path, struct dbk_reader **out);
int dbk_sha256_reader_new(struct dbk_reader *next, struct dbk_reader **out);
/* After the end was reached: the lower-case hex digest. */
const char *dbk_sha256_reader_hex(struct dbk_reader *r);
/* Decodes gzip (concatenated members too); a truncated stream, a bad CRC or
 * length trailer, or trailing garbage is DBK_ECORRUPT naming `what`. */
int dbk_gunzip_reader_new(struct dbk_reader *next, const char *what, struct dbk_reader **out);
int dbk_count_reader_new(struct dbk_reader *next, dbk_progress_fn fn, void *arg,
			 struct dbk_reader **out);
uint64_t dbk_count_reader_bytes(struct dbk_reader *r);

/* Reads from a memory buffer (not copied; must outlive the reader). */
int dbk_mem_reader_new(const void *buf, size_t len, struct dbk_reader **out);

/* True when the first bytes are the gzip magic 1f 8b. */
int dbk_is_gzip_magic(const void *head, size_t n);

#endif
