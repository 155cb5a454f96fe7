/*
 * pg_dump_data.c - rows, large objects and sequence values.
 *
 * Rows are streamed from COPY ... TO STDOUT straight into the writer: libpq
 * hands out one row per PQgetCopyData buffer, which is written and freed,
 * so memory stays flat whatever the size of the table.  In COPY text format
 * every row ends with exactly one newline (newlines inside values are
 * escaped), so counting newlines counts rows.
 *
 * Large objects are written as SQL that psql loads: lo_create, then lo_put
 * of hex bytea chunks, then owner, comment and privileges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "pg_dump_internal.h"

#define PGD_LO_CHUNK 32768

static const struct pgd_dump *data_ctx;

/* Largest tables first, then by name: a parallel restore reads the file in
 * order and hands each COPY block to a free connection, so the longest
 * loads start first and the small ones fill in beside them (longest job
 * first, as pg_restore -j orders its data by relpages).  A restore on one
 * connection does not care. */
static int data_cmp(const void *a, const void *b)
{
	const struct pgd_obj *x = &data_ctx->objs[*(const size_t *)a];
	const struct pgd_obj *y = &data_ctx->objs[*(const size_t *)b];
	if (x->data_pages != y->data_pages)
		return x->data_pages > y->data_pages ? -1 : 1;
	int c = strcmp(x->nsp, y->nsp);
	return c ? c : strcmp(x->name, y->name);
}

/* The marker names the table with always-quoted identifiers; a newline
 * in a name would end the comment line, so it is written as a space. */
static void data_marker(struct dbk_strbuf *sb, const char *nsp, const char *name)
{
	size_t start = sb->len;
	dbk_strbuf_addstr(sb, "-- dbkeep:data ");
	pgd_add_ident(sb, nsp);
	dbk_strbuf_addch(sb, '.');
	pgd_add_ident(sb, name);
	for (size_t i = start; i < sb->len; i++)
		if (sb->buf[i] == '\n' || sb->buf[i] == '\r')
			sb->buf[i] = ' ';
	dbk_strbuf_addch(sb, '\n');
}

/* Runs copysql (a COPY ... TO STDOUT) and streams its rows into the dump,
 * then the end-of-data line; *rows counts them when not NULL. */
static int data_copy_out(struct pgd_dump *d, const struct pgd_obj *o, const char *copysql,
			 int64_t *rows)
{
	int64_t n_rows = 0;
	int rc = 0;
	PGresult *r = PQexec(d->pg, copysql);
	if (!r || PQresultStatus(r) != PGRES_COPY_OUT) {
		rc = dbk_seterr(DBK_EDB, "could not dump table %s of database '%s': %s", o->ident,
				d->dbname, r ? PQresultErrorMessage(r) : PQerrorMessage(d->pg));
		PQclear(r);
		return rc;
	}
	PQclear(r);
	for (;;) {
		char *buf = NULL;
		int n = PQgetCopyData(d->pg, &buf, 0);
		if (n == -1)
			break;
		if (n < 0)
			return dbk_seterr(DBK_EDB, "could not dump table %s of database '%s': %s",
					  o->ident, d->dbname, PQerrorMessage(d->pg));
		for (int i = 0; i < n; i++)
			n_rows += buf[i] == '\n';
		rc = dbk_write(d->w, buf, (size_t)n);
		PQfreemem(buf);
		if (rc) {
			/* drain the copy so the connection stays usable */
			while ((n = PQgetCopyData(d->pg, &buf, 0)) >= 0)
				PQfreemem(buf);
			PQclear(PQgetResult(d->pg));
			return rc;
		}
	}
	r = PQgetResult(d->pg);
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = dbk_seterr(DBK_EDB, "could not dump table %s of database '%s': %s", o->ident,
				d->dbname, r ? PQresultErrorMessage(r) : PQerrorMessage(d->pg));
		PQclear(r);
		return rc;
	}
	PQclear(r);
	while ((r = PQgetResult(d->pg)) != NULL)
		PQclear(r);
	if (rows)
		*rows = n_rows;
	return pgd_write(d, "\\.\n\n");
}

