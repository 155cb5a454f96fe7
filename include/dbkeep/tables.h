/*
 * tables.h - a list of tables with their row counts.
 *
 * Drivers fill it (count_tables, dump); the core writes it to the manifest
 * and compares two lists after a restore.  Names are engine-qualified as the
 * driver chooses ("Album" for SQLite, "public.film" for PostgreSQL) and are
 * kept sorted by name (bytewise) by dbk_tables_sort().
 */
#ifndef DBKEEP_TABLES_H
#define DBKEEP_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct dbk_table_count {
	char *name;
	int64_t rows;
};

struct dbk_tables {
	struct dbk_table_count *items;
	size_t n;
	size_t alloc;
	int sorted; /* since dbk_tables_sort: dbk_tables_find searches in halves */
};

#define DBK_TABLES_INIT {NULL, 0, 0, 0}

void dbk_tables_add(struct dbk_tables *t, const char *name, int64_t rows);
void dbk_tables_sort(struct dbk_tables *t);
void dbk_tables_release(struct dbk_tables *t);
/* Returns the entry named name, or NULL.  Logarithmic on a sorted list
 * (a restore checks 10 000 tables against 10 000), linear otherwise. */
const struct dbk_table_count *dbk_tables_find(const struct dbk_tables *t, const char *name);
uint64_t dbk_tables_total_rows(const struct dbk_tables *t);

/* A list of strings (object names left out of a partial dump, schemas...). */
struct dbk_strlist {
	char **items;
	size_t n;
	size_t alloc;
};

#define DBK_STRLIST_INIT {NULL, 0, 0}

void dbk_strlist_add(struct dbk_strlist *l, const char *s);
void dbk_strlist_release(struct dbk_strlist *l);

#endif
