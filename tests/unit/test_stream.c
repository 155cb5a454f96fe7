/*
 * test_stream.c - the writer and reader chains and the file helpers, checked
 * the way a user would check a backup file: with gzip -t, zcat | cmp and
 * sha256sum, its mode, and what dbkeep says when the file is damaged or the
 * disk (here RLIMIT_FSIZE) is full.
 *
 * Every case works in its own folder under $TMPDIR (or /tmp), removed at
 * the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/stream.h"

#define MiB (1024 * 1024)

static char tmpdir[256];

/* ---- helpers ---------------------------------------------------------- */

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/dbkeep-test-stream-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	dbk_clearerr();
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	dbk_clearerr();
	umask(022);
	return system(cmd) == 0 ? 0 : -1;
}

static char *tpath(const char *name)
{
	static char buf[4][512];
	static int turn;
	char *p = buf[turn++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

/* Runs a shell command; returns its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void sha256sum_of(const char *path, char hex[DBK_SHA256_HEX_LEN + 1])
{
	char cmd[600];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(hex, DBK_SHA256_HEX_LEN + 1, p));
	assert_int_equal(pclose(p), 0);
}

/* Deterministic test data: first half random (incompressible), then text
 * lines (compressible), like a dump with blobs then rows. */
static unsigned char *make_data(size_t n)
{
	unsigned char *d = malloc(n ? n : 1);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i = 0;

	assert_non_null(d);
	for (; i < n / 2; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		d[i] = (unsigned char)x;
	}
	while (i < n) {
		char line[64];
		int len = snprintf(line, sizeof(line), "INSERT INTO t VALUES (%zu, 'row');\n", i);

		for (int k = 0; k < len && i < n; k++)
			d[i++] = (unsigned char)line[k];
	}
	return d;
}

static void save(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *load(const char *path, size_t *n)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;

	assert_int_equal(dbk_read_file(path, 256 * MiB, &sb), 0);
	*n = sb.len;
	return (unsigned char *)dbk_strbuf_detach(&sb);
}

/* Writes data in uneven pieces, so every layer's buffer boundaries get
 * crossed in every way. */
static int write_pieces(struct dbk_writer *w, const unsigned char *d, size_t n)
{
	static const size_t sizes[] = {1, 7, 4096, 65536, 300 * 1024, 3, MiB + 5};
	size_t off = 0;

	for (size_t k = 0; off < n; k++) {
		size_t len = sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
		int rc;

		if (len > n - off)
			len = n - off;
		rc = dbk_write(w, d + off, len);
		if (rc < 0)
			return rc;
		off += len;
	}
	return 0;
}

/* The backup chain: count -> [gzip] -> sha256 -> file.  *count and *sha are
 * borrowed pointers into it. */
static struct dbk_writer *backup_chain(const char *path, int gz, struct dbk_writer **count,
				       struct dbk_writer **sha)
{
	struct dbk_writer *w;

	assert_int_equal(dbk_file_writer_new(path, &w), 0);
	assert_int_equal(dbk_sha256_writer_new(w, &w), 0);
	*sha = w;
	if (gz)
		assert_int_equal(dbk_gzip_writer_new(w, 6, &w), 0);
	assert_int_equal(dbk_count_writer_new(w, NULL, NULL, &w), 0);
	*count = w;
	return w;
}

/* Reads a whole gzip file back through file -> sha256 -> gunzip; returns
 * the code of the first failure, or 0 with the bytes in *out. */
static int read_back(const char *path, int gz, unsigned char **out, size_t *n, char *hex)
{
	struct dbk_reader *r, *sha;
	size_t cap = MiB, len = 0;
	unsigned char *buf = malloc(cap);
	ssize_t got;

	assert_non_null(buf);
	assert_int_equal(dbk_file_reader_new(path, &r), 0);
	assert_int_equal(dbk_sha256_reader_new(r, &r), 0);
	sha = r;
	if (gz)
		assert_int_equal(dbk_gunzip_reader_new(r, "test.sql.gz", &r), 0);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = dbk_read(r, buf + len, cap - len);
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	if (got == 0 && hex)
		strcpy(hex, dbk_sha256_reader_hex(sha));
	dbk_reader_free(r);
	*out = buf;
	*n = len;
	return (int)got;
}

/* Decodes a gzip image held in memory; returns 0 or the failure code. */
static int gunzip_mem(const void *gz, size_t n, struct dbk_strbuf *out)
{
	struct dbk_reader *r;
	char buf[4096];
	ssize_t got;

	assert_int_equal(dbk_mem_reader_new(gz, n, &r), 0);
	assert_int_equal(dbk_gunzip_reader_new(r, "x.sql.gz", &r), 0);
	while ((got = dbk_read(r, buf, sizeof(buf))) > 0)
		dbk_strbuf_add(out, buf, (size_t)got);
	dbk_reader_free(r);
	return (int)got;
}

static void gzip_mem(const void *data, size_t n, struct dbk_strbuf *out)
{
	const char *p = tpath("mem.gz");
	struct dbk_writer *w;
	unsigned char *gz;
	size_t gzlen;

	unlink(p);
	assert_int_equal(dbk_file_writer_new(p, &w), 0);
	assert_int_equal(dbk_gzip_writer_new(w, 9, &w), 0);
	assert_int_equal(dbk_write(w, data, n), 0);
	assert_int_equal(dbk_writer_finish(w), 0);
	dbk_writer_free(w);
	gz = load(p, &gzlen);
	dbk_strbuf_add(out, gz, gzlen);
	free(gz);
}

/* ---- the backup chain ------------------------------------------------- */

static void check_roundtrip(size_t size, int gz)
{
	const char *orig = tpath("orig.bin"), *file = tpath(gz ? "b.sql.gz" : "b.sql");
	unsigned char *data = make_data(size), *back;
	struct dbk_writer *w, *count, *sha;
	char want[DBK_SHA256_HEX_LEN + 1], rhex[DBK_SHA256_HEX_LEN + 1];
	struct stat st;
	size_t n;

	unlink(orig);
	unlink(file);
	save(orig, data, size);
	/* 0600 whatever the umask: one that would widen it, one that would
	 * leave the owner unable to write. */
	umask(gz ? 0 : 0277);
	w = backup_chain(file, gz, &count, &sha);
	assert_int_equal(write_pieces(w, data, size), 0);
	assert_int_equal(dbk_writer_finish(w), 0);
	assert_int_equal(dbk_count_writer_bytes(count), size);
	sha256sum_of(file, want);
	assert_string_equal(dbk_sha256_writer_hex(sha), want);
	dbk_writer_free(w);
	umask(022);

	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	if (gz) {
		assert_int_equal(sh("gzip -t '%s'", file), 0);
		assert_int_equal(sh("zcat '%s' | cmp -s - '%s'", file, orig), 0);
		/* Compression did something on the compressible half. */
		if (size > MiB)
			assert_true((size_t)st.st_size < size * 3 / 4);
	} else {
		assert_int_equal(sh("cmp -s '%s' '%s'", file, orig), 0);
	}

	assert_int_equal(read_back(file, gz, &back, &n, rhex), 0);
	assert_int_equal(n, size);
	assert_memory_equal(back, data, size);
	assert_string_equal(rhex, want);
	free(back);
	free(data);
}

static void test_roundtrip_gzip(void **state)
{
	(void)state;
	check_roundtrip(6 * MiB + 12345, 1);
	check_roundtrip(1, 1);
	check_roundtrip(0, 1);
}

static void test_roundtrip_plain(void **state)
{
	(void)state;
	check_roundtrip(3 * MiB + 7, 0);
	check_roundtrip(0, 0);
}

/* ---- damaged gzip files ----------------------------------------------- */

static void test_truncated(void **state)
{
	const char *good = tpath("good.sql.gz"), *cut = tpath("cut.sql.gz");
	unsigned char *data = make_data(2 * MiB), *gz, *back;
	struct dbk_writer *w, *count, *sha;
	size_t gzlen, n;
	const size_t cuts[] = {0, 1, 10, 0 /* half */, 0 /* before the trailer */, 0 /* -1 */};

	(void)state;
	w = backup_chain(good, 1, &count, &sha);
	assert_int_equal(dbk_write(w, data, 2 * MiB), 0);
	assert_int_equal(dbk_writer_finish(w), 0);
	dbk_writer_free(w);
	gz = load(good, &gzlen);

	for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
		size_t at = cuts[k];

		if (k == 3)
			at = gzlen / 2;
		else if (k == 4)
			at = gzlen - 8;
		else if (k == 5)
			at = gzlen - 1;
		unlink(cut);
		save(cut, gz, at);
		dbk_clearerr();
		assert_int_equal(read_back(cut, 1, &back, &n, NULL), DBK_ECORRUPT);
		assert_int_equal(dbk_errcode(), DBK_ECORRUPT);
		assert_string_equal(dbk_errmsg(), "backup 'test.sql.gz' is truncated");
		free(back);
	}
	dbk_clearerr();
	free(gz);
	free(data);
}

static void test_flipped_byte(void **state)
{
	const char *good = tpath("good.sql.gz"), *bad = tpath("bad.sql.gz");
	unsigned char *data = make_data(MiB), *gz, *back;
	struct dbk_writer *w, *count, *sha;
	size_t gzlen, n;
	static const struct {
		long from_end; /* 0: the middle */
		const char *want;
	} rows[] = {
	    {0, "backup 'test.sql.gz' is corrupt: "},
	    {8, "backup 'test.sql.gz' is corrupt: incorrect data check (CRC-32 or length)"}, /* CRC-32 */
	    {4, "backup 'test.sql.gz' is corrupt: incorrect data check (CRC-32 or length)"}, /* ISIZE */
	};

	(void)state;
	w = backup_chain(good, 1, &count, &sha);
	assert_int_equal(dbk_write(w, data, MiB), 0);
	assert_int_equal(dbk_writer_finish(w), 0);
	dbk_writer_free(w);
	gz = load(good, &gzlen);

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		size_t at = rows[k].from_end ? gzlen - (size_t)rows[k].from_end : gzlen / 2;

		gz[at] ^= 0x40;
		unlink(bad);
		save(bad, gz, gzlen);
		gz[at] ^= 0x40;
		dbk_clearerr();
		assert_int_equal(read_back(bad, 1, &back, &n, NULL), DBK_ECORRUPT);
		if (strncmp(dbk_errmsg(), rows[k].want, strlen(rows[k].want)) != 0)
			fail_msg("flip at %zu: got \"%s\", expected \"%s...\"", at, dbk_errmsg(),
				 rows[k].want);
		free(back);
	}
	dbk_clearerr();
	free(gz);
	free(data);
}