static int data_copy_table(struct pgd_dump *d, const struct pgd_obj *o)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	int64_t rows = 0;
	int rc;
	const char *cols = o->copy_cols ? o->copy_cols : "";

	pgd_add_ext_path(&sb, o, 1);
	data_marker(&sb, o->nsp, o->name);
	dbk_strbuf_addf(&sb, "COPY %s", o->ident);
	if (*cols)
		dbk_strbuf_addf(&sb, " (%s)", cols);
	dbk_strbuf_addstr(&sb, " FROM stdin;\n");
	rc = pgd_write(d, sb.buf);
	if (rc)
		goto out;

	dbk_strbuf_addf(&q, "COPY %s", o->ident);
	if (*cols)
		dbk_strbuf_addf(&q, " (%s)", cols);
	dbk_strbuf_addstr(&q, " TO STDOUT");
	rc = data_copy_out(d, o, q.buf, &rows);
	if (rc == 0 && o->ext_path) {
		dbk_strbuf_reset(&sb);
		pgd_add_ext_path(&sb, o, 0);
		rc = pgd_write(d, sb.buf);
	}
	if (rc == 0 && !o->ext_added) {
		dbk_strbuf_reset(&q);
		dbk_strbuf_addf(&q, "%s.%s", o->nsp, o->name);
		dbk_tables_add(&d->info->tables, q.buf, rows);
	}
out:
	dbk_strbuf_release(&sb);
	dbk_strbuf_release(&q);
	return rc;
}

int pgd_write_data(struct pgd_dump *d)
{
	size_t *v = malloc((d->nobjs ? d->nobjs : 1) * sizeof *v);
	size_t n = 0;
	int rc = 0;
	if (!v)
		return dbk_oom();
	for (size_t i = 0; i < d->nobjs; i++)
		if (d->objs[i].kind == PGK_TABLE && d->objs[i].has_data && d->objs[i].sql)
			v[n++] = i;
	data_ctx = d;
	qsort(v, n, sizeof *v, data_cmp);
	data_ctx = NULL;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = data_copy_table(d, &d->objs[v[i]]);
	free(v);
	return rc;
}

/* The rows of an extension configuration table that its WHERE condition
 * (pg_extension.extcondition) selects: CREATE EXTENSION makes the table and
 * its standard rows, the dump adds what users put there. */
static int data_copy_config(struct pgd_dump *d, const PGresult *r, int i)
{
	struct pgd_obj o;
	memset(&o, 0, sizeof o);
	o.nsp = PQgetvalue(r, i, 1);
	o.name = PQgetvalue(r, i, 2);
	o.ident = PQgetvalue(r, i, 3);
	o.copy_cols = PQgetisnull(r, i, 5) ? "" : PQgetvalue(r, i, 5);
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	int rc;
	data_marker(&sb, o.nsp, o.name);
	dbk_strbuf_addf(&sb, "COPY %s", o.ident);
	if (*o.copy_cols)
		dbk_strbuf_addf(&sb, " (%s)", o.copy_cols);
	dbk_strbuf_addstr(&sb, " FROM stdin;\n");
	dbk_strbuf_addf(&q, "COPY (SELECT %s FROM ONLY %s %s) TO STDOUT",
			*o.copy_cols ? o.copy_cols : "", o.ident, PQgetvalue(r, i, 6));
	rc = pgd_write(d, sb.buf);
	if (rc == 0)
		rc = data_copy_out(d, &o, q.buf, NULL);
	dbk_strbuf_release(&sb);
	dbk_strbuf_release(&q);
	return rc;
}

