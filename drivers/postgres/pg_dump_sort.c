/*
 * pg_dump_sort.c - the order in which objects are written.
 *
 * Pre-data objects are sorted topologically over the dependency edges of
 * pg_depend (normal and auto ones; the _RETURN rule of a view stands for the
 * view, an array type for its element type...: see the aliases of
 * pg_dump_catalog.c) plus the edges the catalog reader added itself.  Among
 * the objects ready at each step the smallest (kind, schema, name, oid)
 * goes first, so two dumps of the same database are identical.  A cycle
 * through a view is broken like pg_dump does (a placeholder view with the
 * same columns first, CREATE OR REPLACE VIEW later); any other cycle is an
 * error naming its objects.
 *
 * Post-data objects have no ordering problems but a few, solved by their
 * kind: indexes and constraints before the ATTACH of partition indexes,
 * foreign keys after every key, policies after RLS is enabled.  A post-data
 * object that a pre-data one depends on (a view grouping by a primary key)
 * moves to pre-data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "pg_dump_internal.h"

static size_t sort_resolve(const struct pgd_dump *d, size_t i)
{
	for (int hops = 0; d->objs[i].alias >= 0 && hops < 16; hops++)
		i = (size_t)d->objs[i].alias;
	return i;
}

int pgd_read_deps(struct pgd_dump *d)
{
	PGresult *r = pgd_query(d, "SELECT classid, objid, refclassid, refobjid FROM pg_depend "
				   "WHERE deptype IN ('n', 'a') AND objid >= 16384 AND refobjid >= "
				   "16384");
	if (!r)
		return dbk_errcode();
	int moved;
	do {
		moved = 0;
		for (int i = 0; i < PQntuples(r); i++) {
			long a = pgd_find(d, (uint32_t)strtoul(PQgetvalue(r, i, 0), NULL, 10),
					  (uint32_t)strtoul(PQgetvalue(r, i, 1), NULL, 10));
			if (a < 0)
				continue;
			long b = pgd_find(d, (uint32_t)strtoul(PQgetvalue(r, i, 2), NULL, 10),
					  (uint32_t)strtoul(PQgetvalue(r, i, 3), NULL, 10));
			if (b < 0)
				continue;
			size_t from = sort_resolve(d, (size_t)a), to = sort_resolve(d, (size_t)b);
			if (from == to)
				continue;
			struct pgd_obj *f = &d->objs[from], *t = &d->objs[to];
			if (f->section == PGD_POST)
				continue;
			if (t->section == PGD_POST) {
				/* only keys can be needed before the data */
				if (t->kind != PGK_CONSTRAINT)
					continue;
				t->section = PGD_PRE;
				moved = 1;
			}
			pgd_add_dep(f, to);
		}
	} while (moved);
	PQclear(r);
	/* edges the catalog reader added may point at aliases */
	for (size_t i = 0; i < d->nobjs; i++) {
		struct pgd_obj *o = &d->objs[i];
		for (size_t k = 0; k < o->ndeps; k++)
			o->deps[k] = sort_resolve(d, o->deps[k]);
	}
	/* A base type (or a range with a canonical function) and its I/O
	 * functions need each other: what the type needs and needs the type
	 * uses its shell instead, as pg_dump does. */
	for (size_t i = 0; i < d->nobjs; i++) {
		struct pgd_obj *t = &d->objs[i];
		if (t->shell < 0)
			continue;
		for (size_t k = 0; k < t->ndeps; k++) {
			struct pgd_obj *f = &d->objs[t->deps[k]];
			for (size_t m = 0; m < f->ndeps; m++)
				if (f->deps[m] == i)
					f->deps[m] = (size_t)t->shell;
		}
	}
	return 0;
}

static int sort_cmp(const struct pgd_dump *d, size_t a, size_t b)
{
	const struct pgd_obj *x = &d->objs[a], *y = &d->objs[b];
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	int c = strcmp(x->nsp, y->nsp);
	if (c)
		return c;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	if (x->objid != y->objid)
		return x->objid < y->objid ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* A binary min-heap of object indexes ordered by sort_cmp. */
struct sort_heap {
	size_t *v;
	size_t n;
};

static void heap_push(const struct pgd_dump *d, struct sort_heap *h, size_t x)
{
	size_t i = h->n++;
	h->v[i] = x;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (sort_cmp(d, h->v[p], h->v[i]) <= 0)
			break;
		size_t t = h->v[p];
		h->v[p] = h->v[i];
		h->v[i] = t;
		i = p;
	}
}

