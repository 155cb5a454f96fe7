/*
 * catalog_index.c - the listing cache of a backup folder (see
 * catalog_index.h).
 *
 * The file is text, one set a line after a header line:
 *
 *   dbkeep-index 1
 *   <base> TAB <json key> TAB <sha key> TAB <problems> TAB <has manifest>
 *          TAB <created> TAB <stored bytes> TAB <tables> TAB <engine>
 *          TAB <kind> TAB <sha256> TAB <database>
 *
 * where a key is "<inode> <size> <ctime s> <ctime ns>", or "-" for a
 * missing file, and strings have bytes below 0x20 and '%' written as %XX
 * (a database name may hold a tab or a newline).  An empty string is a
 * field the manifest did not have.  Any line that does not parse makes the
 * whole file ignored.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog_index.h"
#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "dbkeep/strbuf.h"

#define INDEX_HEADER "dbkeep-index 1"
#define INDEX_FIELDS 12

void catalog_key_from_stat(struct catalog_key *key, const struct stat *st)
{
	key->present = 1;
	key->ino = (uint64_t)st->st_ino;
	key->size = (uint64_t)st->st_size;
	key->ctime_s = (int64_t)st->st_ctim.tv_sec;
	key->ctime_ns = st->st_ctim.tv_nsec;
}

static int key_eq(const struct catalog_key *a, const struct catalog_key *b)
{
	if (!a->present || !b->present)
		return a->present == b->present;
	return a->ino == b->ino && a->size == b->size && a->ctime_s == b->ctime_s &&
	       a->ctime_ns == b->ctime_ns;
}

static void set_release(struct catalog_index_set *s)
{
	free(s->base);
	free(s->engine);
	free(s->kind);
	free(s->database);
	free(s->sha256);
	memset(s, 0, sizeof(*s));
}

void catalog_index_release(struct catalog_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		set_release(&ix->sets[i]);
	free(ix->sets);
	memset(ix, 0, sizeof(*ix));
}

static struct catalog_index_set *index_push(struct catalog_index *ix)
{
	if (ix->n == ix->alloc) {
		size_t na = ix->alloc ? ix->alloc * 2 : 64;
		void *p = realloc(ix->sets, na * sizeof(*ix->sets));

		if (!p) {
			dbk_oom();
			return NULL;
		}
		ix->sets = p;
		ix->alloc = na;
	}
	memset(&ix->sets[ix->n], 0, sizeof(*ix->sets));
	return &ix->sets[ix->n++];
}

/* ---- reading ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes field f in place into a malloc()ed string (NULL for an empty
 * field).  Returns 0, -1 for a bad escape, DBK_ENOMEM. */
static int decode_str(const char *f, char **out)
{
	size_t n = strlen(f), j = 0;
	char *s;

	*out = NULL;
	if (n == 0)
		return 0;
	if (!(s = dbk_malloc(n + 1)))
		return DBK_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (f[i] == '%') {
			int hi = i + 2 < n ? hexval(f[i + 1]) : -1;
			int lo = hi >= 0 ? hexval(f[i + 2]) : -1;

			if (lo < 0) {
				free(s);
				return -1;
			}
			s[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			s[j++] = f[i];
		}
	}
	s[j] = '\0';
	*out = s;
	return 0;
}

static int parse_u64(const char *f, uint64_t *v)
{
	char *end;

	if (*f < '0' || *f > '9')
		return -1;
	errno = 0;
	*v = strtoull(f, &end, 10);
	return errno || *end ? -1 : 0;
}

/* One unsigned decimal number ending at a space or the end; *pp moves past
 * it and its space.  (strtoull, not sscanf: this runs 30 000 times for a
 * listing of 10 000 sets.) */
static int parse_num(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	char *end;

	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*v = strtoull(p, &end, 10);
	if (errno || (*end != ' ' && *end != '\0'))
		return -1;
	*pp = *end ? end + 1 : end;
	return 0;
}

