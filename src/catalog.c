/*
 * catalog.c - what is in a backup folder (see catalog.h).
 *
 * A backup set is <file> + <file>.sha256 + <file>.json where <file> parses
 * as one of our names (names.h).  The manifest makes the set: a set is
 * listed when its .json is there, whatever else is missing, and the missing
 * or disagreeing pieces are reported as problem bits.  Listing never reads
 * the data (10 000 sets must list in a fraction of a second): it stats the
 * data file and reads the manifest and the small .sha256 file, or, for list
 * and status (dbk_catalog_load_summary), takes what those two say from the
 * folder's index while their files are unchanged (catalog_index.h).
 *
 * Any other file with a backup-like extension is a legacy backup when one
 * of the drivers recognises its first 4 KiB (decompressed when gzip); files
 * nobody recognises, dot-files, .partial leftovers and symlinks are not
 * listed.  A symlink is never followed anywhere in the folder: the folder
 * holds what dbkeep wrote, and following links would let a listing or a
 * recovery reach outside it.
 *
 * Invariants of struct dbk_entry: file and path are malloc()ed and never
 * NULL once filled; manifest is always initialised (released with the
 * entry) and meaningful only when has_manifest; engine borrows either
 * manifest.engine or a driver's static name.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog_index.h"
#include "dbkeep/catalog.h"
#include "dbkeep/driver.h"
#include "dbkeep/error.h"
#include "dbkeep/fsutil.h"
#include "dbkeep/log.h"
#include "dbkeep/names.h"
#include "dbkeep/stream.h"
#include "dbkeep/strbuf.h"

#define SNIFF_BYTES 4096
#define MANIFEST_MAX_BYTES (16u * 1024 * 1024) /* as dbk_manifest_load */
#define SCRATCH_PREFIX ".dbkeep-scratch-"
#define INDEX_MAX_BYTES (64u * 1024 * 1024)
#define CATALOG_STAT_THREADS 4
#define CATALOG_STAT_MIN_PER_THREAD 1000

/* Extensions that other tools (and older dbkeep runs whose manifest is
 * gone) give their backups; only these are sniffed. */
static const char *const legacy_exts[] = {".db",  ".sqlite", ".sqlite3", ".db.gz",
					  ".sql", ".sql.gz", ".gz",	 ".dump"};

static int catalog_ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

static int catalog_ends_with_ci(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcasecmp(s + n - t, tail) == 0;
}

