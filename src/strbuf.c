/*
 * strbuf.c - growing strings (see strbuf.h for the invariants).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/strbuf.h"

char dbk_strbuf_slopbuf[1];

static void die_oom(void)
{
	fputs("dbkeep: out of memory\n", stderr);
	abort();
}

void dbk_strbuf_init(struct dbk_strbuf *sb)
{
	sb->buf = dbk_strbuf_slopbuf;
	sb->len = 0;
	sb->alloc = 0;
}

void dbk_strbuf_release(struct dbk_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	dbk_strbuf_init(sb);
}

void dbk_strbuf_reset(struct dbk_strbuf *sb)
{
	dbk_strbuf_setlen(sb, 0);
}

void dbk_strbuf_grow(struct dbk_strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;
	char *p;

	if (want < sb->len)
		die_oom();
	if (want <= sb->alloc)
		return;
	size_t n = sb->alloc ? sb->alloc : 64;
	while (n < want)
		n *= 2;
	p = realloc(sb->alloc ? sb->buf : NULL, n);
	if (!p)
		die_oom();
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = n;
}

void dbk_strbuf_setlen(struct dbk_strbuf *sb, size_t len)
{
	if (!sb->alloc) {
		if (len == 0)
			return;
		dbk_strbuf_grow(sb, len);
	}
	sb->len = len;
	sb->buf[len] = '\0';
}

void dbk_strbuf_add(struct dbk_strbuf *sb, const void *data, size_t len)
{
	dbk_strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void dbk_strbuf_addstr(struct dbk_strbuf *sb, const char *s)
{
	dbk_strbuf_add(sb, s, strlen(s));
}

void dbk_strbuf_addch(struct dbk_strbuf *sb, char c)
{
	dbk_strbuf_add(sb, &c, 1);
}

void dbk_strbuf_vaddf(struct dbk_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	dbk_strbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		die_oom();
	if ((size_t)n >= sb->alloc - sb->len) {
		dbk_strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void dbk_strbuf_addf(struct dbk_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dbk_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

char *dbk_strbuf_detach(struct dbk_strbuf *sb)
{
	char *s;

	if (!sb->alloc) {
		s = strdup("");
		if (!s)
			die_oom();
	} else {
		s = sb->buf;
	}
	dbk_strbuf_init(sb);
	return s;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
 * bytes there are not one: overlong forms, surrogates and code points past
 * U+10FFFF are refused, as jansson refuses them. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void dbk_strbuf_add_utf8(struct dbk_strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t len = utf8_seq(p + i, n - i);
		if (len == 0) {
			dbk_strbuf_addstr(sb, "\xef\xbf\xbd");
			i++;
		} else {
			dbk_strbuf_add(sb, p + i, len);
			i += len;
		}
	}
}