static size_t heap_pop(const struct pgd_dump *d, struct sort_heap *h)
{
	size_t top = h->v[0];
	h->v[0] = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && sort_cmp(d, h->v[l], h->v[m]) < 0)
			m = l;
		if (r < h->n && sort_cmp(d, h->v[r], h->v[m]) < 0)
			m = r;
		if (m == i)
			break;
		size_t t = h->v[m];
		h->v[m] = h->v[i];
		h->v[i] = t;
		i = m;
	}
	return top;
}

static int sort_is_pre(const struct pgd_obj *o)
{
	return o->section == PGD_PRE && o->alias < 0;
}

static int sort_once(struct pgd_dump *d, long *stuck_view);

/* Breaks a cycle through view v the way pg_dump does: a placeholder view
 * with the same columns (all NULL) is created first and everything that
 * needs v uses it; the real definition replaces it later. */
static int sort_split_view(struct pgd_dump *d, size_t v)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(&q,
			"SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), "
			"(SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM "
			"pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE "
			"co.oid = a.attcollation AND a.attcollation <> t.typcollation) FROM "
			"pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = %u "
			"AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
			d->objs[v].objid);
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	struct dbk_strbuf sql = DBK_STRBUF_INIT;
	dbk_strbuf_addf(&sql, "CREATE VIEW %s AS\n SELECT", d->objs[v].ident);
	for (int i = 0; i < PQntuples(r); i++) {
		dbk_strbuf_addf(&sql, "%s\n    NULL::%s", i ? "," : "", PQgetvalue(r, i, 1));
		if (!PQgetisnull(r, i, 2))
			dbk_strbuf_addf(&sql, " COLLATE %s", PQgetvalue(r, i, 2));
		dbk_strbuf_addf(&sql, " AS %s", PQgetvalue(r, i, 0));
	}
	dbk_strbuf_addstr(&sql, ";\n");
	PQclear(r);
	size_t p = pgd_add_obj(d, 0, 0, PGK_TYPE, d->objs[v].nsp, d->objs[v].name);
	struct pgd_obj *ph = &d->objs[p], *view = &d->objs[v];
	ph->sql = dbk_strbuf_detach(&sql);
	/* the placeholder needs only the types, schemas and extensions */
	for (size_t k = 0; k < view->ndeps; k++) {
		enum pgd_kind kk = d->objs[view->deps[k]].kind;
		if (kk == PGK_SCHEMA || kk == PGK_EXTENSION || kk == PGK_COLLATION ||
		    kk == PGK_TYPE)
			pgd_add_dep(ph, view->deps[k]);
	}
	for (size_t i = 0; i < d->nobjs; i++) {
		struct pgd_obj *o = &d->objs[i];
		if (i == p)
			continue;
		for (size_t k = 0; k < o->ndeps; k++)
			if (o->deps[k] == v)
				o->deps[k] = p;
	}
	pgd_add_dep(view, p);
	/* CREATE VIEW -> CREATE OR REPLACE VIEW */
	if (strncmp(view->sql, "CREATE VIEW", 11) == 0) {
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		dbk_strbuf_addf(&s, "CREATE OR REPLACE VIEW%s", view->sql + 11);
		free(view->sql);
		view->sql = dbk_strbuf_detach(&s);
	}
	/* owner and comments stay with the real definition */
	return 0;
}

int pgd_sort(struct pgd_dump *d)
{
	for (int tries = 0; tries < 1000; tries++) {
		long view = -1;
		free(d->order);
		d->order = NULL;
		d->norder = 0;
		int rc = sort_once(d, &view);
		if (rc == 0 || view < 0)
			return rc;
		dbk_clearerr();
		rc = sort_split_view(d, (size_t)view);
		if (rc)
			return rc;
	}
	return dbk_seterr(DBK_EFAIL, "database '%s' has dependency cycles dbkeep cannot break",
			  d->dbname);
}

