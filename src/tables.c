/*
 * tables.c - table/row-count lists and string lists (see tables.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/strbuf.h"
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

/* Names are kept as valid UTF-8 (see dbk_strbuf_add_utf8), the form a
 * manifest holds, so a dump's, a scratch's and a live database's lists
 * compare with the manifest's whatever bytes a name has. */
void dbk_tables_add(struct dbk_tables *t, const char *name, int64_t rows)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;

	dbk_strbuf_add_utf8(&sb, name);
	t->items = grow_array(t->items, &t->alloc, t->n + 1, sizeof(*t->items));
	t->items[t->n].name = dbk_strbuf_detach(&sb);
	t->items[t->n].rows = rows;
	t->n++;
	t->sorted = 0;
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
	t->sorted = 1;
}

void dbk_tables_release(struct dbk_tables *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->items[i].name);
	free(t->items);
	t->items = NULL;
	t->n = t->alloc = 0;
	t->sorted = 0;
}

const struct dbk_table_count *dbk_tables_find(const struct dbk_tables *t, const char *name)
{
	if (t->sorted) {
		struct dbk_table_count key = {(char *)name, 0};

		return bsearch(&key, t->items, t->n, sizeof(*t->items), cmp_table);
	}
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
