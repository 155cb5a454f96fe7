/*
 * strbuf.h - a growing string.
 *
 * Invariants: buf is never NULL and always NUL-terminated; len is the length
 * without the NUL; alloc is 0 while buf points at a shared empty string.
 * Out of memory aborts the process (there is no sane recovery half-way
 * through building an SQL statement or a path), after printing one line.
 */
#ifndef DBKEEP_STRBUF_H
#define DBKEEP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct dbk_strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char dbk_strbuf_slopbuf[];
#define DBK_STRBUF_INIT {dbk_strbuf_slopbuf, 0, 0}

void dbk_strbuf_init(struct dbk_strbuf *sb);
void dbk_strbuf_release(struct dbk_strbuf *sb);
void dbk_strbuf_reset(struct dbk_strbuf *sb);
/* Ensures room for extra more bytes plus the NUL. */
void dbk_strbuf_grow(struct dbk_strbuf *sb, size_t extra);
void dbk_strbuf_add(struct dbk_strbuf *sb, const void *data, size_t len);
void dbk_strbuf_addstr(struct dbk_strbuf *sb, const char *s);
void dbk_strbuf_addch(struct dbk_strbuf *sb, char c);
void dbk_strbuf_addf(struct dbk_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dbk_strbuf_vaddf(struct dbk_strbuf *sb, const char *fmt, va_list ap);
/* Appends s with U+FFFD in place of every byte that is not part of valid
 * UTF-8 (JSON, and so manifests, hold UTF-8 only; SQLite names and paths
 * may hold any bytes). */
void dbk_strbuf_add_utf8(struct dbk_strbuf *sb, const char *s);
void dbk_strbuf_setlen(struct dbk_strbuf *sb, size_t len);
/* Returns the string, now owned by the caller (free()), and resets sb. */
char *dbk_strbuf_detach(struct dbk_strbuf *sb);

#endif