/* s without tail (which it ends with), malloc()ed; NULL when out of memory. */
static char *catalog_strip(const char *s, const char *tail)
{
	size_t n = strlen(s) - strlen(tail);
	char *p = dbk_malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Runs on behalf of a listing that must not fail because one file is odd:
 * forgets the error a helper recorded, unless one was there before (first
 * error wins; the earlier one belongs to someone else). */
static void catalog_forget_error(int had)
{
	if (had == DBK_OK && dbk_errcode() != DBK_ENOMEM)
		dbk_clearerr();
}

void dbk_entry_release(struct dbk_entry *e)
{
	free(e->file);
	free(e->path);
	dbk_manifest_release(&e->manifest);
	memset(e, 0, sizeof(*e));
	dbk_manifest_init(&e->manifest);
}

static void catalog_entry_init(struct dbk_entry *e)
{
	memset(e, 0, sizeof(*e));
	dbk_manifest_init(&e->manifest);
}

/* The engine whose backups carry this extension ("db", "sql"), for a set
 * whose manifest could not be read. */
static const char *catalog_engine_for_ext(const char *ext)
{
	for (size_t i = 0; dbk_drivers[i]; i++)
		if (dbk_drivers[i]->ext && strcmp(dbk_drivers[i]->ext, ext) == 0)
			return dbk_drivers[i]->name;
	return NULL;
}

/* Reads the small file name of dfd (at most max bytes) into out, in as
 * few system calls as a listing of thousands of sets can afford: open,
 * one read, close.  A short read from a regular file is its end, so a
 * second read is made only when the buffer filled up.  Never follows a
 * symlink; O_NONBLOCK keeps a FIFO planted in the folder from hanging the
 * listing (its read fails).  Returns 0, -1 (errno set; nothing recorded),
 * or -2 when larger than max. */
static int catalog_read_small(int dfd, const char *name, size_t max, struct dbk_strbuf *out)
{
	size_t chunk = 16384;
	int fd, saved;

	dbk_strbuf_reset(out);
	/* O_NOATIME: a listing right after a backup would otherwise dirty the
	 * inode of every file just written (relatime updates atime on the
	 * first read after a write), which triples its time.  Only the owner
	 * may ask for it; for others, plain open. */
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		dbk_strbuf_grow(out, chunk);
		ssize_t got = read(fd, out->buf + out->len, chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		dbk_strbuf_setlen(out, out->len + (size_t)got);
		if (out->len > max) {
			close(fd);
			return -2;
		}
		if ((size_t)got < chunk)
			break;
		chunk *= 2;
	}
	close(fd);
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Scratch buffers reused from one set to the next: a listing of thousands
 * of sets should not spend its time in malloc. */
struct catalog_bufs {
	struct dbk_strbuf name;
	struct dbk_strbuf text;
};

#define CATALOG_BUFS_INIT                                                                          \
	{                                                                                          \
		DBK_STRBUF_INIT, DBK_STRBUF_INIT                                                   \
	}

static void catalog_bufs_release(struct catalog_bufs *b)
{
	dbk_strbuf_release(&b->name);
	dbk_strbuf_release(&b->text);
}

/* Checks <base>.sha256 against the manifest: it must exist, be in
 * sha256sum's format ("<hex>  <file>\n", or " *" for binary mode), name
 * base, and hold the manifest's digest.  Sets problem bits only. */
static void catalog_check_sha_file(int dfd, const char *base, struct catalog_bufs *b,
				   struct dbk_entry *e)
{
	struct dbk_strbuf *name = &b->name, *text = &b->text;

	dbk_strbuf_reset(name);
	dbk_strbuf_addf(name, "%s%s", base, DBK_SUFFIX_SHA256);
	if (catalog_read_small(dfd, name->buf, 4096, text) < 0) {
		e->problems |= errno == ENOENT || errno == ELOOP ? DBK_PROBLEM_SHA_MISSING
								 : DBK_PROBLEM_SHA_MISMATCH;
		return;
	}

	const char *buf = text->buf;
	size_t hexlen = strspn(buf, "0123456789abcdefABCDEF");
	const char *fname = hexlen + 2 <= text->len ? buf + hexlen + 2 : buf + text->len;
	size_t flen = strcspn(fname, "\r\n");
	if (hexlen != DBK_SHA256_HEX_LEN || buf[hexlen] != ' ' ||
	    (buf[hexlen + 1] != ' ' && buf[hexlen + 1] != '*') || flen != strlen(base) ||
	    memcmp(fname, base, flen) != 0 ||
	    (e->has_manifest && strncasecmp(buf, e->manifest.sha256, DBK_SHA256_HEX_LEN) != 0))
		e->problems |= DBK_PROBLEM_SHA_MISMATCH;
}

/* Reads <base>.json and <base>.sha256 into e: the manifest, or
 * DBK_PROBLEM_BAD_MANIFEST, and what the .sha256 says.  Fails only when out
 * of memory. */
static int catalog_read_set(int dfd, const char *base, struct catalog_bufs *b,
			    struct dbk_entry *e)
{
	struct dbk_strbuf *mname = &b->name, *text = &b->text;
	int had = dbk_errcode();

	/* dbk_manifest_load would do, but costs two more system calls a set. */
	dbk_strbuf_reset(mname);
	dbk_strbuf_addf(mname, "%s%s", base, DBK_SUFFIX_MANIFEST);
	if (catalog_read_small(dfd, mname->buf, MANIFEST_MAX_BYTES, text) == 0 &&
	    !memchr(text->buf, '\0', text->len) &&
	    dbk_manifest_parse(text->buf, mname->buf, &e->manifest) == 0) {
		e->has_manifest = 1;
		e->table_count = e->manifest.tables.n;
		/* A manifest describing another file was copied or renamed by
		 * hand: its digest and size are not this file's. */
		if (strcmp(e->manifest.file, base) != 0)
			e->problems |= DBK_PROBLEM_BAD_MANIFEST;
	} else {
		if (dbk_errcode() == DBK_ENOMEM)
			return DBK_ENOMEM;
		catalog_forget_error(had);
		e->problems |= DBK_PROBLEM_BAD_MANIFEST;
	}
	catalog_check_sha_file(dfd, base, b, e);
	return 0;
}

/* Fills e's manifest summary from the index line c. */
static int catalog_set_from_index(const char *base, const struct catalog_index_set *c,
				  struct dbk_entry *e)
{
	struct dbk_manifest *m = &e->manifest;

	e->summary = 1;
	e->problems |= c->problems;
	e->has_manifest = c->has_manifest;
	if (!c->has_manifest)
		return 0;
	e->table_count = c->table_count;
	m->created = c->created;
	m->stored_bytes = c->stored_bytes;
	if (!(m->file = dbk_strdup(base)) || (c->engine && !(m->engine = dbk_strdup(c->engine))) ||
	    (c->kind && !(m->kind = dbk_strdup(c->kind))) ||
	    (c->sha256 && !(m->sha256 = dbk_strdup(c->sha256))) ||
	    (c->database && !(m->database = dbk_strdup(c->database))))
		return DBK_ENOMEM;
	return 0;
}

/* What a summary listing learns of a set without reading it: the keys of
 * its manifest and .sha256 (catalog_index.h) and its data file's state. */
struct catalog_set_stat {
	struct catalog_key json, sha;
	int data_ok; /* a regular file */
	uint64_t data_size;
	time_t data_mtime;
};

/* Fills key for <base><suffix> in dfd (not present when missing or not a
 * regular file).  No allocation, no error slot: runs on stat threads. */
static void catalog_stat_key(int dfd, const char *base, const char *suffix,
			     struct catalog_key *key)
{
	char name[NAME_MAX + 1];
	struct stat st;

	memset(key, 0, sizeof(*key));
	if ((size_t)snprintf(name, sizeof(name), "%s%s", base, suffix) < sizeof(name) &&
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		catalog_key_from_stat(key, &st);
}

/* The keys are for the index only (with_keys); the data file's state is
 * always needed. */
static void catalog_stat_set(int dfd, const char *base, int with_keys, struct catalog_set_stat *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (with_keys) {
		catalog_stat_key(dfd, base, DBK_SUFFIX_MANIFEST, &out->json);
		catalog_stat_key(dfd, base, DBK_SUFFIX_SHA256, &out->sha);
	}
	out->data_ok = fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
	out->data_size = out->data_ok ? (uint64_t)st.st_size : 0;
	out->data_mtime = out->data_ok ? st.st_mtime : 0;
}

/* Fills e for the set <dir>/<base> whose manifest <base>.json exists.
 * n is the parsed name, or NULL for a set outside the folder whose name is
 * not ours.  A manifest that cannot be read still gives an entry, with
 * DBK_PROBLEM_BAD_MANIFEST and what the name tells.  With ix, what the
 * manifest and .sha256 say comes from the index when their files are
 * unchanged, and goes into it when they are read.  Fails only when out of
 * memory. */
static int catalog_set_entry(int dfd, const char *dir, const char *base, const struct dbk_name *n,
			     struct catalog_bufs *b, struct catalog_index *ix,
			     const struct catalog_set_stat *pre, struct dbk_entry *e)
{
	const struct catalog_index_set *c = NULL;
	struct catalog_set_stat now;
	int rc;

	catalog_entry_init(e);
	e->cls = DBK_ENTRY_REGULAR;
	e->file = dbk_strdup(base);
	if (!e->file)
		return DBK_ENOMEM;
	struct dbk_strbuf path = DBK_STRBUF_INIT;
	dbk_path_join(&path, dir, base);
	e->path = dbk_strbuf_detach(&path);

	/* The files' state before their contents: a file changed in between
	 * is indexed under its old key, so it is read again next time. */
	if (!pre) {
		catalog_stat_set(dfd, base, ix != NULL, &now);
		pre = &now;
	}
	if (ix)
		c = catalog_index_lookup(ix, base, &pre->json, &pre->sha);
	if (c)
		rc = catalog_set_from_index(base, c, e);
	else if (!(rc = catalog_read_set(dfd, base, b, e)) && ix)
		rc = catalog_index_put(ix, base, &pre->json, &pre->sha, e);
	if (rc)
		return rc;

	if (e->has_manifest) {
		e->created = e->manifest.created;
		e->engine = e->manifest.engine;
		e->stored_bytes = e->manifest.stored_bytes;
		if (e->manifest.kind && strcmp(e->manifest.kind, DBK_PRERESTORE_TAG) == 0)
			e->cls = DBK_ENTRY_SAFETY;
	} else if (n) {
		e->created = n->when;
		e->engine = catalog_engine_for_ext(n->ext);
	}
	if (n && n->safety)
		e->cls = DBK_ENTRY_SAFETY;

	if (!pre->data_ok) {
		e->problems |= DBK_PROBLEM_DATA_MISSING;
	} else {
		e->stored_bytes = pre->data_size;
		if (e->has_manifest && e->manifest.stored_bytes != pre->data_size)
			e->problems |= DBK_PROBLEM_SIZE_MISMATCH;
		if (!e->has_manifest && !n)
			e->created = pre->data_mtime;
	}
	return 0;
}

/* Reads the first SNIFF_BYTES of <dir>/<name> (decompressed when gzip) and
 * asks each driver whether it is one of its backups.  Returns the engine's
 * name, or NULL when nobody recognises it or it cannot be read. */
static const char *catalog_sniff(int dfd, const char *dir, const char *name)
{
	unsigned char head[SNIFF_BYTES];
	size_t n = 0;
	ssize_t got;
	int fd, had = dbk_errcode();
	struct stat st;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	while (n < sizeof(head)) {
		got = read(fd, head + n, sizeof(head) - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);

	if (dbk_is_gzip_magic(head, n)) {
		struct dbk_strbuf path = DBK_STRBUF_INIT;
		struct dbk_reader *file = NULL, *gz = NULL;

		dbk_path_join(&path, dir, name);
		n = 0;
		if (dbk_file_reader_new(path.buf, &file) == 0 &&
		    dbk_gunzip_reader_new(file, path.buf, &gz) == 0) {
			/* A damaged or short gzip still shows its first bytes. */
			while (n < sizeof(head)) {
				got = dbk_read(gz, head + n, sizeof(head) - n);
				if (got <= 0)
					break;
				n += (size_t)got;
			}
		}
		dbk_reader_free(gz);
		dbk_strbuf_release(&path);
		catalog_forget_error(had);
	}
	if (n == 0)
		return NULL;
	for (size_t i = 0; dbk_drivers[i]; i++)
		if (dbk_drivers[i]->sniff && dbk_drivers[i]->sniff(head, n))
			return dbk_drivers[i]->name;
	return NULL;
}

/* Fills e for a file without manifest when a driver recognises it; sets
 * *found to 0 (e untouched) when not. */
static int catalog_legacy_entry(int dfd, const char *dir, const char *name, const struct stat *st,
				struct dbk_entry *e, int *found)
{
	const char *engine = catalog_sniff(dfd, dir, name);
	struct dbk_strbuf path = DBK_STRBUF_INIT;

	*found = 0;
	if (!engine)
		return 0;
	catalog_entry_init(e);
	e->cls = DBK_ENTRY_LEGACY;
	e->file = dbk_strdup(name);
	if (!e->file)
		return DBK_ENOMEM;
	dbk_path_join(&path, dir, name);
	e->path = dbk_strbuf_detach(&path);
	e->created = st->st_mtime;
	e->stored_bytes = (uint64_t)st->st_size;
	e->engine = engine;
	*found = 1;
	return 0;
}

static int catalog_is_legacy_name(const char *name)
{
	if (name[0] == '.' || catalog_ends_with(name, DBK_SUFFIX_PARTIAL) ||
	    catalog_ends_with(name, DBK_SUFFIX_MANIFEST) ||
	    catalog_ends_with(name, DBK_SUFFIX_SHA256))
		return 0;
	for (size_t i = 0; i < sizeof(legacy_exts) / sizeof(legacy_exts[0]); i++)
		if (catalog_ends_with_ci(name, legacy_exts[i]))
			return 1;
	return 0;
}

/* ---- loading ---------------------------------------------------------- */

struct catalog_name {
	char *name;
	unsigned char type; /* DT_* (DT_UNKNOWN resolved by fstatat when needed) */
	int used;	    /* part of a set: not a legacy candidate */
};

struct catalog_names {
	struct catalog_name *items;
	size_t n, alloc;
};

static void catalog_names_release(struct catalog_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].name);
	free(l->items);
}

static int catalog_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct catalog_name *)a)->name,
		      ((const struct catalog_name *)b)->name);
}