/* `cat a.gz b.gz > c.gz` is a valid gzip file; gunzip gives both. */
static void test_concatenated(void **state)
{
	struct dbk_strbuf gz = DBK_STRBUF_INIT, out = DBK_STRBUF_INIT;
	unsigned char *big = make_data(3 * MiB);

	(void)state;
	gzip_mem("hello ", 6, &gz);
	gzip_mem("", 0, &gz); /* an empty member in between */
	gzip_mem("world", 5, &gz);
	assert_int_equal(gunzip_mem(gz.buf, gz.len, &out), 0);
	assert_string_equal(out.buf, "hello world");

	/* Large members, so the boundary falls inside an input buffer. */
	dbk_strbuf_reset(&gz);
	dbk_strbuf_reset(&out);
	gzip_mem(big, 3 * MiB, &gz);
	gzip_mem(big, 3 * MiB, &gz);
	save(tpath("two.gz"), gz.buf, gz.len);
	assert_int_equal(sh("gzip -t '%s'", tpath("two.gz")), 0);
	assert_int_equal(gunzip_mem(gz.buf, gz.len, &out), 0);
	assert_int_equal(out.len, 6 * MiB);
	assert_memory_equal(out.buf, big, 3 * MiB);
	assert_memory_equal(out.buf + 3 * MiB, big, 3 * MiB);

	dbk_strbuf_release(&gz);
	dbk_strbuf_release(&out);
	free(big);
}