static int parse_key(const char *f, struct catalog_key *k)
{
	uint64_t ino, size, s, ns;

	memset(k, 0, sizeof(*k));
	if (strcmp(f, "-") == 0)
		return 0;
	if (parse_num(&f, &ino) || parse_num(&f, &size) || parse_num(&f, &s) ||
	    parse_num(&f, &ns) || *f || s > INT64_MAX || ns >= 1000000000u)
		return -1;
	k->present = 1;
	k->ino = ino;
	k->size = size;
	k->ctime_s = (int64_t)s;
	k->ctime_ns = (long)ns;
	return 0;
}

/* Parses one line (modified in place) into a new set; -1 when bad. */
static int parse_line(struct catalog_index *ix, char *line)
{
	char *f[INDEX_FIELDS];
	struct catalog_index_set *s;
	uint64_t problems, has, created, stored, tables;
	int n = 0, rc;

	for (char *p = line; n < INDEX_FIELDS; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n != INDEX_FIELDS || strchr(f[INDEX_FIELDS - 1], '\t') || !*f[0])
		return -1;
	if (!(s = index_push(ix)))
		return DBK_ENOMEM;
	if (parse_key(f[1], &s->json) || !s->json.present || parse_key(f[2], &s->sha) ||
	    parse_u64(f[3], &problems) || parse_u64(f[4], &has) || has > 1 ||
	    parse_u64(f[5], &created) || parse_u64(f[6], &stored) || parse_u64(f[7], &tables))
		return -1;
	s->problems = (unsigned)problems;
	s->has_manifest = (int)has;
	s->created = (time_t)created;
	s->stored_bytes = stored;
	s->table_count = (size_t)tables;
	if ((rc = decode_str(f[0], &s->base)) || !s->base || (rc = decode_str(f[8], &s->engine)) ||
	    (rc = decode_str(f[9], &s->kind)) || (rc = decode_str(f[10], &s->sha256)) ||
	    (rc = decode_str(f[11], &s->database)))
		return rc == DBK_ENOMEM ? rc : -1;
	return 0;
}

static int set_cmp(const void *a, const void *b)
{
	return strcmp(((const struct catalog_index_set *)a)->base,
		      ((const struct catalog_index_set *)b)->base);
}

int catalog_index_parse(char *text, size_t len, struct catalog_index *ix)
{
	char *p = text, *end = text + len, *nl;
	int rc = 0;

	ix->dirty = 1;
	nl = memchr(p, '\n', len);
	if (!nl || (size_t)(nl - p) != strlen(INDEX_HEADER) ||
	    memcmp(p, INDEX_HEADER, strlen(INDEX_HEADER)) != 0 || memchr(text, '\0', len))
		return 0;
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			rc = -1; /* a torn last line: the file is not ours to trust */
			break;
		}
		*nl = '\0';
		if ((rc = parse_line(ix, p)) != 0)
			break;
	}
	if (rc) {
		catalog_index_release(ix);
		ix->dirty = 1;
		return rc == DBK_ENOMEM ? rc : 0;
	}
	if (ix->n > 1)
		qsort(ix->sets, ix->n, sizeof(*ix->sets), set_cmp);
	ix->loaded = ix->n;
	ix->dirty = 0;
	return 0;
}

const struct catalog_index_set *catalog_index_lookup(struct catalog_index *ix, const char *base,
						     const struct catalog_key *json,
						     const struct catalog_key *sha)
{
	struct catalog_index_set key, *s;

	if (ix->loaded == 0)
		return NULL;
	key.base = (char *)base;
	s = bsearch(&key, ix->sets, ix->loaded, sizeof(*ix->sets), set_cmp);
	if (!s || s->seen || !key_eq(&s->json, json) || !key_eq(&s->sha, sha))
		return NULL;
	s->seen = 1;
	return s;
}

static int dup_or_null(const char *s, char **out)
{
	*out = NULL;
	if (s && *s && !(*out = dbk_strdup(s)))
		return DBK_ENOMEM;
	return 0;
}