static struct catalog_name *catalog_names_find(struct catalog_names *l, const char *name)
{
	struct catalog_name key = {(char *)name, 0, 0};

	return bsearch(&key, l->items, l->n, sizeof(*l->items), catalog_name_cmp);
}

static void catalog_names_mark(struct catalog_names *l, const char *base, const char *suffix)
{
	char name[NAME_MAX + 1];
	struct catalog_name *c;

	if ((size_t)snprintf(name, sizeof(name), "%s%s", base, suffix) < sizeof(name) &&
	    (c = catalog_names_find(l, name)) != NULL)
		c->used = 1;
}

/* Reads every name of the folder but "." and ".." into l, sorted when
 * asked (for catalog_names_find). */
static int catalog_read_names(DIR *d, const char *dir, int sorted, struct catalog_names *l)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				return dbk_seterr(DBK_EIO,
						  "could not read backup directory '%s': %s", dir,
						  strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (l->n == l->alloc) {
			size_t na = l->alloc ? l->alloc * 2 : 64;
			void *p = realloc(l->items, na * sizeof(*l->items));
			if (!p)
				return dbk_oom();
			l->items = p;
			l->alloc = na;
		}
		l->items[l->n].name = dbk_strdup(de->d_name);
		if (!l->items[l->n].name)
			return DBK_ENOMEM;
		l->items[l->n].type = de->d_type;
		l->items[l->n].used = 0;
		l->n++;
	}
	if (sorted && l->n > 1)
		qsort(l->items, l->n, sizeof(*l->items), catalog_name_cmp);
	return 0;
}