int pgd_write_extension_data(struct pgd_dump *d)
{
	/* Tables first, each after the configuration tables it references
	 * (their foreign keys exist already: the extension made them). */
	PGresult *r = pgd_query(
	    d,
	    "WITH cfg AS (SELECT c.oid, n.nspname, c.relname, quote_ident(n.nspname) || '.' || "
	    "quote_ident(c.relname) AS ident, c.relkind, (SELECT "
	    "string_agg(quote_ident(a.attname), "
	    "', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
	    "AND NOT a.attisdropped AND a.attgenerated = '') AS cols, "
	    "coalesce(x.extcondition[u.i], "
	    "'') AS cond, xn.nspname AS xnsp FROM pg_extension x JOIN pg_namespace xn ON xn.oid = "
	    "x.extnamespace CROSS JOIN LATERAL generate_subscripts(x.extconfig, 1) u(i) JOIN "
	    "pg_class c ON c.oid = "
	    "x.extconfig[u.i] JOIN pg_namespace n ON n.oid = c.relnamespace WHERE x.oid >= 16384) "
	    "SELECT c.oid, c.nspname, c.relname, c.ident, c.relkind, c.cols, "
	    "c.cond, c.xnsp, coalesce((WITH RECURSIVE up(r, depth) AS (SELECT c.oid, 0 UNION "
	    "SELECT "
	    "co.confrelid, up.depth + 1 FROM up JOIN pg_constraint co ON co.conrelid = up.r AND "
	    "co.contype = 'f' AND co.confrelid <> up.r WHERE up.depth < 50) SELECT max(depth) FROM "
	    "up), 0) AS lvl FROM cfg c ORDER BY c.relkind = 'S', lvl, c.nspname, c.relname");
	if (!r)
		return dbk_errcode();
	int rc = 0;
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		if (!pgd_schema_wanted(d, PQgetvalue(r, i, 7)) ||
		    !pgd_table_wanted(d, PQgetvalue(r, i, 1), PQgetvalue(r, i, 2)))
			continue;
		char kind = PQgetvalue(r, i, 4)[0];
		if (kind == 'r') {
			rc = data_copy_config(d, r, i);
		} else if (kind == 'S') {
			dbk_strbuf_reset(&sb);
			dbk_strbuf_addf(&sb, "SELECT last_value, is_called FROM %s",
					PQgetvalue(r, i, 3));
			PGresult *sr = pgd_query(d, sb.buf);
			if (!sr) {
				rc = dbk_errcode();
				break;
			}
			dbk_strbuf_reset(&sb);
			dbk_strbuf_addstr(&sb, "SELECT pg_catalog.setval(");
			pgd_add_literal(&sb, PQgetvalue(r, i, 3));
			dbk_strbuf_addf(&sb, ", %s, %s);\n\n", PQgetvalue(sr, 0, 0),
					PQgetvalue(sr, 0, 1)[0] == 't' ? "true" : "false");
			PQclear(sr);
			rc = pgd_write(d, sb.buf);
		}
	}
	dbk_strbuf_release(&sb);
	PQclear(r);
	return rc;
}

static int data_lo_content(struct pgd_dump *d, const char *oid)
{
	static const char hex[] = "0123456789abcdef";
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	char off[32], len[32];
	int rc = 0;
	snprintf(len, sizeof len, "%d", PGD_LO_CHUNK);
	for (long long pos = 0;; pos += PGD_LO_CHUNK) {
		snprintf(off, sizeof off, "%lld", pos);
		const char *params[3] = {oid, off, len};
		PGresult *r =
		    PQexecParams(d->pg, "SELECT pg_catalog.lo_get($1::oid, $2::bigint, $3::int)", 3,
				 NULL, params, NULL, NULL, 1);
		if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = dbk_seterr(
			    DBK_EDB, "could not read large object %s of database '%s': %s", oid,
			    d->dbname, r ? PQresultErrorMessage(r) : PQerrorMessage(d->pg));
			PQclear(r);
			break;
		}
		int n = PQgetlength(r, 0, 0);
		const unsigned char *p = (const unsigned char *)PQgetvalue(r, 0, 0);
		if (n > 0) {
			dbk_strbuf_reset(&sb);
			dbk_strbuf_addf(&sb, "SELECT pg_catalog.lo_put('%s', %s, '\\x", oid, off);
			dbk_strbuf_grow(&sb, (size_t)n * 2 + 16);
			for (int i = 0; i < n; i++) {
				sb.buf[sb.len++] = hex[p[i] >> 4];
				sb.buf[sb.len++] = hex[p[i] & 15];
			}
			sb.buf[sb.len] = '\0';
			dbk_strbuf_addstr(&sb, "');\n");
			rc = pgd_write(d, sb.buf);
		}
		PQclear(r);
		if (rc || n < PGD_LO_CHUNK)
			break;
	}
	dbk_strbuf_release(&sb);
	return rc;
}