static int sort_once(struct pgd_dump *d, long *stuck_view)
{
	size_t n = d->nobjs;
	size_t *indeg = calloc(n ? n : 1, sizeof *indeg);
	size_t *rstart = calloc(n + 1, sizeof *rstart);
	size_t *radj = NULL;
	struct sort_heap h = {calloc(n ? n : 1, sizeof(size_t)), 0};
	int rc = 0;
	d->order = calloc(n ? n : 1, sizeof *d->order);
	if (!indeg || !rstart || !h.v || !d->order) {
		rc = dbk_oom();
		goto out;
	}
	/* reverse adjacency: for each object, who depends on it */
	size_t nedges = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sort_is_pre(&d->objs[i]))
			continue;
		for (size_t k = 0; k < d->objs[i].ndeps; k++) {
			size_t t = d->objs[i].deps[k];
			if (!sort_is_pre(&d->objs[t]) || t == i)
				continue;
			rstart[t + 1]++;
			indeg[i]++;
			nedges++;
		}
	}
	for (size_t i = 0; i < n; i++)
		rstart[i + 1] += rstart[i];
	radj = calloc(nedges ? nedges : 1, sizeof *radj);
	size_t *fill = calloc(n ? n : 1, sizeof *fill);
	if (!radj || !fill) {
		free(fill);
		rc = dbk_oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!sort_is_pre(&d->objs[i]))
			continue;
		for (size_t k = 0; k < d->objs[i].ndeps; k++) {
			size_t t = d->objs[i].deps[k];
			if (!sort_is_pre(&d->objs[t]) || t == i)
				continue;
			radj[rstart[t] + fill[t]++] = i;
		}
	}
	free(fill);
	size_t npre = 0;
	for (size_t i = 0; i < n; i++) {
		if (!sort_is_pre(&d->objs[i]))
			continue;
		npre++;
		if (indeg[i] == 0)
			heap_push(d, &h, i);
	}
	while (h.n) {
		size_t x = heap_pop(d, &h);
		d->order[d->norder++] = x;
		for (size_t k = rstart[x]; k < rstart[x + 1]; k++)
			if (--indeg[radj[k]] == 0)
				heap_push(d, &h, radj[k]);
	}
	if (d->norder < npre) {
		/* a view in the cycle can be split (the smallest, for stable output) */
		for (size_t i = 0; i < n; i++) {
			const struct pgd_obj *o = &d->objs[i];
			if (sort_is_pre(o) && indeg[i] > 0 && o->kind == PGK_VIEW && o->sql &&
			    strncmp(o->sql, "CREATE OR REPLACE", 17) != 0 &&
			    (*stuck_view < 0 || sort_cmp(d, i, (size_t)*stuck_view) < 0))
				*stuck_view = (long)i;
		}
		struct dbk_strbuf sb = DBK_STRBUF_INIT;
		int shown = 0;
		for (size_t i = 0; i < n && shown < 12; i++) {
			const struct pgd_obj *o = &d->objs[i];
			if (!sort_is_pre(o) || indeg[i] == 0)
				continue;
			dbk_strbuf_addf(&sb, "%s%s %s", shown ? ", " : "",
					o->objtype ? o->objtype : "object",
					o->ident ? o->ident : o->name);
			shown++;
		}
		rc = dbk_seterr(DBK_EFAIL,
				"database '%s' has a dependency cycle dbkeep cannot dump yet "
				"between: %s",
				d->dbname, sb.buf);
		dbk_strbuf_release(&sb);
	}
out:
	free(indeg);
	free(rstart);
	free(radj);
	free(h.v);
	return rc;
}

static const struct pgd_dump *sort_ctx;

static int sort_qcmp(const void *a, const void *b)
{
	return sort_cmp(sort_ctx, *(const size_t *)a, *(const size_t *)b);
}

size_t *pgd_post_order(struct pgd_dump *d, size_t *n)
{
	size_t *v = malloc((d->nobjs ? d->nobjs : 1) * sizeof *v);
	size_t k = 0;
	if (!v) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < d->nobjs; i++)
		if (d->objs[i].section == PGD_POST && d->objs[i].alias < 0 &&
		    d->objs[i].kind != PGK_EVENT_TRIGGER)
			v[k++] = i;
	sort_ctx = d;
	qsort(v, k, sizeof *v, sort_qcmp);
	sort_ctx = NULL;
	*n = k;
	return v;
}