/* Whether name in dfd is a regular file, never following a symlink; fills
 * st when it is.  Uses the readdir type to spare a syscall when it says
 * "not a regular file". */
static int catalog_is_regular(int dfd, const struct catalog_name *c, struct stat *st)
{
	if (c->type != DT_REG && c->type != DT_UNKNOWN)
		return 0;
	return fstatat(dfd, c->name, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st->st_mode);
}

/* The sets of a folder: every regular <base>.json whose base is one of our
 * names. */
struct catalog_set {
	char *base; /* parses as a set's name (its parts are not kept: 10 000
		     * struct dbk_name would be 3 MB of pages to fault in) */
	struct catalog_set_stat stat;
};

struct catalog_sets {
	struct catalog_set *items;
	size_t n, alloc;
};

static void catalog_sets_release(struct catalog_sets *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].base);
	free(l->items);
}

/* Finds the sets among names, marking their manifests used. */
static int catalog_collect_sets(int dfd, struct catalog_names *names, struct catalog_sets *out)
{
	struct stat st;

	for (size_t i = 0; i < names->n; i++) {
		struct catalog_name *c = &names->items[i];
		struct dbk_name parsed;
		char *base;

		/* readdir's type spares a stat per set; only DT_UNKNOWN (some
		 * file systems) needs one. */
		if (c->name[0] == '.' || !catalog_ends_with(c->name, DBK_SUFFIX_MANIFEST) ||
		    (c->type != DT_REG && !catalog_is_regular(dfd, c, &st)))
			continue;
		if (!(base = catalog_strip(c->name, DBK_SUFFIX_MANIFEST)))
			return DBK_ENOMEM;
		if (dbk_name_parse(base, &parsed) < 0) {
			free(base);
			continue;
		}
		if (out->n == out->alloc) {
			size_t na = out->alloc ? out->alloc * 2 : 64;
			void *p = realloc(out->items, na * sizeof(*out->items));

			if (!p) {
				free(base);
				return dbk_oom();
			}
			out->items = p;
			out->alloc = na;
		}
		out->items[out->n].base = base;
		out->n++;
		c->used = 1;
	}
	return 0;
}

