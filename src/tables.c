/*
 * tables.c - table/row-count lists and string lists (see tables.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/tables.h"

static void *grow_array(void *items, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return items;
	size_t n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(items, n * size);
	if (!p) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	*alloc = n;
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * Table names travel through JSON manifests, which hold only UTF-8: a byte
 * that is not part of valid UTF-8 (an SQLite name may be anything) is kept
 * as the text \xNN.  Every list is built through here, so a name reads the
 * same in a manifest and in a live count.
 */
static char *printable_name(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name), out = 0;
	char *p = malloc(len * 4 + 1);

	if (!p) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	while (*s) {
		size_t n = utf8_len(s);
		if (n == 0) {
			out += (size_t)sprintf(p + out, "\\x%02x", *s);
			s++;
			continue;
		}
		memcpy(p + out, s, n);
		out += n;
		s += n;
	}
	p[out] = '\0';
	return p;
}

void dbk_tables_add(struct dbk_tables *t, const char *name, int64_t rows)
{
	t->items = grow_array(t->items, &t->alloc, t->n + 1, sizeof(*t->items));
	t->items[t->n].name = printable_name(name);
	t->items[t->n].rows = rows;
	t->n++;
}

static int cmp_table(const void *a, const void *b)
{
	const struct dbk_table_count *x = a, *y = b;
	return strcmp(x->name, y->name);
}

void dbk_tables_sort(struct dbk_tables *t)
{
	if (t->n > 1)
		qsort(t->items, t->n, sizeof(*t->items), cmp_table);
}

void dbk_tables_release(struct dbk_tables *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->items[i].name);
	free(t->items);
	t->items = NULL;
	t->n = t->alloc = 0;
}

const struct dbk_table_count *dbk_tables_find(const struct dbk_tables *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->items[i].name, name) == 0)
			return &t->items[i];
	return NULL;
}

uint64_t dbk_tables_total_rows(const struct dbk_tables *t)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->items[i].rows > 0)
			sum += (uint64_t)t->items[i].rows;
	return sum;
}

void dbk_strlist_add(struct dbk_strlist *l, const char *s)
{
	l->items = grow_array(l->items, &l->alloc, l->n + 1, sizeof(*l->items));
	l->items[l->n++] = xstrdup(s);
}

void dbk_strlist_release(struct dbk_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}