static void test_trailing_garbage(void **state)
{
	static const struct {
		const char *tail;
		size_t len;
	} rows[] = {
	    {"garbage", 7}, {"\0\0\0\0", 4}, {"\x1f", 1}, {"\n", 1}, {"\x1f\x8b", 2},
	};

	(void)state;
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct dbk_strbuf gz = DBK_STRBUF_INIT, out = DBK_STRBUF_INIT;

		gzip_mem("payload", 7, &gz);
		dbk_strbuf_add(&gz, rows[k].tail, rows[k].len);
		dbk_clearerr();
		assert_int_equal(gunzip_mem(gz.buf, gz.len, &out), DBK_ECORRUPT);
		/* "\x1f\x8b" alone is the start of a member cut short. */
		if (strstr(dbk_errmsg(), "x.sql.gz") == NULL ||
		    (strstr(dbk_errmsg(), "corrupt") == NULL &&
		     strstr(dbk_errmsg(), "truncated") == NULL))
			fail_msg("tail %zu: unexpected message \"%s\"", k, dbk_errmsg());
		dbk_strbuf_release(&gz);
		dbk_strbuf_release(&out);
	}
	dbk_clearerr();
}

/* A plain file that is not gzip at all. */
static void test_not_gzip(void **state)
{
	struct dbk_strbuf out = DBK_STRBUF_INIT;
	const char sql[] = "CREATE TABLE t (x int);\n";

	(void)state;
	assert_false(dbk_is_gzip_magic(sql, sizeof(sql) - 1));
	assert_true(dbk_is_gzip_magic("\x1f\x8b\x08", 3));
	assert_false(dbk_is_gzip_magic("\x1f", 1));
	assert_int_equal(gunzip_mem(sql, sizeof(sql) - 1, &out), DBK_ECORRUPT);
	assert_non_null(strstr(dbk_errmsg(), "backup 'x.sql.gz' is corrupt"));
	dbk_clearerr();
	dbk_strbuf_release(&out);
}