/* Stats sets [from, to) of a folder, on a thread of their own. */
struct catalog_stat_range {
	int dfd;
	struct catalog_set *items;
	size_t from, to;
	pthread_t thread;
	int started;
};

static void *catalog_stat_range_run(void *arg)
{
	struct catalog_stat_range *r = arg;

	for (size_t i = r->from; i < r->to; i++)
		catalog_stat_set(r->dfd, r->items[i].base, 1, &r->items[i].stat);
	return NULL;
}

/* Three stats a set are most of what a summary listing of thousands of sets
 * costs, and they wait on the kernel one at a time: they are spread over a
 * few threads when there are many. */
static void catalog_stat_sets(int dfd, struct catalog_sets *sets)
{
	struct catalog_stat_range r[CATALOG_STAT_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = sets->n / CATALOG_STAT_MIN_PER_THREAD;
	sigset_t all, old;

	if (nt > CATALOG_STAT_THREADS)
		nt = CATALOG_STAT_THREADS;
	if (cpus > 0 && nt > (size_t)cpus)
		nt = (size_t)cpus;
	if (nt < 1)
		nt = 1;
	for (size_t t = 0; t < nt; t++) {
		r[t].dfd = dfd;
		r[t].items = sets->items;
		r[t].from = sets->n * t / nt;
		r[t].to = sets->n * (t + 1) / nt;
		r[t].started = 0;
	}
	/* signals stay with the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (size_t t = 1; t < nt; t++)
		r[t].started =
		    pthread_create(&r[t].thread, NULL, catalog_stat_range_run, &r[t]) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	catalog_stat_range_run(&r[0]);
	for (size_t t = 1; t < nt; t++) {
		if (r[t].started)
			pthread_join(r[t].thread, NULL);
		else
			catalog_stat_range_run(&r[t]); /* no thread: here, then */
	}
}

static int catalog_push(struct dbk_entry **arr, size_t *n, size_t *alloc, struct dbk_entry *e)
{
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 32;
		void *p = realloc(*arr, na * sizeof(**arr));
		if (!p)
			return dbk_oom();
		*arr = p;
		*alloc = na;
	}
	(*arr)[(*n)++] = *e;
	return 0;
}

/* Newest first.  Within one second the higher seq is the newer (10 above
 * 9, which the bytes of the names would not say); then the name decides. */
static int catalog_entry_cmp(const void *a, const void *b)
{
	const struct dbk_entry *x = a, *y = b;
	struct dbk_name nx, ny;

	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	if (dbk_name_parse(x->file, &nx) == 0 && dbk_name_parse(y->file, &ny) == 0 &&
	    nx.seq != ny.seq)
		return nx.seq > ny.seq ? -1 : 1;
	return -strcmp(x->file, y->file);
}

static void catalog_sort_number(struct dbk_entry *arr, size_t n)
{
	if (n > 1)
		qsort(arr, n, sizeof(*arr), catalog_entry_cmp);
	for (size_t i = 0; i < n; i++)
		arr[i].number = (int)(i + 1);
}

/* Reads the folder's listing index into ix; a missing or unreadable one
 * leaves it empty. */
static int catalog_index_read(int dfd, struct catalog_bufs *b, struct catalog_index *ix)
{
	if (catalog_read_small(dfd, CATALOG_INDEX_NAME, INDEX_MAX_BYTES, &b->text) < 0) {
		ix->dirty = 1;
		return 0;
	}
	return catalog_index_parse(b->text.buf, b->text.len, ix);
}

