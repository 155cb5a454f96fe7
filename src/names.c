/*
 * names.c - formatting and parsing backup file names (see names.h).
 *
 * Invariant: dbk_name_parse accepts exactly the names dbk_name_format makes,
 * and parse(format(n)) gives n back.  Because a label may itself contain
 * '_', '.' and digits, parsing works from the right end, where the layout
 * is fixed: [.gz] .ext [_seq] _YYYYMMDD_HHMMSS [_preRestore] then the label.
 * The pieces cannot be confused: the date has 8 digits and the time 6, so
 * "_D8_T6_seq" and "_D8_T6" never match the same tail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "dbkeep/names.h"

/* Room left in a 255-byte file name for "_preRestore_", the time, a seq,
 * ".ext.gz" and ".sha256.partial" after a long label. */
#define LABEL_MAX 180

#define SAFETY_TAIL "_" DBK_PRERESTORE_TAG

static int names_label_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static int names_is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static int names_ends_with(const char *s, size_t len, const char *tail)
{
	size_t t = strlen(tail);

	return len >= t && memcmp(s + len - t, tail, t) == 0;
}

void dbk_name_sanitize_label(const char *in, struct dbk_strbuf *out)
{
	const unsigned char *p = (const unsigned char *)in;

	dbk_strbuf_reset(out);
	while (*p && out->len < LABEL_MAX) {
		if (names_label_char(*p)) {
			dbk_strbuf_addch(out, (char)*p++);
			continue;
		}
		/* One '_' per character, not per byte: skip the continuation
		 * bytes of a UTF-8 sequence. */
		dbk_strbuf_addch(out, '_');
		if (*p++ >= 0xc0)
			while ((*p & 0xc0) == 0x80)
				p++;
	}
	if (out->len == 0)
		dbk_strbuf_addstr(out, "backup");
	/* A label "x_preRestore" would read back as label "x" with the safety
	 * tag; one changed character keeps the two apart. */
	if (names_ends_with(out->buf, out->len, SAFETY_TAIL))
		out->buf[out->len - strlen(SAFETY_TAIL)] = '-';
}

void dbk_name_format(const struct dbk_name *n, struct dbk_strbuf *out)
{
	struct tm tm;

	dbk_strbuf_reset(out);
	dbk_strbuf_addstr(out, n->label);
	if (n->safety)
		dbk_strbuf_addstr(out, SAFETY_TAIL);
	if (!gmtime_r(&n->when, &tm))
		memset(&tm, 0, sizeof(tm));
	dbk_strbuf_addf(out, "_%04d%02d%02d_%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n->seq > 1)
		dbk_strbuf_addf(out, "_%d", n->seq);
	dbk_strbuf_addf(out, ".%s", n->ext);
	if (n->gz)
		dbk_strbuf_addstr(out, ".gz");
}

/* Reads n digits as a number (the caller checked they are digits). */
static int names_num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* "YYYYMMDD_HHMMSS" at s (15 bytes) to UTC seconds; only a real date and
 * time round-trips through timegm/gmtime_r unchanged. */
static int names_parse_time(const char *s, time_t *out)
{
	struct tm tm = {0}, want, back;
	time_t t;

	if (!names_is_digits(s, 8) || s[8] != '_' || !names_is_digits(s + 9, 6))
		return DBK_EFAIL;
	tm.tm_year = names_num(s, 4) - 1900;
	tm.tm_mon = names_num(s + 4, 2) - 1;
	tm.tm_mday = names_num(s + 6, 2);
	tm.tm_hour = names_num(s + 9, 2);
	tm.tm_min = names_num(s + 11, 2);
	tm.tm_sec = names_num(s + 13, 2);
	if (tm.tm_year < 70)
		return DBK_EFAIL;
	/* timegm normalises its argument in place: compare with a copy. */
	want = tm;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &back))
		return DBK_EFAIL;
	if (back.tm_year != want.tm_year || back.tm_mon != want.tm_mon ||
	    back.tm_mday != want.tm_mday || back.tm_hour != want.tm_hour ||
	    back.tm_min != want.tm_min || back.tm_sec != want.tm_sec)
		return DBK_EFAIL;
	*out = t;
	return 0;
}

/* The companion files' suffixes and ".gz" are never a data file's ext. */
static int names_ext_ok(const char *ext, size_t n)
{
	static const char *const reserved[] = {"gz", "sha256", "json", "partial"};

	if (n == 0 || n >= sizeof(((struct dbk_name *)0)->ext))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)ext[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return 0;
	}
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strlen(reserved[i]) == n && memcmp(ext, reserved[i], n) == 0)
			return 0;
	return 1;
}

int dbk_name_parse(const char *filename, struct dbk_name *out)
{
	struct dbk_name n;
	size_t len = strlen(filename);
	const char *dot, *s = filename;
	size_t elen;

	memset(&n, 0, sizeof(n));
	n.seq = 1;

	if (names_ends_with(s, len, ".gz")) {
		n.gz = 1;
		len -= 3;
	}
	/* .ext: the last '.' of what is left. */
	dot = NULL;
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == '.') {
			dot = s + i - 1;
			break;
		}
	if (!dot)
		return DBK_EFAIL;
	elen = len - (size_t)(dot - s) - 1;
	if (!names_ext_ok(dot + 1, elen))
		return DBK_EFAIL;
	memcpy(n.ext, dot + 1, elen);
	len = (size_t)(dot - s);

	/* Optional _seq: digits, no leading zero, at least 2, and only when
	 * a full "_D8_T6" stands before it. */
	{
		size_t i = len;

		while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
			i--;
		if (i < len && i >= 17 && s[i - 1] == '_' && s[i - 8] == '_' && s[i - 17] == '_' &&
		    names_is_digits(s + i - 16, 8) && names_is_digits(s + i - 7, 6)) {
			size_t dlen = len - i;

			if (s[i] == '0' || dlen > 6)
				return DBK_EFAIL;
			n.seq = names_num(s + i, dlen);
			if (n.seq < 2)
				return DBK_EFAIL;
			len = i - 1;
		}
	}

	/* _YYYYMMDD_HHMMSS */
	if (len < 16 || s[len - 16] != '_')
		return DBK_EFAIL;
	if (names_parse_time(s + len - 15, &n.when) < 0)
		return DBK_EFAIL;
	len -= 16;

	if (names_ends_with(s, len, SAFETY_TAIL)) {
		n.safety = 1;
		len -= strlen(SAFETY_TAIL);
	}

	/* What is left is the label, as dbk_name_sanitize_label makes them. */
	if (len == 0 || len > LABEL_MAX)
		return DBK_EFAIL;
	for (size_t i = 0; i < len; i++)
		if (!names_label_char((unsigned char)s[i]))
			return DBK_EFAIL;
	memcpy(n.label, s, len);
	*out = n;
	return 0;
}