int catalog_index_put(struct catalog_index *ix, const char *base, const struct catalog_key *json,
		      const struct catalog_key *sha, const struct dbk_entry *e)
{
	const unsigned cached =
	    DBK_PROBLEM_BAD_MANIFEST | DBK_PROBLEM_SHA_MISSING | DBK_PROBLEM_SHA_MISMATCH;
	struct catalog_index_set *s;
	int rc;

	if (!json->present)
		return 0;
	if (!(s = index_push(ix)))
		return DBK_ENOMEM;
	s->json = *json;
	s->sha = *sha;
	s->seen = 1;
	s->problems = e->problems & cached;
	s->has_manifest = e->has_manifest;
	if (e->has_manifest) {
		s->created = e->manifest.created;
		s->stored_bytes = e->manifest.stored_bytes;
		s->table_count = e->table_count;
	}
	ix->dirty = 1;
	if ((rc = dup_or_null(base, &s->base)) ||
	    (e->has_manifest && ((rc = dup_or_null(e->manifest.engine, &s->engine)) ||
				 (rc = dup_or_null(e->manifest.kind, &s->kind)) ||
				 (rc = dup_or_null(e->manifest.sha256, &s->sha256)) ||
				 (rc = dup_or_null(e->manifest.database, &s->database)))))
		return rc;
	return 0;
}

/* ---- writing ---- */

static void encode_str(struct dbk_strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == '%')
			dbk_strbuf_addf(sb, "%%%02X", c);
		else
			dbk_strbuf_addch(sb, (char)c);
	}
}

static void encode_key(struct dbk_strbuf *sb, const struct catalog_key *k)
{
	if (!k->present)
		dbk_strbuf_addch(sb, '-');
	else
		dbk_strbuf_addf(sb, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %ld", k->ino, k->size,
				(uint64_t)(k->ctime_s < 0 ? 0 : k->ctime_s), k->ctime_ns);
}

static void encode_set(struct dbk_strbuf *sb, const struct catalog_index_set *s)
{
	encode_str(sb, s->base);
	dbk_strbuf_addch(sb, '\t');
	encode_key(sb, &s->json);
	dbk_strbuf_addch(sb, '\t');
	encode_key(sb, &s->sha);
	dbk_strbuf_addf(sb, "\t%u\t%d\t%" PRIu64 "\t%" PRIu64 "\t%zu\t", s->problems,
			s->has_manifest, (uint64_t)(s->created < 0 ? 0 : s->created),
			s->stored_bytes, s->table_count);
	encode_str(sb, s->engine);
	dbk_strbuf_addch(sb, '\t');
	encode_str(sb, s->kind);
	dbk_strbuf_addch(sb, '\t');
	encode_str(sb, s->sha256);
	dbk_strbuf_addch(sb, '\t');
	encode_str(sb, s->database);
	dbk_strbuf_addch(sb, '\n');
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

void catalog_index_save(int dfd, const char *dir, struct catalog_index *ix)
{
	struct dbk_strbuf text = DBK_STRBUF_INIT;
	char tmp[64];
	int fd, ok;

	for (size_t i = 0; i < ix->loaded && !ix->dirty; i++)
		if (!ix->sets[i].seen)
			ix->dirty = 1; /* a set that is gone */
	if (!ix->dirty)
		return;
	dbk_strbuf_addstr(&text, INDEX_HEADER "\n");
	for (size_t i = 0; i < ix->n; i++)
		if (ix->sets[i].seen)
			encode_set(&text, &ix->sets[i]);
	/* A name of our own (pid), created exclusively: never a file or a
	 * symlink planted there. */
	snprintf(tmp, sizeof(tmp), CATALOG_INDEX_NAME ".%ld", (long)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		dbk_verbose("could not write the listing index of '%s': %s", dir, strerror(errno));
		goto out;
	}
	ok = write_all(fd, text.buf, text.len) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || renameat(dfd, tmp, dfd, CATALOG_INDEX_NAME) < 0) {
		dbk_verbose("could not write the listing index of '%s': %s", dir, strerror(errno));
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	ix->dirty = 0;
out:
	dbk_strbuf_release(&text);
}