static int catalog_load(const char *dir, int summary, struct dbk_catalog *cat)
{
	struct catalog_index ix = CATALOG_INDEX_INIT;
	struct catalog_sets sets = {NULL, 0, 0};
	struct catalog_names names = {NULL, 0, 0};
	size_t alloc_main = 0, alloc_safety = 0;
	struct dbk_entry e;
	struct stat st;
	DIR *d = NULL;
	struct catalog_bufs bufs = CATALOG_BUFS_INIT;
	int dfd, rc = 0;

	memset(cat, 0, sizeof(*cat));
	cat->dir = dbk_strdup(dir);
	if (!cat->dir)
		return DBK_ENOMEM;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTDIR)
			rc = dbk_seterr(DBK_EUSAGE, "backup directory '%s' is not a folder", dir);
		else
			rc = dbk_seterr(DBK_EIO, "could not open backup directory '%s': %s", dir,
					strerror(errno));
		goto out;
	}
	dfd = dirfd(d);
	if ((rc = catalog_read_names(d, dir, 1, &names)) < 0 ||
	    (summary && (rc = catalog_index_read(dfd, &bufs, &ix)) < 0))
		goto out;

	/* Sets first: their three files are then not legacy candidates. */
	if ((rc = catalog_collect_sets(dfd, &names, &sets)) < 0)
		goto out;
	if (summary)
		catalog_stat_sets(dfd, &sets);
	for (size_t i = 0; i < sets.n; i++) {
		struct catalog_set *c = &sets.items[i];
		struct dbk_name parsed;

		dbk_name_parse(c->base, &parsed); /* it did in catalog_collect_sets */
		rc = catalog_set_entry(dfd, dir, c->base, &parsed, &bufs, summary ? &ix : NULL,
				       summary ? &c->stat : NULL, &e);
		if (rc == 0) {
			if (e.cls == DBK_ENTRY_SAFETY)
				rc = catalog_push(&cat->safety, &cat->n_safety, &alloc_safety, &e);
			else
				rc = catalog_push(&cat->entries, &cat->n, &alloc_main, &e);
		}
		if (rc < 0) {
			dbk_entry_release(&e);
			goto out;
		}
		catalog_names_mark(&names, c->base, "");
		catalog_names_mark(&names, c->base, DBK_SUFFIX_SHA256);
	}

	for (size_t i = 0; i < names.n; i++) {
		struct catalog_name *c = &names.items[i];
		int found;

		if (c->used || !catalog_is_legacy_name(c->name) || !catalog_is_regular(dfd, c, &st))
			continue;
		if ((rc = catalog_legacy_entry(dfd, dir, c->name, &st, &e, &found)) < 0) {
			dbk_entry_release(&e);
			goto out;
		}
		if (found && (rc = catalog_push(&cat->entries, &cat->n, &alloc_main, &e)) < 0) {
			dbk_entry_release(&e);
			goto out;
		}
	}

	catalog_sort_number(cat->entries, cat->n);
	catalog_sort_number(cat->safety, cat->n_safety);
	if (summary)
		catalog_index_save(dfd, dir, &ix);
out:
	catalog_index_release(&ix);
	catalog_sets_release(&sets);
	if (d)
		closedir(d);
	catalog_names_release(&names);
	catalog_bufs_release(&bufs);
	if (rc < 0)
		dbk_catalog_release(cat);
	return rc;
}

int dbk_catalog_load(const char *dir, struct dbk_catalog *cat)
{
	return catalog_load(dir, 0, cat);
}

int dbk_catalog_load_summary(const char *dir, struct dbk_catalog *cat)
{
	return catalog_load(dir, 1, cat);
}

void dbk_catalog_release(struct dbk_catalog *cat)
{
	for (size_t i = 0; i < cat->n; i++)
		dbk_entry_release(&cat->entries[i]);
	for (size_t i = 0; i < cat->n_safety; i++)
		dbk_entry_release(&cat->safety[i]);
	free(cat->entries);
	free(cat->safety);
	free(cat->dir);
	memset(cat, 0, sizeof(*cat));
}

/* ---- resolving -------------------------------------------------------- */

static int catalog_all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The entry whose data file, manifest or .sha256 is called name. */
static const struct dbk_entry *catalog_find_name(const struct dbk_catalog *cat, const char *name)
{
	const struct dbk_entry *lists[2] = {cat->entries, cat->safety};
	size_t counts[2] = {cat->n, cat->n_safety};

	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < counts[l]; i++) {
			const struct dbk_entry *e = &lists[l][i];
			size_t len = strlen(e->file);

			if (strncmp(name, e->file, len) != 0)
				continue;
			if (name[len] == '\0')
				return e;
			if (e->cls != DBK_ENTRY_LEGACY &&
			    (strcmp(name + len, DBK_SUFFIX_MANIFEST) == 0 ||
			     strcmp(name + len, DBK_SUFFIX_SHA256) == 0))
				return e;
		}
	}
	return NULL;
}

/* For a spec that resolves outside the folder: refuses it when it is a
 * symbolic link inside the folder.  The folder holds only what dbkeep wrote,
 * and following such a link would restore a file outside it that the user
 * never named. */