/* ---- the file writer -------------------------------------------------- */

static void test_unfinished_removed(void **state)
{
	const char *p = tpath("failed.sql.gz");
	struct dbk_writer *w, *count, *sha;
	unsigned char *data = make_data(MiB);
	struct stat st;

	(void)state;
	w = backup_chain(p, 1, &count, &sha);
	assert_int_equal(dbk_write(w, data, MiB), 0);
	assert_int_equal(stat(p, &st), 0);
	dbk_writer_free(w);
	assert_int_equal(stat(p, &st), -1);
	assert_int_equal(errno, ENOENT);

	/* Finished: the file stays. */
	w = backup_chain(p, 1, &count, &sha);
	assert_int_equal(dbk_write(w, data, 10), 0);
	assert_int_equal(dbk_writer_finish(w), 0);
	dbk_writer_free(w);
	assert_int_equal(stat(p, &st), 0);
	free(data);
}

static void test_existing_untouched(void **state)
{
	const char *p = tpath("precious.sql.gz"), *link = tpath("link.sql.gz");
	struct dbk_writer *w = (struct dbk_writer *)1;
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	char want[600];

	(void)state;
	save(p, "precious", 8);
	assert_int_equal(dbk_file_writer_new(p, &w), DBK_EIO);
	assert_null(w);
	snprintf(want, sizeof(want), "could not create '%s': File exists", p);
	assert_string_equal(dbk_errmsg(), want);
	dbk_clearerr();
	/* Through a symlink: refused too, the target keeps its bytes. */
	assert_int_equal(symlink(p, link), 0);
	assert_int_equal(dbk_file_writer_new(link, &w), DBK_EIO);
	dbk_clearerr();
	/* A dangling symlink must not be followed to create its target. */
	unlink(p);
	assert_int_equal(dbk_file_writer_new(link, &w), DBK_EIO);
	assert_int_equal(access(p, F_OK), -1);
	dbk_clearerr();
	save(p, "precious", 8);
	assert_int_equal(dbk_read_file(p, 100, &sb), 0);
	assert_string_equal(sb.buf, "precious");
	dbk_strbuf_release(&sb);
}

/* A full disk, by way of RLIMIT_FSIZE: with SIGXFSZ ignored (as main does)
 * write() fails with EFBIG, and the message names the file. */