int pgd_write_large_objects(struct pgd_dump *d)
{
	if (d->opts && d->opts->schemas && d->opts->schemas->n)
		return 0; /* like pg_dump -n: large objects belong to no schema */
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addstr(&q, "SELECT l.oid, quote_ident(pg_get_userbyid(l.lomowner)), ");
	pgd_acl_sql(&q, "l.lomacl", "l.lomowner", "'L'", NULL);
	dbk_strbuf_addstr(&q, ", (SELECT description FROM pg_description WHERE objoid = l.oid AND "
			      "classoid = 'pg_largeobject'::regclass) FROM "
			      "pg_largeobject_metadata l ORDER BY l.oid");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	int rc = 0;
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		const char *oid = PQgetvalue(r, i, 0);
		dbk_strbuf_reset(&sb);
		dbk_strbuf_addf(&sb, "SELECT pg_catalog.lo_create('%s');\n", oid);
		rc = pgd_write(d, sb.buf);
		if (rc == 0)
			rc = data_lo_content(d, oid);
		if (rc)
			break;
		dbk_strbuf_reset(&sb);
		if (!(d->opts && d->opts->no_owner))
			dbk_strbuf_addf(&sb, "ALTER LARGE OBJECT %s OWNER TO %s;\n", oid,
					PQgetvalue(r, i, 1));
		if (!PQgetisnull(r, i, 3)) {
			dbk_strbuf_addf(&sb, "COMMENT ON LARGE OBJECT %s IS ", oid);
			pgd_add_literal(&sb, PQgetvalue(r, i, 3));
			dbk_strbuf_addstr(&sb, ";\n");
		}
		if (!PQgetisnull(r, i, 2) && !(d->opts && d->opts->no_privileges)) {
			struct dbk_strbuf on = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&on, "LARGE OBJECT %s", oid);
			pgd_acl_statements(&sb, PQgetvalue(r, i, 2), on.buf, NULL);
			dbk_strbuf_release(&on);
		}
		dbk_strbuf_addch(&sb, '\n');
		rc = pgd_write(d, sb.buf);
	}
	dbk_strbuf_release(&sb);
	PQclear(r);
	return rc;
}

/* Sequence values, read in batches in the dump's snapshot. */
int pgd_write_sequence_values(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	struct dbk_strbuf out = DBK_STRBUF_INIT;
	size_t *v = malloc((d->nobjs ? d->nobjs : 1) * sizeof *v);
	size_t n = 0;
	int rc = 0;
	if (!v)
		return dbk_oom();
	for (size_t i = 0; i < d->nobjs; i++) {
		const struct pgd_obj *o = &d->objs[i];
		if (o->objtype && strcmp(o->objtype, "SEQUENCE") == 0 &&
		    (o->sql || (o->alias >= 0 && d->objs[o->alias].sql)))
			v[n++] = i;
	}
	data_ctx = d;
	qsort(v, n, sizeof *v, data_cmp);
	data_ctx = NULL;
	for (size_t start = 0; start < n && rc == 0; start += 100) {
		size_t end = start + 100 < n ? start + 100 : n;
		dbk_strbuf_reset(&q);
		for (size_t i = start; i < end; i++)
			dbk_strbuf_addf(&q, "%sSELECT %zu, last_value, is_called FROM %s",
					i > start ? " UNION ALL " : "", i, d->objs[v[i]].ident);
		PGresult *r = pgd_query(d, q.buf);
		if (!r) {
			rc = dbk_errcode();
			break;
		}
		dbk_strbuf_reset(&out);
		for (int k = 0; k < PQntuples(r); k++) {
			size_t i = (size_t)strtoull(PQgetvalue(r, k, 0), NULL, 10);
			dbk_strbuf_addstr(&out, "SELECT pg_catalog.setval(");
			pgd_add_literal(&out, d->objs[v[i]].ident);
			dbk_strbuf_addf(&out, ", %s, %s);\n", PQgetvalue(r, k, 1),
					PQgetvalue(r, k, 2)[0] == 't' ? "true" : "false");
		}
		PQclear(r);
		rc = pgd_write(d, out.buf);
	}
	if (rc == 0 && n)
		rc = pgd_write(d, "\n");
	free(v);
	dbk_strbuf_release(&q);
	dbk_strbuf_release(&out);
	return rc;
}