static int catalog_refuse_link(const struct dbk_catalog *cat, const char *spec)
{
	char *copy = NULL, *parent = NULL, *realdir = NULL;
	struct stat st;
	int rc = 0;

	if (lstat(spec, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	if (!(copy = dbk_strdup(spec)))
		return DBK_ENOMEM;
	parent = realpath(dirname(copy), NULL);
	realdir = realpath(cat->dir, NULL);
	if (parent && realdir && strcmp(parent, realdir) == 0)
		rc = dbk_seterr(DBK_EUSAGE,
				"'%s' is a symbolic link in the backup folder: "
				"dbkeep does not follow links there",
				spec);
	free(copy);
	free(parent);
	free(realdir);
	return rc;
}

/* "N" or "sN": the entry of that number, or DBK_EUSAGE. */
static int catalog_by_number(const struct dbk_catalog *cat, const char *spec, int safety,
			     const struct dbk_entry **out)
{
	const char *digits = spec + (safety ? 1 : 0);
	size_t count = safety ? cat->n_safety : cat->n;
	unsigned long long v;

	errno = 0;
	v = strtoull(digits, NULL, 10);
	if (spec[0] != '-' && errno == 0 && v >= 1 && v <= count) {
		*out = safety ? &cat->safety[v - 1] : &cat->entries[v - 1];
		return 0;
	}
	return dbk_seterr(DBK_EUSAGE, "no %sbackup number %s in '%s' (there %s %zu)",
			  safety ? "safety " : "", spec, cat->dir, count == 1 ? "is" : "are",
			  count);
}

/* A file outside the folder, named explicitly: its set when a manifest is
 * beside it, else whatever a driver recognises. */
static int catalog_outside(const char *spec, const char *real, struct dbk_entry *tmp,
			   const struct dbk_entry **out)
{
	const char *slash = strrchr(real, '/');
	const char *leaf = slash + 1;
	char *parent = NULL, *base = NULL;
	struct dbk_strbuf mname = DBK_STRBUF_INIT;
	struct catalog_bufs bufs = CATALOG_BUFS_INIT;
	struct dbk_name parsed;
	struct stat st;
	int dfd = -1, rc = 0, found = 0;

	parent = slash == real ? dbk_strdup("/") : strndup(real, (size_t)(slash - real));
	if (!parent) {
		rc = dbk_oom();
		goto out;
	}
	if (catalog_ends_with(leaf, DBK_SUFFIX_PARTIAL)) {
		rc = dbk_seterr(DBK_EUSAGE, "'%s' is an unfinished backup (.partial)", spec);
		goto out;
	}
	if (catalog_ends_with(leaf, DBK_SUFFIX_MANIFEST))
		base = catalog_strip(leaf, DBK_SUFFIX_MANIFEST);
	else if (catalog_ends_with(leaf, DBK_SUFFIX_SHA256))
		base = catalog_strip(leaf, DBK_SUFFIX_SHA256);
	else
		base = dbk_strdup(leaf);
	if (!base) {
		rc = DBK_ENOMEM;
		goto out;
	}
	dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = dbk_seterr(DBK_EIO, "could not open folder '%s': %s", parent, strerror(errno));
		goto out;
	}
	dbk_strbuf_addf(&mname, "%s%s", base, DBK_SUFFIX_MANIFEST);
	if (fstatat(dfd, mname.buf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
		rc = catalog_set_entry(dfd, parent, base,
				       dbk_name_parse(base, &parsed) == 0 ? &parsed : NULL, &bufs,
				       NULL, NULL, tmp);
		if (rc < 0)
			goto out;
		found = 1;
	} else if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
		if ((rc = catalog_legacy_entry(dfd, parent, base, &st, tmp, &found)) < 0)
			goto out;
	}
	if (!found) {
		rc = dbk_seterr(DBK_EUSAGE,
				"'%s' is not a backup: no manifest beside it and no engine "
				"recognises its content",
				spec);
		goto out;
	}
	tmp->number = 0;
	*out = tmp;
out:
	if (dfd >= 0)
		close(dfd);
	dbk_strbuf_release(&mname);
	catalog_bufs_release(&bufs);
	free(base);
	free(parent);
	return rc;
}

int dbk_catalog_resolve(struct dbk_catalog *cat, const char *spec, struct dbk_entry *tmp,
			const struct dbk_entry **out)
{
	const struct dbk_entry *e;
	char *real = NULL, *realdir = NULL;
	struct stat st;
	int rc = 0;

	*out = NULL;
	catalog_entry_init(tmp);
	if (!spec || !*spec)
		return dbk_seterr(DBK_EUSAGE, "no backup given");
	if (catalog_all_digits(spec) || (spec[0] == '-' && catalog_all_digits(spec + 1)))
		return catalog_by_number(cat, spec, 0, out);
	if (spec[0] == 's' && catalog_all_digits(spec + 1))
		return catalog_by_number(cat, spec, 1, out);

	if (!strchr(spec, '/') && (e = catalog_find_name(cat, spec)) != NULL) {
		*out = e;
		return 0;
	}

	real = realpath(spec, NULL);
	if (!real) {
		if (errno == ENOENT || errno == ENOTDIR) {
			if (strchr(spec, '/'))
				rc = dbk_seterr(DBK_ENOTFOUND, "no backup '%s': %s", spec,
						strerror(errno));
			else
				rc = dbk_seterr(DBK_ENOTFOUND, "no backup '%s' in '%s'", spec,
						cat->dir);
		} else {
			rc = dbk_seterr(DBK_EIO, "could not resolve '%s': %s", spec,
					strerror(errno));
		}
		goto out;
	}
	if (stat(real, &st) < 0) {
		rc = dbk_seterr(DBK_EIO, "could not stat '%s': %s", spec, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = dbk_seterr(DBK_EUSAGE, "'%s' is a folder, not a backup", spec);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = dbk_seterr(DBK_EUSAGE, "'%s' is not a regular file", spec);
		goto out;
	}

	realdir = realpath(cat->dir, NULL);
	const char *slash = strrchr(real, '/');
	size_t plen = slash == real ? 1 : (size_t)(slash - real);
	if (realdir && strlen(realdir) == plen && strncmp(realdir, real, plen) == 0) {
		e = catalog_find_name(cat, slash + 1);
		if (!e) {
			rc = dbk_seterr(DBK_ENOTFOUND, "no backup '%s' in '%s'", spec, cat->dir);
			goto out;
		}
		*out = e;
		goto out;
	}
	if ((rc = catalog_refuse_link(cat, spec)) < 0)
		goto out;
	rc = catalog_outside(spec, real, tmp, out);
out:
	if (rc < 0)
		dbk_entry_release(tmp);
	free(real);
	free(realdir);
	return rc;
}

/* ---- recovery --------------------------------------------------------- */

/* For a leftover <X>.partial: whether X belongs to a set of ours, and
 * which set (base, malloc()ed).  0 when it is not ours. */
static int catalog_partial_base(const char *name, char **base)
{
	struct dbk_name parsed;
	char *x, *b;

	*base = NULL;
	if (name[0] == '.' || !catalog_ends_with(name, DBK_SUFFIX_PARTIAL))
		return 0;
	x = catalog_strip(name, DBK_SUFFIX_PARTIAL);
	if (!x)
		return DBK_ENOMEM;
	if (catalog_ends_with(x, DBK_SUFFIX_MANIFEST)) {
		b = catalog_strip(x, DBK_SUFFIX_MANIFEST);
		free(x);
	} else if (catalog_ends_with(x, DBK_SUFFIX_SHA256)) {
		b = catalog_strip(x, DBK_SUFFIX_SHA256);
		free(x);
	} else {
		b = x;
	}
	if (!b)
		return DBK_ENOMEM;
	if (dbk_name_parse(b, &parsed) < 0) {
		free(b);
		return 0;
	}
	*base = b;
	return 1;
}

static int catalog_exists_regular(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

int dbk_catalog_recover(const char *dir)
{
	struct catalog_names names = {NULL, 0, 0};
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	int dfd, rc = 0, forward = 0, removed = 0;
	DIR *d = opendir(dir);
	struct stat st;

	if (!d) {
		if (errno == ENOENT)
			return 0;
		return dbk_seterr(DBK_EIO, "could not open backup directory '%s': %s", dir,
				  strerror(errno));
	}
	dfd = dirfd(d);
	if ((rc = catalog_read_names(d, dir, 0, &names)) < 0)
		goto out;

	for (size_t i = 0; i < names.n; i++) {
		struct catalog_name *c = &names.items[i];
		char *base = NULL;
		int ours;

		/* Scratch copies of a killed SQLite dump (and their -journal or
		 * -wal companions), and listing indexes a killed list left
		 * half-written: ours by their prefix, never useful again. */
		if (strncmp(c->name, SCRATCH_PREFIX, strlen(SCRATCH_PREFIX)) == 0 ||
		    strncmp(c->name, CATALOG_INDEX_NAME ".", strlen(CATALOG_INDEX_NAME ".")) == 0) {
			if (!catalog_is_regular(dfd, c, &st))
				continue;
			if (unlinkat(dfd, c->name, 0) < 0 && errno != ENOENT) {
				rc = dbk_seterr(DBK_EIO, "could not remove '%s/%s': %s", dir,
						c->name, strerror(errno));
				goto out;
			}
			dbk_verbose("removed scratch file '%s/%s' of an interrupted run", dir,
				    c->name);
			removed++;
			continue;
		}

		ours = catalog_partial_base(c->name, &base);
		if (ours < 0) {
			rc = ours;
			goto out;
		}
		if (!ours)
			continue;
		/* Only a file dbkeep wrote: never a symlink or a folder. */
		if (!catalog_is_regular(dfd, c, &st)) {
			free(base);
			continue;
		}
		dbk_strbuf_reset(&sb);
		dbk_strbuf_addf(&sb, "%s%s", base, DBK_SUFFIX_MANIFEST);
		int committed = catalog_exists_regular(dfd, sb.buf);
		/* sb becomes X, the name without .partial. */
		dbk_strbuf_reset(&sb);
		dbk_strbuf_add(&sb, c->name, strlen(c->name) - strlen(DBK_SUFFIX_PARTIAL));
		free(base);

		if (committed && fstatat(dfd, sb.buf, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno == ENOENT) {
			/* The manifest is the commit point: the data and its
			 * checksum were complete and fsynced before it. */
			if (renameat(dfd, c->name, dfd, sb.buf) < 0) {
				rc = dbk_seterr(DBK_EIO, "could not rename '%s/%s': %s", dir,
						c->name, strerror(errno));
				goto out;
			}
			dbk_verbose("finished interrupted backup file '%s/%s'", dir, sb.buf);
			forward++;
		} else {
			if (unlinkat(dfd, c->name, 0) < 0 && errno != ENOENT) {
				rc = dbk_seterr(DBK_EIO, "could not remove '%s/%s': %s", dir,
						c->name, strerror(errno));
				goto out;
			}
			dbk_verbose("removed '%s/%s' left by an interrupted backup", dir, c->name);
			removed++;
		}
	}
	if (forward + removed > 0) {
		if ((rc = dbk_fsync_dir(dir)) < 0)
			goto out;
		dbk_verbose("recovered '%s': %d file%s finished, %d removed", dir, forward,
			    forward == 1 ? "" : "s", removed);
	}
out:
	dbk_strbuf_release(&sb);
	catalog_names_release(&names);
	closedir(d);
	return rc;
}