static void test_file_size_limit(void **state)
{
	const char *p = tpath("big.sql");
	pid_t pid;
	int st;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {MiB, MiB};
		struct dbk_writer *w, *count, *sha;
		unsigned char *data = make_data(4 * MiB);
		char want[600];
		int rc;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		w = backup_chain(p, 0, &count, &sha);
		rc = write_pieces(w, data, 4 * MiB);
		if (rc == 0)
			rc = dbk_writer_finish(w);
		dbk_writer_free(w);
		free(data);
		snprintf(want, sizeof(want), "could not write '%s': File too large", p);
		if (rc != DBK_EIO || strcmp(dbk_errmsg(), want) != 0) {
			fprintf(stderr, "rc %d, message \"%s\"\n", rc, dbk_errmsg());
			_exit(1);
		}
		/* The failed backup left nothing behind. */
		_exit(access(p, F_OK) == 0 ? 2 : 0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* After a failure every later call fails the same way, and nothing crashes. */
static void test_failed_stays_failed(void **state)
{
	struct dbk_writer *w;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(dbk_fd_writer_new(fds[1], &w), 0);
	assert_int_equal(dbk_gzip_writer_new(w, 1, &w), 0);
	assert_int_equal(dbk_write(w, "x", 1), 0); /* buffered */
	assert_int_equal(dbk_writer_finish(w), DBK_EIO);
	assert_non_null(strstr(dbk_errmsg(), "Broken pipe"));
	assert_int_equal(dbk_write(w, "x", 1), DBK_EIO);
	assert_int_equal(dbk_writer_finish(w), DBK_EIO);
	dbk_writer_free(w);
	close(fds[1]);
	signal(SIGPIPE, SIG_DFL);
	dbk_clearerr();

	/* gzip level out of range: the chain below is freed, not leaked. */
	assert_int_equal(dbk_fd_writer_new(1, &w), 0);
	assert_int_equal(dbk_gzip_writer_new(w, 10, &w), DBK_EUSAGE);
	assert_null(w);
	dbk_clearerr();
}

/* ---- small readers ---------------------------------------------------- */

static void test_read_full_and_drain(void **state)
{
	const char text[] = "0123456789";
	struct dbk_reader *r, *count;
	char buf[32];

	(void)state;
	assert_int_equal(dbk_mem_reader_new(text, 10, &r), 0);
	assert_int_equal(dbk_count_reader_new(r, NULL, NULL, &r), 0);
	count = r;
	assert_int_equal(dbk_read_full(r, buf, 4), 4);
	assert_memory_equal(buf, "0123", 4);
	assert_int_equal(dbk_read_full(r, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "456789", 6);
	assert_int_equal(dbk_read_full(r, buf, sizeof(buf)), 0);
	assert_int_equal(dbk_count_reader_bytes(count), 10);
	dbk_reader_free(r);

	assert_int_equal(dbk_mem_reader_new(text, 10, &r), 0);
	assert_int_equal(dbk_sha256_reader_new(r, &r), 0);
	assert_int_equal(dbk_read_drain(r), 0);
	/* printf 0123456789 | sha256sum */
	assert_string_equal(dbk_sha256_reader_hex(r),
			    "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882");
	dbk_reader_free(r);

	assert_int_equal(dbk_file_reader_new(tpath("missing"), &r), DBK_ENOTFOUND);
	assert_null(r);
	dbk_clearerr();
}

/* ---- progress --------------------------------------------------------- */

struct calls {
	int n;
	uint64_t last;
};

static void on_progress(void *arg, uint64_t bytes)
{
	struct calls *c = arg;

	c->n++;
	c->last = bytes;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_progress(void **state)
{
	static unsigned char chunk[64 * 1024];
	struct calls c = {0, 0};
	struct dbk_writer *w;
	struct timespec pause = {0, 50 * 1000 * 1000};
	int devnull = open("/dev/null", O_WRONLY);
	double t0 = now_s(), elapsed;
	uint64_t total = 0;

	(void)state;
	assert_true(devnull >= 0);
	assert_int_equal(dbk_fd_writer_new(devnull, &w), 0);
	assert_int_equal(dbk_count_writer_new(w, on_progress, &c, &w), 0);
	/* 1.2 s of writing at 2 MiB every 50 ms... */
	for (int i = 0; i < 24; i++) {
		for (int k = 0; k < 32; k++) {
			assert_int_equal(dbk_write(w, chunk, sizeof(chunk)), 0);
			total += sizeof(chunk);
		}
		nanosleep(&pause, NULL);
	}
	/* ... and a burst of tiny writes: no report storm. */
	for (int i = 0; i < 100000; i++)
		assert_int_equal(dbk_write(w, chunk, 1), 0);
	total += 100000;
	elapsed = now_s() - t0;
	assert_true(c.n >= 2);
	assert_true(c.n <= (int)(elapsed * 4) + 1);
	assert_int_equal(dbk_writer_finish(w), 0);
	/* The last report is the total. */
	assert_int_equal(c.last, total);
	assert_int_equal(dbk_count_writer_bytes(w), total);
	dbk_writer_free(w);
	close(devnull);
}

/* ---- fsutil ----------------------------------------------------------- */

static void test_mkdir_private(void **state)
{
	struct stat st;
	char want[600];

	(void)state;
	umask(0);
	assert_int_equal(dbk_mkdir_private(tpath("a/b/c/")), 0);
	umask(0277);
	assert_int_equal(dbk_mkdir_private(tpath("a/b/d")), 0);
	umask(022);
	assert_int_equal(stat(tpath("a"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(tpath("a/b/c"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(tpath("a/b/d"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	/* An existing folder keeps the mode its owner gave it. */
	assert_int_equal(chmod(tpath("a/b/d"), 0755), 0);
	assert_int_equal(dbk_mkdir_private(tpath("a/b/d")), 0);
	assert_int_equal(stat(tpath("a/b/d"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);

	/* ... but is told when others may write there (stderr caught). */
	{
		struct dbk_strbuf said = DBK_STRBUF_INIT;
		int saved = dup(2), fd = open(tpath("stderr"), O_WRONLY | O_CREAT, 0600);

		assert_true(saved >= 0 && fd >= 0);
		assert_int_equal(chmod(tpath("a/b/d"), 0775), 0);
		fflush(stderr);
		dup2(fd, 2);
		assert_int_equal(dbk_mkdir_private(tpath("a/b/d")), 0);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		close(fd);
		assert_int_equal(dbk_read_file(tpath("stderr"), 4096, &said), 0);
		snprintf(want, sizeof(want),
			 "dbkeep: warning: backup directory '%s' is writable by its group\n",
			 tpath("a/b/d"));
		assert_string_equal(said.buf, want);
		dbk_strbuf_release(&said);
	}

	save(tpath("file"), "x", 1);
	assert_int_equal(dbk_mkdir_private(tpath("file")), DBK_EIO);
	snprintf(want, sizeof(want), "backup directory '%s' is not a directory", tpath("file"));
	assert_string_equal(dbk_errmsg(), want);
	dbk_clearerr();
	assert_int_equal(dbk_mkdir_private(tpath("file/sub")), DBK_EIO);
	assert_string_equal(dbk_errmsg(), want);
	dbk_clearerr();
}

static void test_write_file_atomic(void **state)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	struct stat st;

	(void)state;
	umask(0);
	assert_int_equal(dbk_write_file_atomic(tpath("m.json"), "{\"a\":1}\n", 8), 0);
	umask(022);
	assert_int_equal(stat(tpath("m.json"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(access(tpath("m.json.partial"), F_OK), -1);
	assert_int_equal(dbk_read_file(tpath("m.json"), 8, &sb), 0);
	assert_string_equal(sb.buf, "{\"a\":1}\n");

	/* Replacing an existing file is what atomic writes are for. */
	assert_int_equal(dbk_write_file_atomic(tpath("m.json"), "{}", 2), 0);
	assert_int_equal(dbk_read_file(tpath("m.json"), 8, &sb), 0);
	assert_string_equal(sb.buf, "{}");

	/* Bigger than allowed: refused, out left empty. */
	assert_int_equal(dbk_write_file_atomic(tpath("m.json"), "0123456789", 10), 0);
	assert_int_equal(dbk_read_file(tpath("m.json"), 9, &sb), DBK_ECORRUPT);
	assert_string_equal(sb.buf, "");
	dbk_clearerr();
	assert_int_equal(dbk_read_file(tpath("none.json"), 9, &sb), DBK_ENOTFOUND);
	dbk_clearerr();
	dbk_strbuf_release(&sb);

	assert_int_equal(dbk_unlink_quiet(tpath("m.json")), 0);
	assert_int_equal(dbk_unlink_quiet(tpath("m.json")), 0);
}

static void test_path_join(void **state)
{
	static const struct {
		const char *dir, *name, *want;
	} rows[] = {
	    {"/var/backups", "x.db.gz", "/var/backups/x.db.gz"},
	    {"/var/backups/", "x.db.gz", "/var/backups/x.db.gz"},
	    {"/", "x", "/x"},
	    {"rel", "/x", "rel/x"},
	    {"", "x", "x"},
	};
	struct dbk_strbuf sb = DBK_STRBUF_INIT;

	(void)state;
	dbk_strbuf_addstr(&sb, "old content");
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		dbk_path_join(&sb, rows[k].dir, rows[k].name);
		assert_string_equal(sb.buf, rows[k].want);
	}
	dbk_strbuf_release(&sb);
}

/* ---- the parallel gzip writer ----------------------------------------- */

enum pgz_kind { PGZ_RANDOM, PGZ_REPEAT, PGZ_TEXT };

/* Input of one kind: random bytes (incompressible), one line repeated
 * (compresses 100:1 and more), or dump-like text from a small vocabulary
 * with numbers and hex, for the ratio check. */
static unsigned char *pgz_data(enum pgz_kind kind, size_t n)
{
	static const char *const words[] = {
	    "customer", "order",  "invoice", "shipped", "pending", "London",  "Paris",
	    "widget",	"gadget", "blue",    "large",	"refund",  "the",     "and",
	    "payment",	"street", "account", "status",	"note",	   "delivery"};
	unsigned char *d = malloc(n ? n : 1);
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t i = 0;

	assert_non_null(d);
	while (i < n) {
		char line[160];
		int len = 0;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (kind == PGZ_RANDOM) {
			d[i++] = (unsigned char)(x >> 24);
			continue;
		}
		if (kind == PGZ_REPEAT)
			len = snprintf(line, sizeof(line), "INSERT INTO t VALUES (42, 'same');\n");
		else
			len = snprintf(
			    line, sizeof(line),
			    "%zu\t%s %s %s\t%08llx%08llx\t{\"qty\": %u, \"tag\": \"%s\"}\n", i,
			    words[x % 20], words[(x >> 8) % 20], words[(x >> 16) % 20],
			    (unsigned long long)(x >> 32), (unsigned long long)(x & 0xffff),
			    (unsigned)(x >> 40) % 1000, words[(x >> 24) % 20]);
		for (int k = 0; k < len && i < n; k++)
			d[i++] = (unsigned char)line[k];
	}
	return d;
}

/* The number of threads of this process (Linux), to catch leaked workers. */
static int thread_count(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int n = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The thread count once it is want, waiting up to a second: Linux may
 * still count a joined thread for a moment after pthread_join returns. */
static int threads_settle(int want)
{
	int n = thread_count();

	for (int i = 0; n != want && i < 100; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		nanosleep(&ts, NULL);
		n = thread_count();
	}
	return n;
}

/* count -> pgzip(jobs) -> sha256 -> file; checks the file with gzip -t,
 * zcat | cmp, sha256sum and dbkeep's own reader.  Returns its size. */
static size_t check_pgzip(const unsigned char *data, size_t size, int jobs)
{
	const char *orig = tpath("porig.bin"), *file = tpath("p.sql.gz");
	char want[DBK_SHA256_HEX_LEN + 1], rhex[DBK_SHA256_HEX_LEN + 1];
	struct dbk_writer *w, *sha, *count;
	unsigned char *back;
	struct stat st;
	size_t n;

	unlink(orig);
	unlink(file);
	save(orig, data, size);
	assert_int_equal(dbk_file_writer_new(file, &w), 0);
	assert_int_equal(dbk_sha256_writer_new(w, &w), 0);
	sha = w;
	assert_int_equal(dbk_pgzip_writer_new(w, 6, jobs, &w), 0);
	assert_int_equal(thread_count(), 1 + jobs);
	assert_int_equal(dbk_count_writer_new(w, NULL, NULL, &w), 0);
	count = w;
	assert_int_equal(write_pieces(w, data, size), 0);
	assert_int_equal(dbk_writer_finish(w), 0);
	assert_int_equal(dbk_count_writer_bytes(count), size);
	sha256sum_of(file, want);
	assert_string_equal(dbk_sha256_writer_hex(sha), want);
	dbk_writer_free(w);
	assert_int_equal(threads_settle(1), 1);

	if (sh("gzip -t '%s'", file) != 0 || sh("zcat '%s' | cmp -s - '%s'", file, orig) != 0)
		fail_msg("jobs %d, %zu bytes: gzip does not read the output back", jobs, size);
	assert_int_equal(read_back(file, 1, &back, &n, rhex), 0);
	assert_int_equal(n, size);
	if (size)
		assert_memory_equal(back, data, size);
	assert_string_equal(rhex, want);
	free(back);
	assert_int_equal(stat(file, &st), 0);
	return (size_t)st.st_size;
}

static void test_pgzip_roundtrip(void **state)
{
	static const int jobs[] = {1, 2, 4};
	const size_t B = DBK_PGZIP_BLOCK;
	const size_t sizes[] = {0, 1, B - 1, B, B + 1, 2 * B, 3 * MiB + 17, 10 * B + 12345};
	static const enum pgz_kind kinds[] = {PGZ_RANDOM, PGZ_REPEAT, PGZ_TEXT};

	(void)state;
	for (size_t j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
				unsigned char *d = pgz_data(kinds[k], sizes[s]);
				size_t gz = check_pgzip(d, sizes[s], jobs[j]);

				/* Random input grows by stored-block overhead only;
				 * a repeated line shrinks a hundredfold. */
				if (kinds[k] == PGZ_RANDOM)
					assert_true(gz <= sizes[s] + sizes[s] / 100 + 64);
				if (kinds[k] == PGZ_REPEAT && sizes[s] >= B)
					assert_true(gz < sizes[s] / 100);
				free(d);
			}
}

/* The blocks are primed with the previous 32 KiB, so the ratio is within 1%
 * (plus the header and flush markers) of one zlib stream at the same level,
 * and the output is the same whatever the number of threads. */
static void test_pgzip_ratio(void **state)
{
	const size_t size = 16 * MiB + 333;
	unsigned char *d = pgz_data(PGZ_TEXT, size);
	struct dbk_writer *w;
	struct stat st;
	size_t single, par[3];
	char h1[DBK_SHA256_HEX_LEN + 1], h2[DBK_SHA256_HEX_LEN + 1];

	(void)state;
	assert_int_equal(dbk_file_writer_new(tpath("single.gz"), &w), 0);
	assert_int_equal(dbk_gzip_writer_new(w, 6, &w), 0);
	assert_int_equal(write_pieces(w, d, size), 0);
	assert_int_equal(dbk_writer_finish(w), 0);
	dbk_writer_free(w);
	assert_int_equal(stat(tpath("single.gz"), &st), 0);
	single = (size_t)st.st_size;

	par[0] = check_pgzip(d, size, 1);
	sha256sum_of(tpath("p.sql.gz"), h1);
	par[1] = check_pgzip(d, size, 2);
	par[2] = check_pgzip(d, size, 4);
	sha256sum_of(tpath("p.sql.gz"), h2);
	assert_string_equal(h1, h2);
	assert_int_equal(par[0], par[1]);
	assert_int_equal(par[0], par[2]);
	if (par[0] > single + single / 100 + 300)
		fail_msg("parallel %zu bytes, single stream %zu bytes", par[0], single);
	/* Not a trivially compressible input: the check means something. */
	assert_true(single < size / 2 && single > size / 20);
	free(d);
}

static void test_pgzip_bad_args(void **state)
{
	struct dbk_writer *w, *next;

	(void)state;
	assert_int_equal(dbk_fd_writer_new(STDOUT_FILENO, &next), 0);
	assert_int_equal(dbk_pgzip_writer_new(next, 6, 0, &w), DBK_EUSAGE);
	assert_null(w);
	assert_non_null(strstr(dbk_errmsg(), "jobs"));
	dbk_clearerr();
	assert_int_equal(dbk_fd_writer_new(STDOUT_FILENO, &next), 0);
	assert_int_equal(dbk_pgzip_writer_new(next, 6, 65, &w), DBK_EUSAGE);
	dbk_clearerr();
	assert_int_equal(dbk_fd_writer_new(STDOUT_FILENO, &next), 0);
	assert_int_equal(dbk_pgzip_writer_new(next, 0, 2, &w), DBK_EUSAGE);
	dbk_clearerr();
	assert_int_equal(threads_settle(1), 1);
}

/* A full disk under the parallel writer: the file layer's EFBIG comes back
 * through dbk_write or finish on this thread with the file's name, the
 * partial file is removed, and freeing the chain joins every worker (an
 * alarm turns a hang into a failure). */
static void test_pgzip_file_size_limit(void **state)
{
	static const int jobs[] = {1, 2, 4};

	(void)state;
	for (size_t j = 0; j < sizeof(jobs) / sizeof(jobs[0]); j++) {
		const char *p = tpath("full.sql.gz");
		pid_t pid;
		int st;

		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct rlimit rl = {MiB, MiB};
			struct dbk_writer *w;
			unsigned char *data = pgz_data(PGZ_RANDOM, 8 * MiB);
			char want[600];
			int rc;

			alarm(60);
			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
				_exit(3);
			if (dbk_file_writer_new(p, &w) || dbk_sha256_writer_new(w, &w) ||
			    dbk_pgzip_writer_new(w, 6, jobs[j], &w))
				_exit(4);
			rc = write_pieces(w, data, 8 * MiB);
			if (rc == 0)
				rc = dbk_writer_finish(w);
			/* A failed writer stays failed, without touching the
			 * threads again. */
			if (rc != 0 && dbk_write(w, "x", 1) != rc)
				_exit(5);
			dbk_writer_free(w);
			free(data);
			snprintf(want, sizeof(want), "could not write '%s': File too large", p);
			if (rc != DBK_EIO || strcmp(dbk_errmsg(), want) != 0) {
				fprintf(stderr, "rc %d, message \"%s\"\n", rc, dbk_errmsg());
				_exit(1);
			}
			if (threads_settle(1) != 1)
				_exit(6);
			_exit(access(p, F_OK) == 0 ? 2 : 0);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("jobs %d: child %s %d", jobs[j],
				 WIFEXITED(st) ? "exited" : "killed by",
				 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
}

/* A chain dropped half-way (the driver failed) joins its workers and
 * leaves no file. */
static void test_pgzip_abandoned(void **state)
{
	const char *p = tpath("abandoned.sql.gz");
	unsigned char *data = pgz_data(PGZ_TEXT, 5 * MiB);
	struct dbk_writer *w;

	(void)state;
	assert_int_equal(dbk_file_writer_new(p, &w), 0);
	assert_int_equal(dbk_pgzip_writer_new(w, 6, 2, &w), 0);
	assert_int_equal(write_pieces(w, data, 5 * MiB), 0);
	dbk_writer_free(w);
	assert_int_equal(threads_settle(1), 1);
	assert_int_equal(access(p, F_OK), -1);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_roundtrip_gzip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roundtrip_plain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flipped_byte, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concatenated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trailing_garbage, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_gzip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unfinished_removed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_existing_untouched, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_size_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_stays_failed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_full_and_drain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mkdir_private, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_file_atomic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_path_join, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pgzip_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pgzip_ratio, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pgzip_bad_args, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pgzip_file_size_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pgzip_abandoned, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
