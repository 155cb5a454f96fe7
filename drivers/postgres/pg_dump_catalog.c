/*
 * pg_dump_catalog.c - reads the catalogs into dump objects.
 *
 * Most DDL text is produced by the server itself (pg_get_functiondef,
 * pg_get_viewdef, pg_get_indexdef, pg_get_constraintdef, format_type...),
 * which under search_path '' qualifies every name it prints.  Each query
 * returns the same first ten columns:
 *
 *   0 classid  1 objid  2 schema (raw)  3 name (raw)  4 objtype (for ALTER
 *   ... OWNER / COMMENT ON)  5 quoted identity  6 quoted owner  7 DDL
 *   8 privilege lines (pg_dump_acl.c)  9 grant object type
 *
 * and kind-specific columns after them.  Objects that belong to an
 * extension (pg_depend deptype 'e') and system objects (oid < 16384) are not
 * read, except the public schema whose owner, privileges and comment users
 * change.  Kinds the dumper cannot write are collected in d->refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "pg_dump_internal.h"

/* The SQL text below is laid out by hand: clang-format would split the
 * macro pieces of each query over dozens of lines. */
/* clang-format off */

#define QN(nsp, name) "quote_ident(" nsp ") || '.' || quote_ident(" name ")"
/* An extension member the user added (ALTER EXTENSION ... ADD) rather
 * than the extension's script made: the pg_depend rows of an object carry
 * the transaction that wrote them (xmin).  A script's object gets its
 * membership row with its other rows, which an UPDATE or SET SCHEMA may
 * write again later; an added one gets it after the rows it was made
 * with.  Objects without other rows (a C function in pg_catalog), and
 * those made and added in one transaction (pg_upgrade's way), count as the
 * script's.  Since age() compares transactions modulo 2^31 (a busy server
 * goes round in weeks), an object any of whose rows a transaction of the
 * extension's wrote (its CREATE or an UPDATE that made members, its last
 * UPDATE or SET SCHEMA) is the script's whatever the ages say. */
#define EXT_ADDED(dep)                                                                             \
	"(EXISTS (SELECT 1 FROM pg_depend ad WHERE ad.classid = " dep ".classid AND ad.objid = "  \
	dep ".objid AND ad.deptype IN ('n', 'a') AND age(ad.xmin) > age(" dep ".xmin)) AND NOT "    \
	"EXISTS (SELECT 1 FROM pg_depend ad WHERE ad.classid = " dep ".classid AND ad.objid = "    \
	dep ".objid AND ad.deptype IN ('n', 'a') AND (EXISTS (SELECT 1 FROM pg_depend ed WHERE "    \
	"ed.refclassid = 'pg_extension'::regclass AND ed.refobjid = " dep ".refobjid AND "          \
	"ed.deptype = 'e' AND ed.xmin = ad.xmin) OR EXISTS (SELECT 1 FROM pg_depend ed WHERE "      \
	"ed.classid = 'pg_extension'::regclass AND ed.objid = " dep ".refobjid AND ed.xmin = "      \
	"ad.xmin) OR EXISTS (SELECT 1 FROM pg_extension ex WHERE ex.oid = " dep ".refobjid AND "   \
	"ex.xmin = ad.xmin))))"
/* not made by an extension: its own, or added to one (NOT IN: the
 * members are read once and hashed, whatever the query's plan) */
#define NOT_EXT(cat, oid)                                                                          \
	oid " NOT IN (SELECT xd.objid FROM pg_depend xd WHERE xd.classid = '" cat "'::regclass "   \
	"AND xd.deptype = 'e' AND NOT " EXT_ADDED("xd") ")"
/* made implicitly with another object (multirange constructors and casts) */
#define NOT_INTERNAL(cat, oid)                                                                     \
	"NOT EXISTS (SELECT 1 FROM pg_depend xi WHERE xi.classid = '" cat                          \
	"'::regclass AND xi.objid = " oid " AND xi.deptype = 'i')"
#define OWNER(col) "quote_ident(pg_get_userbyid(" col "))"
/* The privileges an object has once made: those initdb or its extension's
 * script gave it, not those an ALTER EXTENSION ... ADD of the user's
 * recorded (the restore makes such an object itself, see EXT_ADDED) */
#define INITPRIV(cat, oid)                                                                         \
	"(SELECT ip.initprivs FROM pg_init_privs ip WHERE ip.classoid = '" cat                     \
	"'::regclass AND ip.objoid = " oid " AND ip.objsubid = 0 AND NOT (ip.privtype = 'e' AND "  \
	"EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = ip.classoid AND xd.objid = "         \
	"ip.objoid AND xd.deptype = 'e' AND " EXT_ADDED("xd") ")))"
/* An options array ("k=v") as the body of OPTIONS (...) */
#define FOPTS(col)                                                                                 \
	"(SELECT string_agg(quote_ident(split_part(o, '=', 1)) || ' ' || "                         \
	"quote_literal(substr(o, strpos(o, '=') + 1)), ', ') FROM unnest(" col ") o)"

/* ALTER INDEX ... ALTER COLUMN n SET STATISTICS for the expression columns
 * of index `ioid` (named by the SQL expression `qname`) given a target */
#define IDXSTATS(ioid, qname)                                                                      \
	"coalesce((SELECT string_agg(E'\\nALTER INDEX ' || " qname " || ' ALTER COLUMN ' || "    \
	"a.attnum || ' SET STATISTICS ' || a.attstattarget || ';', '' ORDER BY a.attnum) FROM "     \
	"pg_attribute a WHERE a.attrelid = " ioid " AND a.attstattarget >= 0), '')"

/* An index (or a constraint's) in a tablespace of its own is made under
 * SET default_tablespace, as pg_dump does: the restore's parallel workers
 * take session settings too, and the TABLESPACE clause of CREATE INDEX
 * would have to go inside pg_get_indexdef's text, before its WHERE. */
#define TS_SET(spc)                                                                                \
	"CASE WHEN " spc " <> 0 THEN 'SET default_tablespace = ' || (SELECT quote_ident(spcname) " \
	"FROM pg_tablespace WHERE oid = " spc ") || E';\\n' ELSE '' END || "
#define TS_RESET(spc)                                                                              \
	" || CASE WHEN " spc " <> 0 THEN E'\\nSET default_tablespace = '''';' ELSE '' END"
#define CON_TS                                                                                     \
	"coalesce((SELECT x.reltablespace FROM pg_class x WHERE x.oid = co.conindid AND "           \
	"co.contype <> 'f'), 0)"

/* ---- objects and the (classid, objid) map ------------------------------ */

static uint64_t cat_key(uint32_t classid, uint32_t objid)
{
	return ((uint64_t)classid << 32) | objid;
}

static size_t cat_hash(uint64_t k, size_t size)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (size - 1);
}

static void cat_map_insert(struct pgd_dump *d, size_t idx)
{
	uint64_t k = cat_key(d->objs[idx].classid, d->objs[idx].objid);
	size_t h = cat_hash(k, d->mapsize);
	while (d->map[h] >= 0) {
		const struct pgd_obj *o = &d->objs[d->map[h]];
		if (cat_key(o->classid, o->objid) == k)
			return; /* first one wins */
		h = (h + 1) & (d->mapsize - 1);
	}
	d->map[h] = (int64_t)idx;
}

static void cat_map_grow(struct pgd_dump *d)
{
	size_t size = d->mapsize ? d->mapsize * 2 : 1024;
	free(d->map);
	d->map = malloc(size * sizeof *d->map);
	if (!d->map) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	d->mapsize = size;
	for (size_t i = 0; i < size; i++)
		d->map[i] = -1;
	for (size_t i = 0; i < d->nobjs; i++)
		if (d->objs[i].classid)
			cat_map_insert(d, i);
}

long pgd_find(const struct pgd_dump *d, uint32_t classid, uint32_t objid)
{
	if (!d->mapsize)
		return -1;
	uint64_t k = cat_key(classid, objid);
	size_t h = cat_hash(k, d->mapsize);
	while (d->map[h] >= 0) {
		const struct pgd_obj *o = &d->objs[d->map[h]];
		if (cat_key(o->classid, o->objid) == k)
			return (long)d->map[h];
		h = (h + 1) & (d->mapsize - 1);
	}
	return -1;
}

static char *cat_strdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *pgd_field(const PGresult *r, int row, int col)
{
	if (col >= PQnfields(r) || PQgetisnull(r, row, col))
		return NULL;
	return cat_strdup(PQgetvalue(r, row, col));
}

size_t pgd_add_obj(struct pgd_dump *d, uint32_t classid, uint32_t objid, enum pgd_kind kind,
		   const char *nsp, const char *name)
{
	if (d->nobjs == d->aobjs) {
		size_t n = d->aobjs ? d->aobjs * 2 : 256;
		struct pgd_obj *p = realloc(d->objs, n * sizeof *p);
		if (!p) {
			fputs("dbkeep: out of memory\n", stderr);
			abort();
		}
		d->objs = p;
		d->aobjs = n;
	}
	if ((d->nobjs + 1) * 2 > d->mapsize)
		cat_map_grow(d);
	struct pgd_obj *o = &d->objs[d->nobjs];
	memset(o, 0, sizeof *o);
	o->classid = classid;
	o->objid = objid;
	o->kind = kind;
	o->section = kind >= PGK_INDEX && kind != PGK_ALIAS ? PGD_POST : PGD_PRE;
	o->nsp = cat_strdup(nsp);
	o->name = cat_strdup(name);
	o->alias = -1;
	o->shell = -1;
	dbk_strbuf_init(&o->extra);
	if (classid)
		cat_map_insert(d, d->nobjs);
	return d->nobjs++;
}

void pgd_add_dep(struct pgd_obj *o, size_t on)
{
	for (size_t i = 0; i < o->ndeps; i++)
		if (o->deps[i] == on)
			return;
	if (o->ndeps == o->adeps) {
		size_t n = o->adeps ? o->adeps * 2 : 4;
		size_t *p = realloc(o->deps, n * sizeof *p);
		if (!p) {
			fputs("dbkeep: out of memory\n", stderr);
			abort();
		}
		o->deps = p;
		o->adeps = n;
	}
	o->deps[o->ndeps++] = on;
}

void pgd_free_objs(struct pgd_dump *d)
{
	for (size_t i = 0; i < d->nobjs; i++) {
		struct pgd_obj *o = &d->objs[i];
		free(o->nsp);
		free(o->name);
		free(o->objtype);
		free(o->ident);
		free(o->owner);
		free(o->sql);
		free(o->acl);
		free(o->granttype);
		free(o->grantident);
		free(o->copy_cols);
		free(o->seq_owned);
		free(o->ext_path);
		free(o->deps);
		dbk_strbuf_release(&o->extra);
	}
	free(d->objs);
	free(d->map);
	free(d->order);
	d->objs = NULL;
	d->map = NULL;
	d->order = NULL;
	d->nobjs = d->aobjs = d->mapsize = d->norder = 0;
}

/* An object that writes nothing itself: its edges go to `target`. */
static size_t cat_add_alias(struct pgd_dump *d, uint32_t classid, uint32_t objid, size_t target)
{
	size_t i = pgd_add_obj(d, classid, objid, PGK_ALIAS, d->objs[target].nsp,
			       d->objs[target].name);
	d->objs[i].alias = (long)target;
	d->objs[i].section = d->objs[target].section;
	return i;
}

static uint32_t cat_oid(const PGresult *r, int row, int col)
{
	return (uint32_t)strtoul(PQgetvalue(r, row, col), NULL, 10);
}

static int cat_bool(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

/* Runs a query of the common shape and adds its rows as objects of kind.
 * Rows left out by the filters get index -1 in *idx (malloc()ed). */
static PGresult *cat_load(struct pgd_dump *d, const char *sql, enum pgd_kind kind, long **idx)
{
	PGresult *r = pgd_query(d, sql);
	if (!r)
		return NULL;
	int n = PQntuples(r);
	int tcol = PQfnumber(r, "tabname"); /* sub-objects of a table */
	int gcol = PQfnumber(r, "grantident");
	long *ix = malloc((n ? n : 1) * sizeof *ix);
	if (!ix) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	for (int i = 0; i < n; i++) {
		uint32_t classid = cat_oid(r, i, 0);
		const char *nsp = PQgetvalue(r, i, 2);
		const char *name = PQgetvalue(r, i, 3);
		int want = classid == PGD_CLASS_PG_CLASS ? pgd_table_wanted(d, nsp, name)
							 : pgd_schema_wanted(d, nsp);
		if (tcol >= 0)
			want = pgd_table_wanted(d, nsp, PQgetvalue(r, i, tcol));
		if (kind == PGK_SCHEMA)
			want = pgd_schema_wanted(d, name);
		if (!want) {
			ix[i] = -1;
			continue;
		}
		size_t k = pgd_add_obj(d, classid, cat_oid(r, i, 1), kind, nsp, name);
		struct pgd_obj *o = &d->objs[k];
		o->objtype = pgd_field(r, i, 4);
		o->ident = pgd_field(r, i, 5);
		o->owner = pgd_field(r, i, 6);
		o->sql = pgd_field(r, i, 7);
		o->acl = pgd_field(r, i, 8);
		o->granttype = pgd_field(r, i, 9);
		if (gcol >= 0)
			o->grantident = pgd_field(r, i, gcol);
		ix[i] = (long)k;
	}
	*idx = ix;
	return r;
}

/* Runs a common-shape query whose rows need nothing more. */
static int cat_simple(struct pgd_dump *d, const char *sql, enum pgd_kind kind)
{
	long *idx = NULL;
	PGresult *r = cat_load(d, sql, kind, &idx);
	if (!r)
		return dbk_errcode();
	PQclear(r);
	free(idx);
	return 0;
}

static char *cat_acl(const char *acl, const char *owner, const char *kind, const char *init)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	pgd_acl_sql(&sb, acl, owner, kind, init);
	return dbk_strbuf_detach(&sb);
}

/* ---- kinds --------------------------------------------------------------- */

/* A database without the public schema, or with one the user dropped and
 * made again (DROP SCHEMA public CASCADE; CREATE SCHEMA public: a common
 * way to empty a database), restores into a database that has initdb's:
 * it goes first, unless something is in it already (a template's
 * objects) or the restoring role may not drop it, so that no restore fails
 * on it and none loses anything. */
#define PUBLIC_DROP                                                                                \
	"DO $$BEGIN DROP SCHEMA IF EXISTS public; EXCEPTION WHEN dependent_objects_still_exist "   \
	"OR insufficient_privilege THEN NULL; END$$;"

static int cat_schemas(struct pgd_dump *d)
{
	char *acl = cat_acl("n.nspacl", "n.nspowner", "'n'", INITPRIV("pg_namespace", "n.oid"));
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(&q,
			"SELECT 'pg_namespace'::regclass::oid, n.oid, n.nspname, n.nspname, "
			"'SCHEMA', quote_ident(n.nspname), " OWNER("n.nspowner") ", "
			"CASE WHEN n.oid < 16384 THEN NULL WHEN n.nspname = 'public' THEN "
			"'" PUBLIC_DROP "' || E'\\nCREATE SCHEMA IF NOT EXISTS public;' ELSE "
			"'CREATE SCHEMA ' || quote_ident(n.nspname) || ';' END, %s, 'SCHEMA' "
			"FROM pg_namespace n WHERE " PGD_USER_NSP
			" AND (n.oid >= 16384 OR n.nspname = 'public') AND " NOT_EXT("pg_namespace",
										   "n.oid"),
			acl);
	int rc = cat_simple(d, q.buf, PGK_SCHEMA);
	dbk_strbuf_release(&q);
	free(acl);
	if (rc == 0 && pgd_schema_wanted(d, "public")) {
		PGresult *r = pgd_query(
			d, "SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public')");
		if (!r)
			return dbk_errcode();
		if (cat_bool(r, 0, 0)) {
			size_t k = pgd_add_obj(d, 0, 0, PGK_SCHEMA, "", "public");
			d->objs[k].sql = strdup(PUBLIC_DROP);
		}
		PQclear(r);
	}
	return rc;
}

/* An extension at a version other than its default (one never updated
 * after an upgrade of its package: common) is made at that version, where
 * the restoring server offers it; pg_dump leaves the version out, so that
 * its dumps load into newer servers, and so does the fallback here. */
static int cat_extensions(struct pgd_dump *d)
{
	return cat_simple(
		d,
		"SELECT 'pg_extension'::regclass::oid, x.oid, n.nspname, x.extname, 'EXTENSION', "
		"quote_ident(x.extname), NULL, CASE WHEN x.extversion IS DISTINCT FROM (SELECT "
		"a.default_version FROM pg_available_extensions a WHERE a.name = x.extname) THEN "
		"format($q$DO $dbkext$BEGIN\n    IF EXISTS (SELECT 1 FROM "
		"pg_catalog.pg_available_extension_versions WHERE name = %L AND version = %L) "
		"THEN\n        CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I VERSION %L;\n    "
		"ELSE\n        CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA %I;\n    END "
		"IF;\nEND$dbkext$;$q$, x.extname, x.extversion, x.extname, n.nspname, x.extversion, "
		"x.extname, n.nspname) ELSE format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA "
		"%I;', x.extname, n.nspname) END "
		/* a comment the user removed: CREATE EXTENSION sets the control
		 * file's again (pg_dump leaves it there) */
		"|| CASE WHEN NOT EXISTS (SELECT 1 FROM pg_description ds WHERE ds.classoid = "
		"'pg_extension'::regclass AND ds.objoid = x.oid AND ds.objsubid = 0) THEN "
		"E'\\nCOMMENT ON EXTENSION ' || quote_ident(x.extname) || ' IS NULL;' ELSE '' END, "
		"NULL, NULL FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE "
		"x.oid >= 16384",
		PGK_EXTENSION);
}

/* Maps every extension member to its extension, so that an object using
 * one (a column of type citext) is created after CREATE EXTENSION. */
static int cat_extension_members(struct pgd_dump *d)
{
	PGresult *r = pgd_query(d, "SELECT classid, objid, refobjid FROM pg_depend WHERE deptype "
				   "= 'e' AND refclassid = 'pg_extension'::regclass");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long x = pgd_find(d, PGD_CLASS_PG_EXTENSION, cat_oid(r, i, 2));
		if (x >= 0 && pgd_find(d, cat_oid(r, i, 0), cat_oid(r, i, 1)) < 0)
			cat_add_alias(d, cat_oid(r, i, 0), cat_oid(r, i, 1), (size_t)x);
	}
	PQclear(r);
	return 0;
}

/* An object dropped from its extension (ALTER EXTENSION ... DROP) is the
 * user's: it is dumped, but CREATE EXTENSION makes it again as a member.
 * Nothing records which extension it left, but the pg_depend rows made
 * with an object carry the transaction that made it (xmin): one made by
 * CREATE or ALTER EXTENSION shares it with the extension's own rows.  Such
 * objects (and the user's made in that same transaction: harmless) get,
 * before their own DDL and after that extension, a block that detaches the
 * object from whatever extension made it on the restoring server and drops
 * it (kept if something of the extension still needs it: a function is
 * then replaced, anything else fails loudly).  The block does nothing where
 * the object does not exist or belongs to no extension. */
static void cat_guard_one(struct dbk_strbuf *sb, const PGresult *r, int i, const struct pgd_obj *o)
{
	struct dbk_strbuf body = DBK_STRBUF_INIT, what = DBK_STRBUF_INIT, lit = DBK_STRBUF_INIT;
	dbk_strbuf_addf(&what, "%s %s", o->objtype, o->ident);
	pgd_add_literal(&lit, what.buf);
	dbk_strbuf_addstr(&body, "\nDECLARE\n    a record;\n    x name;\nBEGIN\n    BEGIN\n"
				 "        SELECT * INTO a FROM pg_catalog.pg_get_object_address(");
	pgd_add_literal(&body, PQgetvalue(r, i, 2));
	dbk_strbuf_addstr(&body, ", ");
	pgd_add_literal(&body, PQgetvalue(r, i, 3));
	dbk_strbuf_addstr(&body, ", ");
	pgd_add_literal(&body, PQgetvalue(r, i, 4));
	dbk_strbuf_addf(&body,
			");\n    EXCEPTION WHEN OTHERS THEN\n        RETURN;\n    END;\n"
			"    SELECT e.extname INTO x FROM pg_catalog.pg_depend dp JOIN "
			"pg_catalog.pg_extension e ON e.oid = dp.refobjid WHERE dp.classid = "
			"a.classid AND dp.objid = a.objid AND dp.objsubid = 0 AND dp.refclassid = "
			"'pg_catalog.pg_extension'::pg_catalog.regclass AND dp.deptype = 'e';\n"
			"    IF x IS NULL THEN\n        RETURN;\n    END IF;\n"
			"    EXECUTE 'ALTER EXTENSION ' || pg_catalog.quote_ident(x) || ' DROP ' || "
			"%s;\n    BEGIN\n        EXECUTE 'DROP ' || %s;\n"
			"    EXCEPTION WHEN dependent_objects_still_exist THEN\n        NULL;\n"
			"    END;\nEND\n",
			lit.buf, lit.buf);
	pgd_add_do(sb, "other", body.buf);
	dbk_strbuf_addstr(sb, ";\n");
	dbk_strbuf_release(&body);
	dbk_strbuf_release(&what);
	dbk_strbuf_release(&lit);
}

static int cat_extension_dropped(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT, cls = DBK_STRBUF_INIT, ids = DBK_STRBUF_INIT;
	for (size_t i = 0; i < d->nobjs; i++) {
		const struct pgd_obj *o = &d->objs[i];
		if (!o->classid || o->alias >= 0 || o->kind == PGK_ALIAS || o->kind == PGK_EXTENSION ||
		    !o->objtype || !o->ident || !(o->sql || o->shell >= 0) || o->objid < 16384)
			continue;
		dbk_strbuf_addf(&cls, "%s%u", cls.len ? "," : "", o->classid);
		dbk_strbuf_addf(&ids, "%s%u", ids.len ? "," : "", o->objid);
	}
	if (!ids.len) {
		dbk_strbuf_release(&cls);
		dbk_strbuf_release(&ids);
		return 0;
	}
	dbk_strbuf_addf(
		&q,
		"WITH x AS MATERIALIZED (SELECT ext, xid FROM (SELECT dp.refobjid AS ext, "
		"dp.xmin::text::bigint AS xid FROM pg_depend dp WHERE dp.refclassid = "
		"'pg_extension'::regclass AND dp.deptype = 'e' AND dp.refobjid >= 16384 UNION ALL "
		"SELECT dp.objid, dp.xmin::text::bigint FROM pg_depend dp WHERE dp.classid = "
		"'pg_extension'::regclass AND dp.objid >= 16384) s GROUP BY ext, xid), c AS (SELECT "
		"u.cl, u.ob, (SELECT max(x.ext) FROM pg_depend dd JOIN x ON x.xid = "
		"dd.xmin::text::bigint WHERE dd.classid = u.cl AND dd.objid = u.ob AND dd.deptype <> "
		"'e' AND u.ob > x.ext) AS ext FROM unnest('{%s}'::oid[], '{%s}'::oid[]) u(cl, ob) WHERE "
		"NOT EXISTS (SELECT 1 FROM pg_depend m WHERE m.classid = u.cl AND m.objid = u.ob AND "
		"m.deptype = 'e')) SELECT c.cl, c.ob, a.type, a.object_names::text, "
		"a.object_args::text, c.ext FROM c, pg_identify_object_as_address(c.cl, c.ob, 0) a "
		"WHERE c.ext IS NOT NULL",
		cls.buf, ids.buf);
	dbk_strbuf_release(&cls);
	dbk_strbuf_release(&ids);
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long k = pgd_find(d, cat_oid(r, i, 0), cat_oid(r, i, 1));
		if (k < 0)
			continue;
		struct pgd_obj *o = &d->objs[k];
		size_t w = o->shell >= 0 ? (size_t)o->shell : (size_t)k;
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		cat_guard_one(&s, r, i, o);
		dbk_strbuf_addstr(&s, d->objs[w].sql ? d->objs[w].sql : "");
		free(d->objs[w].sql);
		d->objs[w].sql = dbk_strbuf_detach(&s);
		long x = pgd_find(d, PGD_CLASS_PG_EXTENSION, cat_oid(r, i, 5));
		if (x >= 0)
			pgd_add_dep(&d->objs[w], (size_t)x);
	}
	PQclear(r);
	return 0;
}

/* Members the user added to an extension are dumped as the user's own
 * objects (the restore's CREATE EXTENSION does not make them: their rows
 * would be lost), then added to it again, as pg_dump --binary-upgrade
 * does.  Their rows are not counted in info->tables, which, like
 * count_tables, leaves extension members out. */
static int cat_extension_added(struct pgd_dump *d)
{
	PGresult *r = pgd_query(d, "SELECT xd.classid, xd.objid, a.type, a.object_names::text, "
				   "a.object_args::text, quote_ident(x.extname), x.oid FROM "
				   "pg_depend xd JOIN pg_extension x ON x.oid = xd.refobjid, "
				   "pg_identify_object_as_address(xd.classid, xd.objid, 0) a WHERE "
				   "xd.refclassid = 'pg_extension'::regclass AND xd.deptype = 'e' "
				   "AND " EXT_ADDED("xd") " ORDER BY 1, 2");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long k = pgd_find(d, cat_oid(r, i, 0), cat_oid(r, i, 1));
		if (k < 0)
			continue;
		struct pgd_obj *o = &d->objs[k];
		if (o->alias >= 0 || !o->sql || !o->objtype || !o->ident)
			continue;
		struct dbk_strbuf s = DBK_STRBUF_INIT, body = DBK_STRBUF_INIT;
		/* an ADD of what the restoring server's extension made itself
		 * (an object of the script after all) is a no-op, not a failure */
		dbk_strbuf_addf(&body,
				"\nBEGIN\n    ALTER EXTENSION %s ADD %s %s;\nEXCEPTION WHEN "
				"object_not_in_prerequisite_state THEN\n    NULL;\nEND\n",
				PQgetvalue(r, i, 5), o->objtype, o->ident);
		/* should the restoring server's extension make it after all (a
		 * member dropped and added back, a script's object taken for an
		 * added one), it is detached and dropped first, as the members
		 * dropped from extensions are */
		cat_guard_one(&s, r, i, o);
		dbk_strbuf_addf(&s, "%s\n", o->sql);
		/* its privileges before it joins the extension, which records
		 * them as its initial ones, as in the source */
		if (o->acl && o->granttype) {
			struct dbk_strbuf on = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&on, "%s %s", o->granttype,
					o->grantident ? o->grantident : o->ident);
			pgd_acl_statements(&s, o->acl, on.buf, NULL);
			dbk_strbuf_release(&on);
			free(o->acl);
			o->acl = NULL;
		}
		pgd_add_do(&s, "other", body.buf);
		dbk_strbuf_addstr(&s, ";");
		free(o->sql);
		o->sql = dbk_strbuf_detach(&s);
		o->ext_added = 1;
		long x = pgd_find(d, PGD_CLASS_PG_EXTENSION, cat_oid(r, i, 6));
		if (x >= 0)
			pgd_add_dep(o, (size_t)x);
		dbk_strbuf_release(&body);
	}
	PQclear(r);
	return 0;
}

/* Statements on extension members (rows: extension oid, statement,
 * ordered by extension) go into one block per extension after its CREATE
 * EXTENSION, each run by EXECUTE under its own exception handler, so that
 * a member the restoring server's version of the extension lacks loses
 * what the statement sets (with a warning), not the restore. */
static void cat_extension_block(struct pgd_dump *d, const PGresult *r, const char *what)
{
	struct dbk_strbuf body = DBK_STRBUF_INIT;
	long held = -1;
	for (int i = 0; i < PQntuples(r); i++) {
		long x = pgd_find(d, PGD_CLASS_PG_EXTENSION, cat_oid(r, i, 0));
		/* initdb's extension (plpgsql) is in every database and is not
		 * dumped: its block goes after the data, in an object of its own */
		if (x < 0 && cat_oid(r, i, 0) < 16384u) {
			if (held < 0 || d->objs[held].objid != cat_oid(r, i, 0)) {
				held = (long)pgd_add_obj(d, 0, cat_oid(r, i, 0), PGK_ALIAS, "", "");
				d->objs[held].section = PGD_POST;
			}
			x = held;
		}
		if (x < 0)
			continue;
		dbk_strbuf_addstr(&body, "    BEGIN\n        EXECUTE ");
		pgd_add_literal(&body, PQgetvalue(r, i, 1));
		dbk_strbuf_addf(&body,
				";\n    EXCEPTION WHEN OTHERS THEN\n        RAISE WARNING 'dbkeep: %s of "
				"an extension member not restored: %%', SQLERRM;\n    END;\n",
				what);
		if (i + 1 == PQntuples(r) || cat_oid(r, i + 1, 0) != cat_oid(r, i, 0)) {
			struct dbk_strbuf all = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&all, "\nBEGIN\n%sEND\n", body.buf);
			pgd_add_do(&d->objs[x].extra, strcmp(what, "the owner") == 0 ? "owner" : "other",
				   all.buf);
			dbk_strbuf_addstr(&d->objs[x].extra, ";\n");
			dbk_strbuf_release(&all);
			dbk_strbuf_reset(&body);
		}
	}
	dbk_strbuf_release(&body);
}

/* Comments the user set on extension members (the restore's CREATE
 * EXTENSION writes the script's): those whose pg_description row was not
 * written by one of the extension's own transactions (see EXT_ADDED).
 * Owners the user gave them (ALTER ... OWNER TO, REASSIGN OWNED): a
 * member of a role other than the bootstrap superuser, whom the restore's
 * CREATE EXTENSION, run by that superuser, makes them owned by (ownership
 * by another role is recorded in pg_shdepend).  Owners go in a block of
 * their own, which a --no-owner restore skips. */
static int cat_extension_comments(struct pgd_dump *d)
{
	PGresult *r = pgd_query(
		d, "SELECT e.oid, 'COMMENT ON ' || upper(replace(i.type, '-', ' ')) || ' ' || "
		   "i.identity || ' IS ' || quote_literal(ds.description) FROM pg_description ds "
		   "JOIN pg_depend dp ON dp.classid = "
		   "ds.classoid AND dp.objid = ds.objoid AND dp.deptype = 'e' AND dp.refclassid = "
		   "'pg_extension'::regclass JOIN pg_extension e ON e.oid = dp.refobjid, "
		   "pg_identify_object(ds.classoid, ds.objoid, 0) i WHERE ds.objsubid = 0 AND "
		   "ds.xmin <> e.xmin AND NOT EXISTS (SELECT 1 FROM pg_depend ed WHERE "
		   "ed.refclassid = 'pg_extension'::regclass AND ed.refobjid = e.oid AND ed.deptype "
		   "= 'e' AND ed.xmin = ds.xmin) AND NOT EXISTS (SELECT 1 FROM pg_depend ed WHERE "
		   "ed.classid = 'pg_extension'::regclass AND ed.objid = e.oid AND ed.xmin = ds.xmin) "
		   /* the comment of initdb's extension itself (pg_read_comments
		    * skips objects initdb made) */
		   "UNION ALL SELECT e.oid, 'COMMENT ON EXTENSION ' || quote_ident(e.extname) || ' IS ' "
		   "|| quote_literal(ds.description) FROM pg_description ds JOIN pg_extension e ON "
		   "ds.classoid = 'pg_extension'::regclass AND ds.objoid = e.oid AND ds.objsubid = 0 "
		   "WHERE e.oid < 16384 AND ds.xmin <> e.xmin ORDER BY 1, 2");
	if (!r)
		return dbk_errcode();
	cat_extension_block(d, r, "the comment");
	PQclear(r);
	r = pgd_query(
		d, "SELECT e.oid, 'ALTER ' || upper(replace(i.type, '-', ' ')) || ' ' || i.identity "
		   "|| ' OWNER TO ' || quote_ident(pg_get_userbyid(sd.refobjid)) FROM pg_shdepend sd "
		   "JOIN pg_depend dp ON dp.classid = sd.classid AND dp.objid = sd.objid AND "
		   "dp.deptype = 'e' AND dp.refclassid = 'pg_extension'::regclass JOIN pg_extension e "
		   "ON e.oid = dp.refobjid, pg_identify_object(sd.classid, sd.objid, 0) i WHERE "
		   "sd.deptype = 'o' AND sd.objsubid = 0 AND sd.dbid = (SELECT oid FROM pg_database "
		   "WHERE datname = current_database()) ORDER BY 1, 2");
	if (!r)
		return dbk_errcode();
	cat_extension_block(d, r, "the owner");
	PQclear(r);
	return 0;
}

/* Expressions the restore computes (an index's, a CHECK's or a generated
 * column's, a matview's query) that call an extension's SQL function
 * whose body finds the extension's other members by the search_path:
 * earthdistance's ll_to_earth calls cube() and earth() unqualified, so
 * an index on ll_to_earth(lat, lon), the one its documentation suggests,
 * was built with earthdistance's schema on the search_path and fails to
 * build under the dump's '' (pg_dump's restores fail there).  Those
 * objects are made, loaded and refreshed with pg_catalog, the schema of
 * the extension and those of the extensions it requires on the path:
 * what the source's CREATE INDEX needed, and only schemas the extensions
 * live in.  SQL-standard bodies (BEGIN ATOMIC) and functions with their
 * own search_path need none.  Rows: classid, objid of the dumped object
 * (the table for a CHECK or a generated column, also the constraint
 * itself; the constraint for an index that backs one), the path. */
static int cat_ext_paths(struct pgd_dump *d)
{
	PGresult *r = pgd_query(
	    d,
	    "WITH f AS (SELECT p.oid, x.oid AS ext FROM pg_proc p JOIN pg_depend e ON e.classid = "
	    "'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e' AND e.refclassid = "
	    "'pg_extension'::regclass JOIN pg_extension x ON x.oid = e.refobjid WHERE p.prolang = "
	    "(SELECT oid FROM pg_language WHERE lanname = 'sql') AND p.prosqlbody IS NULL AND "
	    "p.proconfig IS NULL), u AS (SELECT d.classid, d.objid, f.ext FROM pg_depend d JOIN f "
	    "ON d.refclassid = 'pg_proc'::regclass AND d.refobjid = f.oid WHERE d.deptype = 'n' "
	    "AND d.classid IN ('pg_class'::regclass, 'pg_constraint'::regclass, "
	    "'pg_attrdef'::regclass, 'pg_rewrite'::regclass)), o AS (SELECT 'pg_class'::regclass "
	    "AS classid, u.objid, u.ext FROM u WHERE u.classid = 'pg_class'::regclass UNION SELECT "
	    "'pg_constraint'::regclass, co.oid, u.ext FROM u JOIN pg_constraint co ON "
	    "co.conindid = u.objid AND co.contype IN ('p', 'u', 'x') WHERE u.classid = "
	    "'pg_class'::regclass UNION SELECT u.classid, u.objid, u.ext FROM u WHERE u.classid = "
	    "'pg_constraint'::regclass UNION SELECT 'pg_class'::regclass, co.conrelid, u.ext FROM "
	    "u JOIN pg_constraint co ON co.oid = u.objid WHERE u.classid = "
	    "'pg_constraint'::regclass AND co.conrelid <> 0 UNION SELECT 'pg_class'::regclass, "
	    "ad.adrelid, u.ext FROM u JOIN pg_attrdef ad ON ad.oid = u.objid WHERE u.classid = "
	    "'pg_attrdef'::regclass UNION SELECT 'pg_class'::regclass, rw.ev_class, u.ext FROM u "
	    "JOIN pg_rewrite rw ON rw.oid = u.objid WHERE u.classid = 'pg_rewrite'::regclass), s "
	    "AS (SELECT o.classid, o.objid, x.extnamespace FROM o JOIN pg_extension x ON x.oid = "
	    "o.ext UNION SELECT o.classid, o.objid, x.extnamespace FROM o JOIN pg_depend rq ON "
	    "rq.classid = 'pg_extension'::regclass AND rq.objid = o.ext AND rq.refclassid = "
	    "'pg_extension'::regclass JOIN pg_extension x ON x.oid = rq.refobjid) SELECT "
	    "s.classid::oid, s.objid, quote_literal('pg_catalog, ' || string_agg(quote_ident(n.nspname), "
	    "', ' ORDER BY n.nspname)) FROM s JOIN pg_namespace n ON n.oid = s.extnamespace WHERE "
	    "n.nspname <> 'pg_catalog' GROUP BY 1, 2");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long k = pgd_find(d, cat_oid(r, i, 0), cat_oid(r, i, 1));
		if (k >= 0) /* one row per object (GROUP BY) */
			d->objs[k].ext_path = pgd_field(r, i, 2);
	}
	PQclear(r);
	return 0;
}

void pgd_add_ext_path(struct dbk_strbuf *sb, const struct pgd_obj *o, int on)
{
	if (o->ext_path)
		dbk_strbuf_addf(sb, "SELECT pg_catalog.set_config('search_path', %s, false);\n",
				on ? o->ext_path : "''");
}

/* The kinds of objects with an ACL that CREATE EXTENSION and initdb make,
 * for the two passes below.  nsp is NULL for kinds outside schemas that
 * initdb makes none of; system narrows the pass over pg_catalog. */
static const struct acl_kind {
	const char *cat, *acl, *owner, *kind, *type, *ident, *nsp, *from, *system;
} acl_kinds[] = {
	{"pg_class", "o.relacl", "o.relowner",
	 "CASE WHEN o.relkind = 'S' THEN 's' ELSE 'r' END::\"char\"",
	 "CASE WHEN o.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END",
	 QN("n.nspname", "o.relname"), "n.nspname",
	 "pg_class o JOIN pg_namespace n ON n.oid = o.relnamespace",
	 "o.relkind IN ('r', 'v', 'm', 'S', 'f', 'p')"},
	{"pg_proc", "o.proacl", "o.proowner", "'f'",
	 "CASE WHEN o.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END",
	 QN("n.nspname", "o.proname") " || '(' || oidvectortypes(o.proargtypes) || ')'",
	 "n.nspname", "pg_proc o JOIN pg_namespace n ON n.oid = o.pronamespace", "true"},
	{"pg_type", "o.typacl", "o.typowner", "'T'", "'TYPE'", QN("n.nspname", "o.typname"),
	 "n.nspname", "pg_type o JOIN pg_namespace n ON n.oid = o.typnamespace", "true"},
	{"pg_namespace", "o.nspacl", "o.nspowner", "'n'", "'SCHEMA'", "quote_ident(o.nspname)",
	 "o.nspname", "pg_namespace o", "true"},
	{"pg_foreign_data_wrapper", "o.fdwacl", "o.fdwowner", "'F'", "'FOREIGN DATA WRAPPER'",
	 "quote_ident(o.fdwname)", NULL, "pg_foreign_data_wrapper o", NULL},
	{"pg_foreign_server", "o.srvacl", "o.srvowner", "'S'", "'FOREIGN SERVER'",
	 "quote_ident(o.srvname)", NULL, "pg_foreign_server o", NULL},
	{"pg_language", "o.lanacl", "o.lanowner", "'l'", "'LANGUAGE'", "quote_ident(o.lanname)",
	 "'pg_catalog'::name", "pg_language o", "o.oid < 16384"},
};

/* Privileges changed on objects the restore's database already has as
 * CREATE EXTENSION or initdb made them: the difference between their ACL
 * and the initial one of pg_init_privs, as pg_dump writes it.
 *
 * extension: the members of extensions (privtype 'e'), written after the
 * extension is created; members of extensions made by initdb (plpgsql)
 * count too.  Otherwise: the objects initdb made in pg_catalog, pg_catalog
 * itself and the built-in languages (REVOKE EXECUTE ON FUNCTION
 * pg_catalog.pg_read_file FROM PUBLIC, GRANT SELECT ON pg_catalog.pg_authid
 * TO an auditor), leaving extension members (plpgsql's handlers live in
 * pg_catalog) to the other pass.  information_schema has no rows in
 * pg_init_privs, so what initdb gave its objects is not known: like
 * pg_dump, its privileges are not written.  Column privileges are
 * acl_columns'.
 *
 * The objects are gathered first and the privilege difference computed
 * once over all kinds: planned once, not once per catalog (pgd_acl_sql). */
static int cat_changed_acls(struct pgd_dump *d, int extension)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	if (extension)
		dbk_strbuf_addstr(&q, "WITH m AS MATERIALIZED (SELECT dp.classid, dp.objid, "
				      "xn.nspname, x.extname FROM pg_depend dp JOIN pg_extension x "
				      "ON x.oid = dp.refobjid JOIN pg_namespace xn ON xn.oid = "
				      "x.extnamespace WHERE dp.deptype = 'e' AND dp.refclassid = "
				      "'pg_extension'::regclass AND NOT " EXT_ADDED("dp") ") ");
	dbk_strbuf_addstr(&q, "SELECT * FROM (SELECT s.nsp, s.ext, s.type, s.ident, ");
	pgd_acl_sql(&q, "s.acl", "s.owner", "s.kind", "s.init");
	dbk_strbuf_addstr(&q, " AS lines FROM (");
	const char *sep = "";
	for (size_t i = 0; i < sizeof acl_kinds / sizeof acl_kinds[0]; i++) {
		const struct acl_kind *k = &acl_kinds[i];
		if (!extension && !k->nsp)
			continue;
		dbk_strbuf_addf(&q,
				"%sSELECT %s AS nsp, %s AS ext, %s AS type, %s AS ident, %s AS acl, "
				"%s AS owner, (%s)::\"char\" AS kind, ip.initprivs AS init FROM %s "
				"LEFT JOIN pg_init_privs ip ON ip.classoid = '%s'::regclass AND "
				"ip.objoid = o.oid AND ip.objsubid = 0 ",
				sep, extension ? "m.nspname" : k->nsp, extension ? "m.extname" : "''",
				k->type, k->ident, k->acl, k->owner, k->kind, k->from, k->cat);
		if (extension)
			dbk_strbuf_addf(&q, "JOIN m ON m.classid = '%s'::regclass AND m.objid = o.oid",
					k->cat);
		else
			dbk_strbuf_addf(&q,
					"WHERE %s AND %s = 'pg_catalog' AND NOT EXISTS (SELECT 1 FROM "
					"pg_depend xd WHERE xd.classid = '%s'::regclass AND xd.objid = "
					"o.oid AND xd.deptype = 'e')",
					k->system, k->nsp, k->cat);
		sep = " UNION ALL ";
	}
	/* an ACL as it was made writes nothing: the difference is computed
	 * only for the few that changed (most of pg_catalog's are NULL) */
	dbk_strbuf_addstr(&q, ") s WHERE s.acl IS DISTINCT FROM s.init) t WHERE lines IS NOT NULL "
			      "ORDER BY 2, 1, 3, 4");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		/* plpgsql's members are in pg_catalog, which no --schema names */
		if (!pgd_schema_wanted(d, PQgetvalue(r, i, 0)) &&
		    strcmp(PQgetvalue(r, i, 1), "plpgsql") != 0)
			continue;
		size_t o = pgd_add_obj(d, 0, 0, PGK_ALIAS, PQgetvalue(r, i, 0), PQgetvalue(r, i, 3));
		d->objs[o].section = PGD_POST;
		d->objs[o].acl_only = 1;
		d->objs[o].granttype = pgd_field(r, i, 2);
		d->objs[o].ident = pgd_field(r, i, 3);
		d->objs[o].acl = pgd_field(r, i, 4);
	}
	PQclear(r);
	return 0;
}

static int cat_collations(struct pgd_dump *d)
{
	const char *loc = d->ver >= 170000   ? "c.colllocale"
			  : d->ver >= 150000 ? "coalesce(c.colliculocale, c.collcollate)"
					     : "c.collcollate";
	const char *rules = d->ver >= 160000 ? "CASE WHEN c.collicurules IS NOT NULL THEN ', rules "
					       "= ' || quote_literal(c.collicurules) END"
					     : "NULL";
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_collation'::regclass::oid, c.oid, n.nspname, c.collname, 'COLLATION', "
		QN("n.nspname", "c.collname") ", " OWNER("c.collowner") ", "
		"'CREATE COLLATION ' || " QN("n.nspname", "c.collname") " || ' (provider = ' || "
		"CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END || "
		"CASE WHEN c.collprovider = 'c' THEN ', lc_collate = ' || quote_literal(c.collcollate) "
		"|| ', lc_ctype = ' || quote_literal(c.collctype) ELSE ', locale = ' || "
		"quote_literal(%s) END || CASE WHEN NOT c.collisdeterministic THEN ', deterministic = "
		"false' ELSE '' END || coalesce(%s, '') || ');', NULL, NULL "
		"FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE " PGD_USER_NSP
		" AND c.oid >= 16384 AND " NOT_EXT("pg_collation", "c.oid"),
		loc, rules);
	int rc = cat_simple(d, q.buf, PGK_COLLATION);
	dbk_strbuf_release(&q);
	return rc;
}

static int cat_types(struct pgd_dump *d)
{
	char *acl = cat_acl("t.typacl", "t.typowner", "'T'", INITPRIV("pg_type", "t.oid"));
	const char *multi = d->ver >= 140000 ? "', multirange_type_name = ' || "
					       "format_type(rg.rngmultitypid, NULL)"
					     : "''";
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_type'::regclass::oid, t.oid, n.nspname, t.typname, "
		"CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, " QN("n.nspname", "t.typname")
		", " OWNER("t.typowner") ", CASE t.typtype "
		/* enum */
		"WHEN 'e' THEN 'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || ' AS ENUM (' || "
		"coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) "
		"FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ');' "
		/* composite */
		"WHEN 'c' THEN 'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || ' AS (' || "
		"coalesce((SELECT string_agg(E'\\n    ' || quote_ident(a.attname) || ' ' || "
		"format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> at.typcollation "
		"THEN ' COLLATE ' || (SELECT " QN("cn.nspname", "co.collname") " FROM pg_collation co "
		"JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) ELSE "
		"'' END, ',' ORDER BY a.attnum) FROM pg_attribute a JOIN pg_type at ON at.oid = "
		"a.atttypid WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), "
		"'') || E'\\n);' "
		/* domain */
		"WHEN 'd' THEN 'CREATE DOMAIN ' || " QN("n.nspname", "t.typname") " || ' AS ' || "
		"format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typcollation <> bt.typcollation "
		"THEN ' COLLATE ' || (SELECT " QN("cn.nspname", "co.collname") " FROM pg_collation co "
		"JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) ELSE "
		"'' END || coalesce(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), ' DEFAULT ' || "
		"t.typdefault, '') || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END || ';' "
		/* range */
		"WHEN 'r' THEN 'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || ' AS RANGE "
		"(subtype = ' || format_type(rg.rngsubtype, NULL) || %s || CASE WHEN NOT "
		"opc.opcdefault THEN ', subtype_opclass = ' || " QN("opn.nspname", "opc.opcname")
		" ELSE '' END || CASE WHEN rg.rngcollation <> 0 AND rg.rngcollation <> "
		"st.typcollation THEN ', collation = ' || (SELECT " QN("cn.nspname", "co.collname")
		" FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid "
		"= rg.rngcollation) ELSE '' END || CASE WHEN rg.rngsubdiff <> 0 THEN ', subtype_diff "
		"= ' || rg.rngsubdiff::regproc::text ELSE '' END || CASE WHEN rg.rngcanonical <> 0 THEN "
		"', canonical = ' || rg.rngcanonical::regproc::text ELSE '' END || ');' "
		/* shell (a type declared, never defined) */
		"WHEN 'p' THEN 'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || ';' "
		/* base */
		"WHEN 'b' THEN 'CREATE TYPE ' || " QN("n.nspname", "t.typname") " || E' (\\n    ' || "
		"concat_ws(E',\\n    ', 'INTERNALLENGTH = ' || CASE WHEN t.typlen < 0 THEN 'variable' "
		"ELSE t.typlen::text END, 'INPUT = ' || t.typinput::regproc::text, 'OUTPUT = ' || "
		"t.typoutput::regproc::text, CASE WHEN t.typreceive <> 0 THEN 'RECEIVE = ' || "
		"t.typreceive::regproc::text END, CASE WHEN t.typsend <> 0 THEN 'SEND = ' || "
		"t.typsend::regproc::text END, CASE WHEN t.typmodin <> 0 THEN 'TYPMOD_IN = ' || "
		"t.typmodin::regproc::text END, CASE WHEN t.typmodout <> 0 THEN 'TYPMOD_OUT = ' || "
		"t.typmodout::regproc::text END, CASE WHEN t.typanalyze <> 0 THEN 'ANALYZE = ' || "
		"t.typanalyze::regproc::text END, %s, CASE WHEN t.typcategory <> 'U' THEN "
		"'CATEGORY = ' || quote_literal(t.typcategory::text) END, CASE WHEN t.typispreferred THEN "
		"'PREFERRED = true' END, 'DEFAULT = ' || quote_literal(t.typdefault), CASE WHEN "
		"t.typelem <> 0 THEN 'ELEMENT = ' || format_type(t.typelem, NULL) END, CASE WHEN "
		"t.typdelim <> ',' THEN 'DELIMITER = ' || quote_literal(t.typdelim::text) END, 'ALIGNMENT = ' "
		"|| CASE t.typalign WHEN 'c' THEN 'char' WHEN 's' THEN 'int2' WHEN 'i' THEN 'int4' ELSE "
		"'double' END, 'STORAGE = ' || CASE t.typstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN "
		"'external' WHEN 'm' THEN 'main' ELSE 'extended' END, CASE WHEN t.typbyval THEN "
		"'PASSEDBYVALUE' END, CASE WHEN t.typcollation <> 0 THEN 'COLLATABLE = true' END) || "
		"E'\\n);' END, "
		"%s, 'TYPE', t.typtype, t.typarray, coalesce(rg.rngcanonical::oid, 0), t.typrelid "
		"FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
		"LEFT JOIN pg_type bt ON bt.oid = t.typbasetype "
		"LEFT JOIN pg_range rg ON rg.rngtypid = t.oid "
		"LEFT JOIN pg_type st ON st.oid = rg.rngsubtype "
		"LEFT JOIN pg_opclass opc ON opc.oid = rg.rngsubopc "
		"LEFT JOIN pg_namespace opn ON opn.oid = opc.opcnamespace "
		"WHERE " PGD_USER_NSP " AND t.oid >= 16384 AND " NOT_EXT("pg_type", "t.oid") " AND "
		"(t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class "
		"WHERE oid = t.typrelid) = 'c') OR (t.typtype IN ('b', 'p') AND t.typelem = 0) OR "
		"(t.typtype = 'b' AND t.typcategory <> 'A'))",
		multi,
		d->ver >= 140000 ? "CASE WHEN t.typsubscript <> 0 THEN 'SUBSCRIPT = ' || "
				   "t.typsubscript::regproc::text END"
				 : "NULL",
		acl);
	long *idx = NULL;
	PGresult *r = cat_load(d, q.buf, PGK_TYPE, &idx);
	dbk_strbuf_release(&q);
	free(acl);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		if (idx[i] < 0)
			continue;
		struct pgd_obj *o = &d->objs[idx[i]];
		char tt = PQgetvalue(r, i, 10)[0];
		if (tt == 'b' || (tt == 'r' && cat_oid(r, i, 12) != 0)) {
			/* Its I/O (or canonical) functions take and return the
			 * type: a shell type comes first, they use it, the full
			 * definition follows them (see pgd_read_deps). */
			struct dbk_strbuf s = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&s, "CREATE TYPE %s;", o->ident);
			size_t sh = pgd_add_obj(d, 0, 0, PGK_SHELL_TYPE, o->nsp, o->name);
			o = &d->objs[idx[i]];
			d->objs[sh].sql = dbk_strbuf_detach(&s);
			pgd_add_dep(o, sh);
			o->shell = (long)sh;
			continue;
		}
		if (tt == 'p')
			o->kind = PGK_SHELL_TYPE;
		if (tt == 'c' && cat_oid(r, i, 13))
			cat_add_alias(d, PGD_CLASS_PG_CLASS, cat_oid(r, i, 13), (size_t)idx[i]);
	}
	PQclear(r);
	free(idx);
	return 0;
}

/* Domain CHECK constraints: separate objects, so that a check calling a
 * function that takes the domain does not make a cycle; NOT VALID ones go
 * after the data. */
static int cat_domain_checks(struct pgd_dump *d)
{
	long *idx = NULL;
	PGresult *r = cat_load(
		d,
		"SELECT 'pg_constraint'::regclass::oid, co.oid, n.nspname, t.typname || '.' || "
		"co.conname, 'CONSTRAINT', quote_ident(co.conname) || ' ON DOMAIN ' || "
		QN("n.nspname", "t.typname") ", NULL, 'ALTER DOMAIN ' || " QN("n.nspname", "t.typname")
		" || ' ADD CONSTRAINT ' || quote_ident(co.conname) || ' ' || pg_get_constraintdef(co.oid) "
		"|| ';', NULL, NULL, co.convalidated, EXISTS (SELECT 1 FROM pg_depend dp WHERE "
		"dp.classid = 'pg_constraint'::regclass AND dp.objid = co.oid AND dp.refclassid = "
		"'pg_proc'::regclass AND dp.refobjid >= 16384), 'ALTER DOMAIN ' || "
		QN("n.nspname", "t.typname") " || ' ADD CONSTRAINT ' || quote_ident(co.conname) || ' ' "
		"|| pg_get_constraintdef(co.oid) || ' NOT VALID;', " QN("n.nspname", "t.typname") ", "
		"quote_ident(co.conname), co.conname FROM pg_constraint co JOIN pg_type t ON t.oid = "
		"co.contypid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE co.contypid <> 0 AND "
		"co.contype = 'c' AND " PGD_USER_NSP " AND t.oid >= 16384 AND " NOT_EXT("pg_type",
											"t.oid"),
		PGK_DOMAIN_CHECK, &idx);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		if (idx[i] < 0)
			continue;
		struct pgd_obj *o = &d->objs[idx[i]];
		if (!cat_bool(r, i, 10)) {
			o->section = PGD_POST;
			o->kind = PGK_CONSTRAINT;
		} else if (cat_bool(r, i, 11)) {
			/* A check calling a user's function may read other
			 * tables (a list of allowed values), whose rows the
			 * COPY of a column of the domain cannot wait for: like
			 * a table's such check, it is added after the data, NOT
			 * VALID, then validated apart.  VALIDATE refuses a domain
			 * used by a table whose row type is a column elsewhere
			 * (feature_not_supported); the source's values passed the
			 * check, so the catalog then says so, as the source's does
			 * (a superuser's restore; others leave it NOT VALID). */
			struct dbk_strbuf s = DBK_STRBUF_INIT, body = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&body,
					"\nBEGIN\n    ALTER DOMAIN %s VALIDATE CONSTRAINT %s;\n"
					"EXCEPTION WHEN feature_not_supported THEN\n"
					"    IF current_setting('is_superuser') = 'on' THEN\n"
					"        UPDATE pg_catalog.pg_constraint SET convalidated = true "
					"WHERE contypid = ",
					PQgetvalue(r, i, 13), PQgetvalue(r, i, 14));
			pgd_add_literal(&body, PQgetvalue(r, i, 13));
			dbk_strbuf_addstr(&body, "::pg_catalog.regtype AND conname = ");
			pgd_add_literal(&body, PQgetvalue(r, i, 15));
			dbk_strbuf_addstr(&body, ";\n    END IF;\nEND\n");
			dbk_strbuf_addf(&s, "%s\nDO ", PQgetvalue(r, i, 12));
			pgd_add_dollar(&s, body.buf);
			dbk_strbuf_addstr(&s, ";");
			dbk_strbuf_release(&body);
			o->section = PGD_POST;
			o->kind = PGK_CONSTRAINT;
			free(o->sql);
			o->sql = dbk_strbuf_detach(&s);
		}
	}
	PQclear(r);
	free(idx);
	return 0;
}

static int cat_functions(struct pgd_dump *d)
{
	char *acl = cat_acl("p.proacl", "p.proowner", "'f'", INITPRIV("pg_proc", "p.oid"));
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_proc'::regclass::oid, p.oid, n.nspname, p.proname || '(' || "
		"pg_get_function_identity_arguments(p.oid) || ')', CASE p.prokind WHEN 'p' THEN "
		"'PROCEDURE' ELSE 'FUNCTION' END, " QN("n.nspname", "p.proname") " || '(' || "
		"pg_get_function_identity_arguments(p.oid) || ')', " OWNER("p.proowner") ", "
		"pg_get_functiondef(p.oid) || ';', %s, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE "
		"'FUNCTION' END FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE "
		PGD_USER_NSP " AND p.prokind <> 'a' AND p.oid >= 16384 AND " NOT_EXT("pg_proc", "p.oid")
		" AND " NOT_INTERNAL("pg_proc", "p.oid"),
		acl);
	int rc = cat_simple(d, q.buf, PGK_FUNCTION);
	dbk_strbuf_release(&q);
	free(acl);
	return rc;
}

static int cat_aggregates(struct pgd_dump *d)
{
	char *acl = cat_acl("p.proacl", "p.proowner", "'f'", INITPRIV("pg_proc", "p.oid"));
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_proc'::regclass::oid, p.oid, n.nspname, p.proname || '(' || "
		"pg_get_function_identity_arguments(p.oid) || ')', 'AGGREGATE', "
		QN("n.nspname", "p.proname") " || '(' || CASE WHEN p.pronargs = 0 THEN '*' ELSE "
		"pg_get_function_identity_arguments(p.oid) END || ')', " OWNER("p.proowner") ", "
		"'CREATE AGGREGATE ' || " QN("n.nspname", "p.proname") " || '(' || CASE WHEN "
		"p.pronargs = 0 THEN '*' ELSE pg_get_function_identity_arguments(p.oid) END || ') (' "
		"|| concat_ws(', ', 'SFUNC = ' || a.aggtransfn::regproc::text, 'STYPE = ' || "
		"format_type(a.aggtranstype, NULL), CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || "
		"a.aggtransspace END, CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || "
		"a.aggfinalfn::regproc::text END, CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END, "
		"CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify WHEN "
		"'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END, "
		"CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::regproc::text "
		"END, CASE WHEN a.aggserialfn <> 0 THEN 'SERIALFUNC = ' || a.aggserialfn::regproc::text "
		"END, CASE WHEN a.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || "
		"a.aggdeserialfn::regproc::text END, 'INITCOND = ' || quote_literal(a.agginitval), "
		"CASE WHEN a.aggmtransfn <> 0 THEN 'MSFUNC = ' || a.aggmtransfn::regproc::text || ', "
		"MINVFUNC = ' || a.aggminvtransfn::regproc::text || ', MSTYPE = ' || "
		"format_type(a.aggmtranstype, NULL) END, CASE WHEN a.aggmtransspace <> 0 THEN 'MSSPACE "
		"= ' || a.aggmtransspace END, CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC = ' || "
		"a.aggmfinalfn::regproc::text END, CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' "
		"END, CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC_MODIFY = ' || CASE "
		"a.aggmfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE "
		"'READ_WRITE' END END, 'MINITCOND = ' || quote_literal(a.aggminitval), CASE WHEN "
		"a.aggsortop <> 0 THEN 'SORTOP = OPERATOR(' || (SELECT quote_ident(son.nspname) || '.' "
		"|| so.oprname FROM pg_operator so JOIN pg_namespace son ON son.oid = so.oprnamespace "
		"WHERE so.oid = a.aggsortop) || ')' END, CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' "
		"END, CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = "
		"RESTRICTED' END) || ');', %s, 'FUNCTION', "
		/* GRANT ... ON FUNCTION takes the argument types as a plain list
		 * (no ORDER BY of ordered-set aggregates, no '*') */
		QN("n.nspname", "p.proname") " || '(' || oidvectortypes(p.proargtypes) || ')' AS "
		"grantident FROM pg_proc p JOIN pg_aggregate a ON "
		"a.aggfnoid = p.oid JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " PGD_USER_NSP
		" AND p.oid >= 16384 AND " NOT_EXT("pg_proc", "p.oid"),
		acl);
	int rc = cat_simple(d, q.buf, PGK_AGGREGATE);
	dbk_strbuf_release(&q);
	free(acl);
	return rc;
}

static int cat_operators(struct pgd_dump *d)
{
	return cat_simple(
		d,
		"SELECT 'pg_operator'::regclass::oid, o.oid, n.nspname, o.oprname, 'OPERATOR', "
		"quote_ident(n.nspname) || '.' || o.oprname || ' (' || coalesce(format_type(NULLIF("
		"o.oprleft, 0), NULL), 'NONE') || ', ' || coalesce(format_type(NULLIF(o.oprright, 0), "
		"NULL), 'NONE') || ')', " OWNER("o.oprowner") ", 'CREATE OPERATOR ' || "
		"quote_ident(n.nspname) || '.' || o.oprname || ' (' || concat_ws(', ', 'FUNCTION = ' || "
		"o.oprcode::regproc::text, CASE WHEN o.oprleft <> 0 THEN 'LEFTARG = ' || "
		"format_type(o.oprleft, NULL) END, CASE WHEN o.oprright <> 0 THEN 'RIGHTARG = ' || "
		"format_type(o.oprright, NULL) END, (SELECT 'COMMUTATOR = OPERATOR(' || "
		"quote_ident(cn.nspname) || '.' || co.oprname || ')' FROM pg_operator co JOIN "
		"pg_namespace cn ON cn.oid = co.oprnamespace WHERE co.oid = o.oprcom), (SELECT 'NEGATOR "
		"= OPERATOR(' || quote_ident(cn.nspname) || '.' || co.oprname || ')' FROM pg_operator "
		"co JOIN pg_namespace cn ON cn.oid = co.oprnamespace WHERE co.oid = o.oprnegate), CASE "
		"WHEN o.oprrest <> 0 THEN 'RESTRICT = ' || o.oprrest::regproc::text END, CASE WHEN "
		"o.oprjoin <> 0 THEN 'JOIN = ' || o.oprjoin::regproc::text END, CASE WHEN o.oprcanhash "
		"THEN 'HASHES' END, CASE WHEN o.oprcanmerge THEN 'MERGES' END) || ');', NULL, NULL "
		"FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE " PGD_USER_NSP
		" AND o.oid >= 16384 AND o.oprcode <> 0 AND " NOT_EXT("pg_operator", "o.oid"),
		PGK_OPERATOR);
}

static int cat_casts(struct pgd_dump *d)
{
	return cat_simple(
		d,
		"SELECT 'pg_cast'::regclass::oid, c.oid, '', format_type(c.castsource, NULL) || ' AS "
		"' || format_type(c.casttarget, NULL), 'CAST', '(' || format_type(c.castsource, NULL) "
		"|| ' AS ' || format_type(c.casttarget, NULL) || ')', NULL, 'CREATE CAST (' || "
		"format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL) || ') ' "
		"|| CASE c.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || c.castfunc::regprocedure::text "
		"WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END || CASE c.castcontext WHEN 'a' "
		"THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END || ';', NULL, NULL "
		"FROM pg_cast c WHERE c.oid >= 16384 AND " NOT_EXT("pg_cast", "c.oid")
		" AND " NOT_INTERNAL("pg_cast", "c.oid"),
		PGK_CAST);
}

static int cat_text_search(struct pgd_dump *d)
{
	int rc = cat_simple(
		d,
		"SELECT 'pg_ts_dict'::regclass::oid, t.oid, n.nspname, t.dictname, 'TEXT SEARCH "
		"DICTIONARY', " QN("n.nspname", "t.dictname") ", " OWNER("t.dictowner") ", 'CREATE "
		"TEXT SEARCH DICTIONARY ' || " QN("n.nspname", "t.dictname") " || ' (TEMPLATE = ' || "
		"(SELECT " QN("tn.nspname", "tt.tmplname") " FROM pg_ts_template tt JOIN pg_namespace "
		"tn ON tn.oid = tt.tmplnamespace WHERE tt.oid = t.dicttemplate) || coalesce(', ' || "
		"t.dictinitoption, '') || ');', NULL, NULL FROM pg_ts_dict t JOIN pg_namespace n ON "
		"n.oid = t.dictnamespace WHERE " PGD_USER_NSP " AND t.oid >= 16384 AND "
		NOT_EXT("pg_ts_dict", "t.oid"),
		PGK_TSDICT);
	if (rc == 0)
		rc = cat_simple(
			d,
			"SELECT 'pg_ts_config'::regclass::oid, c.oid, n.nspname, c.cfgname, 'TEXT "
			"SEARCH CONFIGURATION', " QN("n.nspname", "c.cfgname") ", " OWNER("c.cfgowner")
			", 'CREATE TEXT SEARCH CONFIGURATION ' || " QN("n.nspname", "c.cfgname") " || ' "
			"(PARSER = ' || (SELECT " QN("pn.nspname", "p.prsname") " FROM pg_ts_parser p "
			"JOIN pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser) || "
			"');' || coalesce((SELECT string_agg(E'\\nALTER TEXT SEARCH CONFIGURATION ' || "
			QN("n.nspname", "c.cfgname") " || ' ADD MAPPING FOR ' || tt.alias || ' WITH ' || "
			"m.dicts || ';', '' ORDER BY m.maptokentype) FROM (SELECT maptokentype, "
			"string_agg(mapdict::regdictionary::text, ', ' ORDER BY mapseqno) AS dicts FROM "
			"pg_ts_config_map WHERE mapcfg = c.oid GROUP BY maptokentype) m JOIN "
			"ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype), ''), NULL, NULL "
			"FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace WHERE "
			PGD_USER_NSP " AND c.oid >= 16384 AND " NOT_EXT("pg_ts_config", "c.oid"),
			PGK_TSCONFIG);
	return rc;
}

static int cat_foreign(struct pgd_dump *d)
{
	char *acl = cat_acl("f.fdwacl", "f.fdwowner", "'F'", INITPRIV("pg_foreign_data_wrapper",
								      "f.oid"));
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_foreign_data_wrapper'::regclass::oid, f.oid, '', f.fdwname, 'FOREIGN DATA "
		"WRAPPER', quote_ident(f.fdwname), " OWNER("f.fdwowner") ", 'CREATE FOREIGN DATA "
		"WRAPPER ' || quote_ident(f.fdwname) || CASE WHEN f.fdwhandler <> 0 THEN ' HANDLER ' || "
		"f.fdwhandler::regproc::text ELSE '' END || CASE WHEN f.fdwvalidator <> 0 THEN ' "
		"VALIDATOR ' || f.fdwvalidator::regproc::text ELSE '' END || coalesce(' OPTIONS (' || "
		FOPTS("f.fdwoptions") " || ')', '') || ';', %s, 'FOREIGN DATA WRAPPER' FROM "
		"pg_foreign_data_wrapper f WHERE f.oid >= 16384 AND " NOT_EXT("pg_foreign_data_wrapper",
									       "f.oid"),
		acl);
	int rc = cat_simple(d, q.buf, PGK_FDW);
	free(acl);
	dbk_strbuf_reset(&q);
	acl = cat_acl("s.srvacl", "s.srvowner", "'S'", INITPRIV("pg_foreign_server", "s.oid"));
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_foreign_server'::regclass::oid, s.oid, '', s.srvname, 'SERVER', "
		"quote_ident(s.srvname), " OWNER("s.srvowner") ", 'CREATE SERVER ' || "
		"quote_ident(s.srvname) || coalesce(' TYPE ' || quote_literal(s.srvtype), '') || "
		"coalesce(' VERSION ' || quote_literal(s.srvversion), '') || ' FOREIGN DATA WRAPPER ' "
		"|| quote_ident(f.fdwname) || coalesce(' OPTIONS (' || " FOPTS("s.srvoptions") " || "
		"')', '') || ';', %s, 'FOREIGN SERVER' FROM pg_foreign_server s JOIN "
		"pg_foreign_data_wrapper f ON f.oid = s.srvfdw WHERE s.oid >= 16384 AND "
		NOT_EXT("pg_foreign_server", "s.oid"),
		acl);
	if (rc == 0)
		rc = cat_simple(d, q.buf, PGK_SERVER);
	free(acl);
	dbk_strbuf_release(&q);
	if (rc == 0)
		rc = cat_simple(
			d,
			"SELECT 'pg_user_mapping'::regclass::oid, u.umid, '', u.srvname || ' ' || "
			"u.usename, NULL, NULL, NULL, 'CREATE USER MAPPING FOR ' || CASE WHEN u.umuser "
			"= 0 THEN 'PUBLIC' ELSE quote_ident(u.usename) END || ' SERVER ' || "
			"quote_ident(u.srvname) || coalesce(' OPTIONS (' || " FOPTS("u.umoptions") " || "
			"')', '') || ';', NULL, NULL FROM pg_user_mappings u WHERE u.srvid >= 16384",
			PGK_USER_MAPPING);
	return rc;
}

static int cat_sequences(struct pgd_dump *d)
{
	char *acl = cat_acl("c.relacl", "c.relowner", "'s'", INITPRIV("pg_class", "c.oid"));
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_class'::regclass::oid, c.oid, n.nspname, c.relname, 'SEQUENCE', "
		QN("n.nspname", "c.relname") ", CASE WHEN dep.deptype = 'i' THEN NULL ELSE "
		OWNER("c.relowner") " END, CASE WHEN dep.deptype = 'i' THEN NULL ELSE 'CREATE ' || "
		"CASE WHEN c.relpersistence = 'u' THEN 'UNLOGGED ' ELSE '' END || 'SEQUENCE ' || "
		QN("n.nspname", "c.relname") " || E'\\n    AS ' || format_type(s.seqtypid, NULL) || "
		"E'\\n    START WITH ' || s.seqstart || E'\\n    INCREMENT BY ' || s.seqincrement || "
		"E'\\n    MINVALUE ' || s.seqmin || E'\\n    MAXVALUE ' || s.seqmax || E'\\n    CACHE "
		"' || s.seqcache || CASE WHEN s.seqcycle THEN E'\\n    CYCLE' ELSE '' END || ';' END, "
		"%s, 'SEQUENCE', dep.deptype, dep.refobjid, (SELECT quote_ident(attname) FROM "
		"pg_attribute WHERE attrelid = dep.refobjid AND attnum = dep.refobjsubid), (SELECT "
		QN("tn.nspname", "tc.relname") " FROM pg_class tc JOIN pg_namespace tn ON tn.oid = "
		"tc.relnamespace WHERE tc.oid = dep.refobjid) FROM pg_class c JOIN pg_sequence s ON "
		"s.seqrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_depend "
		"dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.refclassid = "
		"'pg_class'::regclass AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i') WHERE "
		"c.relkind = 'S' AND " PGD_USER_NSP " AND " NOT_EXT("pg_class", "c.oid"),
		acl);
	long *idx = NULL;
	PGresult *r = cat_load(d, q.buf, PGK_SEQUENCE, &idx);
	dbk_strbuf_release(&q);
	free(acl);
	if (!r)
		return dbk_errcode();
	/* OWNED BY and identity links need the tables: kept for later */
	for (int i = 0; i < PQntuples(r); i++) {
		if (idx[i] < 0 || PQgetisnull(r, i, 10))
			continue;
		struct pgd_obj *o = &d->objs[idx[i]];
		char dt = PQgetvalue(r, i, 10)[0];
		uint32_t tab = cat_oid(r, i, 11);
		/* resolved in cat_link_sequences once tables exist */
		o->seq_dep = dt;
		o->seq_table = tab;
		if (dt == 'a' && !PQgetisnull(r, i, 12) && !PQgetisnull(r, i, 13)) {
			struct dbk_strbuf s = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&s, "ALTER SEQUENCE %s OWNED BY %s.%s;", o->ident,
					PQgetvalue(r, i, 13), PQgetvalue(r, i, 12));
			o->seq_owned = dbk_strbuf_detach(&s);
		}
	}
	PQclear(r);
	free(idx);
	return 0;
}

/* Moves identity sequences under their table and adds OWNED BY objects. */
static void cat_link_sequences(struct pgd_dump *d)
{
	size_t n = d->nobjs;
	for (size_t i = 0; i < n; i++) {
		struct pgd_obj *o = &d->objs[i];
		if (o->kind != PGK_SEQUENCE || !o->seq_dep)
			continue;
		long t = pgd_find(d, PGD_CLASS_PG_CLASS, o->seq_table);
		char dt = o->seq_dep;
		char *owned = o->seq_owned;
		o->seq_owned = NULL;
		if (t < 0 || d->objs[t].kind != PGK_TABLE) {
			if (dt == 'i') {
				/* its table is left out: so is the sequence */
				o->alias = -1;
				free(o->acl);
				o->acl = NULL;
			}
			free(owned);
			continue;
		}
		if (dt == 'i') {
			o->alias = t;
			o->kind = PGK_ALIAS;
		} else if (owned) {
			size_t k = pgd_add_obj(d, 0, 0, PGK_SEQ_OWNED, d->objs[i].nsp,
					       d->objs[i].name);
			d->objs[k].sql = owned;
			pgd_add_dep(&d->objs[k], i);
			pgd_add_dep(&d->objs[k], (size_t)t);
			owned = NULL;
		}
		free(owned);
	}
}

/* ---- tables, views, matviews --------------------------------------------- */

struct cat_rel {
	size_t obj;
	uint32_t oid;
	char relkind;
	int is_partition;
	char *sql; /* being built */
};

static int cat_relations(struct pgd_dump *d);

static void cat_column_alters(struct dbk_strbuf *post, const char *qname, const char *col,
			      const PGresult *r, int i)
{
	/* 10 stattarget, 11 storage, 12 compression, 13 options */
	if (!PQgetisnull(r, i, 10))
		dbk_strbuf_addf(post, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STATISTICS %s;\n",
				qname, col, PQgetvalue(r, i, 10));
	if (!PQgetisnull(r, i, 11))
		dbk_strbuf_addf(post, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STORAGE %s;\n", qname,
				col, PQgetvalue(r, i, 11));
	if (!PQgetisnull(r, i, 12))
		dbk_strbuf_addf(post, "ALTER TABLE ONLY %s ALTER COLUMN %s SET COMPRESSION %s;\n",
				qname, col, PQgetvalue(r, i, 12));
	if (!PQgetisnull(r, i, 13))
		dbk_strbuf_addf(post, "ALTER TABLE ONLY %s ALTER COLUMN %s SET (%s);\n", qname, col,
				PQgetvalue(r, i, 13));
}

/* An inheritance child whose column order CREATE TABLE ... INHERITS would
 * change is created with all its columns and CHECK constraints in order,
 * then joined to its parents, as pg_dump does for a binary upgrade: the
 * columns and constraints it only inherits are marked so first (a catalog
 * update, so only when the restoring role is a superuser; otherwise they
 * stay local too, which changes no behaviour but a later DROP on the
 * parent), then ALTER TABLE ... INHERIT counts every inherited one. */
static void cat_inherit_later(struct dbk_strbuf *s, const struct pgd_obj *o,
			      const struct dbk_strbuf *unlocal, const struct dbk_strbuf *unlocon,
			      const char *inherit)
{
	if (unlocal->len || unlocon->len) {
		struct dbk_strbuf body = DBK_STRBUF_INIT, rel = DBK_STRBUF_INIT;
		pgd_add_literal(&rel, o->ident);
		dbk_strbuf_addstr(&body, "\nBEGIN\n    IF current_setting('is_superuser') = 'on' THEN\n");
		if (unlocal->len)
			dbk_strbuf_addf(&body,
					"        UPDATE pg_catalog.pg_attribute SET attislocal = false "
					"WHERE attrelid = %s::pg_catalog.regclass AND attnum IN (%s);\n",
					rel.buf, unlocal->buf);
		if (unlocon->len)
			dbk_strbuf_addf(&body,
					"        UPDATE pg_catalog.pg_constraint SET conislocal = false "
					"WHERE contype = 'c' AND conrelid = %s::pg_catalog.regclass AND "
					"conname IN (%s);\n",
					rel.buf, unlocon->buf);
		dbk_strbuf_addstr(&body, "    END IF;\nEND\n");
		pgd_add_do(s, "other", body.buf);
		dbk_strbuf_addstr(s, ";\n");
		dbk_strbuf_release(&body);
		dbk_strbuf_release(&rel);
	}
	dbk_strbuf_addstr(s, inherit);
}

static int cat_relations(struct pgd_dump *d)
{
	int rc;
	char *acl = cat_acl("c.relacl", "c.relowner", "'r'", INITPRIV("pg_class", "c.oid"));
	const char *am = "CASE WHEN c.relkind IN ('r', 'm') AND c.relam <> 0 THEN (SELECT amname "
			 "FROM pg_am WHERE oid = c.relam) END";
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_class'::regclass::oid, c.oid, n.nspname, c.relname, CASE c.relkind WHEN "
		"'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE "
		"'TABLE' END, " QN("n.nspname", "c.relname") ", " OWNER("c.relowner") ", NULL, %s, "
		"'TABLE', "
		/* 10 */ "c.relkind, c.relpersistence, "
		/* 12 */ "array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o WHERE o !~ "
		"'^check_option=') || ARRAY(SELECT 'toast.' || o FROM pg_class tc, unnest(tc.reloptions) "
		"o WHERE tc.oid = c.reltoastrelid), ', '), "
		/* 13 */ "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
		/* 14 */ "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END, "
		/* 15 */ "CASE WHEN c.reloftype <> 0 THEN format_type(c.reloftype, NULL) END, "
		/* 16 */ "(SELECT string_agg(" QN("pn.nspname", "pc.relname") ", ', ' ORDER BY "
		"i.inhseqno) FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN "
		"pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid), "
		/* 17 */ "(SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid AND "
		"c.relispartition), "
		/* 18 */ "%s, "
		/* 19 */ "c.relreplident, "
		/* 20 */ "c.relrowsecurity, c.relforcerowsecurity, "
		/* 22 */ "(SELECT quote_ident(s.srvname) FROM pg_foreign_table ft JOIN "
		"pg_foreign_server s ON s.oid = ft.ftserver WHERE ft.ftrelid = c.oid), "
		/* 23 */ "(SELECT " FOPTS("ft.ftoptions") " FROM pg_foreign_table ft WHERE ft.ftrelid = "
		"c.oid), "
		/* 24 */ "c.relispartition, c.relispopulated, "
		/* 26 */ "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, "
		/* 27 */ "(SELECT substr(o, 14) FROM unnest(c.reloptions) o WHERE o ~ "
		"'^check_option='), "
		/* 28 */ "(SELECT r.oid FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = "
		"'_RETURN'), "
		/* 29: an inheritance child whose columns are not in the order CREATE
		 * TABLE ... INHERITS gives (the parents' columns first, merged by
		 * name, then its own): a column added to a parent after the child,
		 * a child that was given its parent by ALTER TABLE ... INHERIT */
		/* 29 */ "NOT c.relispartition AND EXISTS (SELECT 1 FROM pg_inherits i WHERE "
		"i.inhrelid = c.oid) AND (SELECT array_agg(a.attname ORDER BY a.attnum) FROM "
		"pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) IS "
		"DISTINCT FROM (SELECT array_agg(a.attname ORDER BY (SELECT min(i.inhseqno * 10000 + "
		"pa.attnum) FROM pg_inherits i JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND "
		"pa.attname = a.attname AND pa.attnum > 0 AND NOT pa.attisdropped WHERE i.inhrelid = "
		"c.oid), a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND "
		"NOT a.attisdropped), "
		/* 30 */ "(SELECT string_agg(CASE c.relkind WHEN 'f' THEN 'ALTER FOREIGN TABLE ONLY ' "
		"ELSE 'ALTER TABLE ONLY ' END || " QN("n.nspname", "c.relname") " || ' INHERIT ' || "
		QN("pn.nspname", "pc.relname") " || E';\\n', '' ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN "
		"pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid), "
		/* 31 */ "(SELECT quote_ident(spcname) FROM pg_tablespace WHERE oid = c.reltablespace "
		"AND c.relkind <> 'f'), "
		/* 32 */ "c.relpages::int8 + coalesce((SELECT t.relpages FROM pg_class t WHERE t.oid = "
		"c.reltoastrelid), 0) "
		"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
		"('r', 'p', 'f', 'v', 'm') AND " PGD_USER_NSP " AND " NOT_EXT("pg_class", "c.oid")
		" ORDER BY c.oid",
		acl, am);
	long *idx = NULL;
	PGresult *r = cat_load(d, q.buf, PGK_TABLE, &idx);
	free(acl);
	if (!r) {
		dbk_strbuf_release(&q);
		return dbk_errcode();
	}
	int n = PQntuples(r);
	struct dbk_strbuf *head = calloc(n ? n : 1, sizeof *head);
	struct dbk_strbuf *cols = calloc(n ? n : 1, sizeof *cols);
	struct dbk_strbuf *post = calloc(n ? n : 1, sizeof *post);
	struct dbk_strbuf *copy = calloc(n ? n : 1, sizeof *copy);
	/* reordered children: attnums of inherited-only columns, names of
	 * inherited-only CHECK constraints (as SQL lists); column counter */
	struct dbk_strbuf *unlocal = calloc(n ? n : 1, sizeof *unlocal);
	struct dbk_strbuf *unlocon = calloc(n ? n : 1, sizeof *unlocon);
	int *ncols = calloc(n ? n : 1, sizeof *ncols);
	if (!head || !cols || !post || !copy || !unlocal || !unlocon || !ncols) {
		fputs("dbkeep: out of memory\n", stderr);
		abort();
	}
	for (int i = 0; i < n; i++) {
		dbk_strbuf_init(&head[i]);
		dbk_strbuf_init(&cols[i]);
		dbk_strbuf_init(&post[i]);
		dbk_strbuf_init(&copy[i]);
		dbk_strbuf_init(&unlocal[i]);
		dbk_strbuf_init(&unlocon[i]);
	}

	/* views and matviews are complete here */
	for (int i = 0; i < n; i++) {
		if (idx[i] < 0)
			continue;
		struct pgd_obj *o = &d->objs[idx[i]];
		char kind = PQgetvalue(r, i, 10)[0];
		o->relkind = kind;
		if (kind != 'v' && kind != 'm')
			continue;
		const char *opts = PQgetvalue(r, i, 12);
		const char *def = PQgetvalue(r, i, 26);
		size_t dl = strlen(def);
		while (dl > 0 && (def[dl - 1] == ';' || def[dl - 1] == '\n' || def[dl - 1] == ' '))
			dl--;
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		if (kind == 'v') {
			o->kind = PGK_VIEW;
			dbk_strbuf_addf(&s, "CREATE VIEW %s", o->ident);
		} else {
			o->kind = PGK_MATVIEW;
			o->populated = cat_bool(r, i, 25);
			dbk_strbuf_addf(&s, "CREATE MATERIALIZED VIEW %s", o->ident);
			if (!PQgetisnull(r, i, 18) && strcmp(PQgetvalue(r, i, 18), "heap") != 0)
				dbk_strbuf_addf(&s, " USING %s", PQgetvalue(r, i, 18));
		}
		if (*opts)
			dbk_strbuf_addf(&s, " WITH (%s)", opts);
		if (!PQgetisnull(r, i, 31))
			dbk_strbuf_addf(&s, " TABLESPACE %s", PQgetvalue(r, i, 31));
		dbk_strbuf_addf(&s, " AS\n%.*s", (int)dl, def);
		if (!PQgetisnull(r, i, 27))
			dbk_strbuf_addf(&s, "\n  WITH %s CHECK OPTION",
					strcmp(PQgetvalue(r, i, 27), "local") == 0 ? "LOCAL"
										   : "CASCADED");
		if (kind == 'm')
			dbk_strbuf_addstr(&s, "\n  WITH NO DATA");
		dbk_strbuf_addstr(&s, ";\n");
		o->sql = dbk_strbuf_detach(&s);
		if (!PQgetisnull(r, i, 28)) {
			/* named for COMMENT ON RULE "_RETURN" */
			size_t k = cat_add_alias(d, PGD_CLASS_PG_REWRITE, cat_oid(r, i, 28),
						 (size_t)idx[i]);
			struct dbk_strbuf rn = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&rn, "\"_RETURN\" ON %s", d->objs[idx[i]].ident);
			d->objs[k].objtype = cat_strdup("RULE");
			d->objs[k].ident = dbk_strbuf_detach(&rn);
		}
	}

	/* columns of tables and foreign tables */
	dbk_strbuf_reset(&q);
	dbk_strbuf_addf(
		&q,
		"SELECT a.attrelid, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), "
		/* 3 */ "a.attnotnull, a.attislocal, a.attgenerated, a.attidentity, "
		/* 7 */ "CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN (SELECT "
		QN("cn.nspname", "co.collname") " FROM pg_collation co JOIN pg_namespace cn ON cn.oid = "
		"co.collnamespace WHERE co.oid = a.attcollation) END, "
		/* 8: only a generation expression refers to columns; deparsing
		 * the others without the relation saves building its column
		 * names for each (seconds on a table of a thousand defaults) */
		/* 8 */ "pg_get_expr(ad.adbin, CASE WHEN a.attgenerated <> '' THEN ad.adrelid ELSE 0 "
		"END), "
		/* 9 */ "CASE WHEN a.attidentity <> '' THEN (SELECT 'SEQUENCE NAME ' || "
		QN("sn.nspname", "sc.relname") " || CASE WHEN s.seqtypid = a.atttypid THEN ' START "
		"WITH ' || s.seqstart || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax ELSE '' "
		"END || ' INCREMENT BY ' || s.seqincrement || ' CACHE ' || s.seqcache || CASE WHEN "
		"s.seqcycle THEN ' CYCLE' ELSE '' END FROM pg_depend dp "
		"JOIN pg_class sc ON sc.oid = dp.objid JOIN pg_namespace sn ON sn.oid = "
		"sc.relnamespace JOIN pg_sequence s ON s.seqrelid = sc.oid WHERE dp.classid = "
		"'pg_class'::regclass AND dp.refclassid = 'pg_class'::regclass AND dp.refobjid = "
		"a.attrelid AND dp.refobjsubid = a.attnum AND dp.deptype = 'i' AND sc.relkind = 'S' "
		"LIMIT 1) END, "
		/* 10 */ "CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END, "
		/* 11 */ "CASE WHEN a.attstorage <> t.typstorage THEN CASE a.attstorage WHEN 'p' THEN "
		"'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END END, "
		/* 12 */ "%s, "
		/* 13: pg_attver (PostgreSQL 15.20+) is a stamp the server sets on
		 * every column itself; older servers refuse it */
		/* 13 */ "NULLIF(array_to_string(ARRAY(SELECT o FROM unnest(a.attoptions) o "
		"WHERE o !~ '^pg_attver='), ', '), ''), "
		/* 14 */ FOPTS("a.attfdwoptions") ", "
		/* 15 */ "ad.oid, "
		/* 16: an identity sequence of another type than its column (ALTER
		 * SEQUENCE ... AS: the identity clause takes the column's and
		 * refuses another, so the bounds and start that may not fit it
		 * come here too), made UNLOGGED or LOGGED apart from its table
		 * (PostgreSQL 15+), whose persistence it takes */
		/* 16 */ "CASE WHEN a.attidentity <> '' THEN (SELECT NULLIF(CASE WHEN s.seqtypid <> "
		"a.atttypid THEN 'ALTER SEQUENCE ' || " QN("sn.nspname", "sc.relname") " || ' AS ' || "
		"format_type(s.seqtypid, NULL) || ' START WITH ' || s.seqstart || ' MINVALUE ' || "
		"s.seqmin || ' MAXVALUE ' || s.seqmax || ';' ELSE '' END || %s, '') FROM pg_depend dp JOIN "
		"pg_class sc ON sc.oid = dp.objid JOIN pg_namespace sn ON sn.oid = sc.relnamespace JOIN "
		"pg_sequence s ON s.seqrelid = sc.oid WHERE dp.classid = 'pg_class'::regclass AND "
		"dp.refclassid = 'pg_class'::regclass AND dp.refobjid = a.attrelid AND dp.refobjsubid = "
		"a.attnum AND dp.deptype = 'i' AND sc.relkind = 'S' LIMIT 1) END, "
		/* 17: NOT NULL on the column of a parent, dropped from this
		 * inheritance child's (PostgreSQL before 17 allows it) */
		/* 17 */ "NOT a.attnotnull AND NOT c.relispartition AND EXISTS (SELECT 1 FROM "
		"pg_inherits i JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = "
		"a.attname AND pa.attnotnull AND NOT pa.attisdropped WHERE i.inhrelid = a.attrelid) "
		"FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON "
		"n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef ad "
		"ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum WHERE c.relkind IN ('r', 'p', 'f', "
		"'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped AND " PGD_USER_NSP
		" ORDER BY c.oid, a.attnum",
		d->ver >= 140000 ? "CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END"
				 : "NULL",
		d->ver >= 150000 ? "CASE WHEN sc.relpersistence <> c.relpersistence THEN "
				   "'ALTER SEQUENCE ' || " QN("sn.nspname", "sc.relname") " || CASE "
				   "sc.relpersistence WHEN 'u' THEN ' SET UNLOGGED;' ELSE ' SET "
				   "LOGGED;' END ELSE '' END"
				 : "''");
	PGresult *cr = pgd_query(d, q.buf);
	rc = cr ? 0 : dbk_errcode();
	if (rc)
		goto out;
	int ri = 0; /* rows of r and cr are both ordered by oid */
	for (int j = 0; j < PQntuples(cr); j++) {
		uint32_t rel = cat_oid(cr, j, 0);
		while (ri < n && cat_oid(r, ri, 1) < rel)
			ri++;
		if (ri >= n || cat_oid(r, ri, 1) != rel || idx[ri] < 0)
			continue;
		struct pgd_obj *o = &d->objs[idx[ri]];
		char kind = o->relkind;
		const char *col = PQgetvalue(cr, j, 1);
		char gen = PQgetvalue(cr, j, 5)[0];
		char ident = PQgetvalue(cr, j, 6)[0];
		int local = cat_bool(cr, j, 4);
		int is_part = cat_bool(r, ri, 24);
		int reordered = cat_bool(r, ri, 29);
		int typed = !PQgetisnull(r, ri, 15);
		int printed = !typed && (local || is_part || reordered);
		ncols[ri]++;
		if (reordered && !local)
			dbk_strbuf_addf(&unlocal[ri], "%s%d", unlocal[ri].len ? ", " : "", ncols[ri]);
		if (kind == 'v' || kind == 'm') {
			/* views: only column defaults (below) */
		} else if (printed) {
			dbk_strbuf_addf(&cols[ri], "%s\n    %s %s", cols[ri].len ? "," : "", col,
					PQgetvalue(cr, j, 2));
			if (kind == 'f' && !PQgetisnull(cr, j, 14))
				dbk_strbuf_addf(&cols[ri], " OPTIONS (%s)", PQgetvalue(cr, j, 14));
			if (!PQgetisnull(cr, j, 7))
				dbk_strbuf_addf(&cols[ri], " COLLATE %s", PQgetvalue(cr, j, 7));
			if (gen == 's' && !PQgetisnull(cr, j, 8))
				dbk_strbuf_addf(&cols[ri], " GENERATED ALWAYS AS (%s) STORED",
						PQgetvalue(cr, j, 8));
			if (ident && !PQgetisnull(cr, j, 9))
				dbk_strbuf_addf(&cols[ri], " GENERATED %s AS IDENTITY (%s)",
						ident == 'a' ? "ALWAYS" : "BY DEFAULT",
						PQgetvalue(cr, j, 9));
			/* ALTER TABLE ... INHERIT of a reordered child wants the
			 * parent's NOT NULL: dropped again below */
			if (cat_bool(cr, j, 3) || cat_bool(cr, j, 17))
				dbk_strbuf_addstr(&cols[ri], " NOT NULL");
		} else if (cat_bool(cr, j, 3)) {
			dbk_strbuf_addf(&post[ri], "ALTER TABLE ONLY %s ALTER COLUMN %s SET NOT NULL;\n",
					o->ident, col);
		}
		/* the child gets the parent's NOT NULL from CREATE TABLE ...
		 * INHERITS (or above), and drops it as the source's did */
		if ((kind == 'r' || kind == 'f') && cat_bool(cr, j, 17))
			dbk_strbuf_addf(&post[ri], "ALTER %s ONLY %s ALTER COLUMN %s DROP NOT NULL;\n",
					kind == 'f' ? "FOREIGN TABLE" : "TABLE", o->ident, col);
		if (kind != 'v' && kind != 'm') {
			cat_column_alters(&post[ri], o->ident, col, cr, j);
		} else if (kind == 'm') {
			/* a matview's columns take statistics targets, storage,
			 * compression and options too, after its CREATE */
			struct dbk_strbuf a = DBK_STRBUF_INIT;
			cat_column_alters(&a, o->ident, col, cr, j);
			if (a.len) {
				struct dbk_strbuf s = DBK_STRBUF_INIT;
				dbk_strbuf_addf(&s, "%s%s", o->sql, a.buf);
				free(o->sql);
				o->sql = dbk_strbuf_detach(&s);
			}
			dbk_strbuf_release(&a);
		}
		/* the columns of a typed table come from its type: an identity
		 * is added to them like a NOT NULL */
		if (ident && !printed && kind != 'v' && kind != 'm' && !PQgetisnull(cr, j, 9))
			dbk_strbuf_addf(&post[ri],
					"ALTER TABLE ONLY %s ALTER COLUMN %s ADD GENERATED %s AS "
					"IDENTITY (%s);\n",
					o->ident, col, ident == 'a' ? "ALWAYS" : "BY DEFAULT",
					PQgetvalue(cr, j, 9));
		if (ident && !PQgetisnull(cr, j, 16))
			dbk_strbuf_addf(&post[ri], "%s\n", PQgetvalue(cr, j, 16));
		if (kind == 'r' && gen == '\0')
			dbk_strbuf_addf(&copy[ri], "%s%s", copy[ri].len ? ", " : "", col);
		if (!PQgetisnull(cr, j, 15)) {
			uint32_t adoid = cat_oid(cr, j, 15);
			if (gen) {
				cat_add_alias(d, PGD_CLASS_PG_ATTRDEF, adoid, (size_t)idx[ri]);
			} else if (kind != 'm') {
				size_t k = pgd_add_obj(d, PGD_CLASS_PG_ATTRDEF, adoid, PGK_DEFAULT,
						       o->nsp, o->name);
				struct dbk_strbuf s = DBK_STRBUF_INIT;
				dbk_strbuf_addf(&s, "ALTER %s %s%s ALTER COLUMN %s SET DEFAULT %s;",
						kind == 'v' ? "VIEW" : kind == 'f' ? "FOREIGN TABLE" : "TABLE",
						kind == 'v' ? "" : "ONLY ", d->objs[idx[ri]].ident, col,
						PQgetvalue(cr, j, 8));
				d->objs[k].sql = dbk_strbuf_detach(&s);
				pgd_add_dep(&d->objs[k], (size_t)idx[ri]);
			}
		}
	}
	PQclear(cr);

	/* CHECK constraints written inside CREATE TABLE */
	dbk_strbuf_reset(&q);
	dbk_strbuf_addstr(
		&q, "SELECT co.conrelid, co.oid, quote_ident(co.conname), pg_get_constraintdef(co.oid), "
		    "co.conislocal, co.convalidated, co.conname, EXISTS (SELECT 1 FROM pg_depend dp "
		    "WHERE dp.classid = 'pg_constraint'::regclass AND dp.objid = co.oid AND "
		    "dp.refclassid = 'pg_proc'::regclass AND dp.refobjid >= 16384) FROM pg_constraint co JOIN pg_class c ON c.oid = "
		    "co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE co.contype = 'c' "
		    "AND c.relkind IN ('r', 'p', 'f') AND " PGD_USER_NSP
		    " ORDER BY co.conrelid, co.conname");
	cr = pgd_query(d, q.buf);
	rc = cr ? 0 : dbk_errcode();
	if (rc)
		goto out;
	ri = 0;
	for (int j = 0; j < PQntuples(cr); j++) {
		uint32_t rel = cat_oid(cr, j, 0);
		while (ri < n && cat_oid(r, ri, 1) < rel)
			ri++;
		if (ri >= n || cat_oid(r, ri, 1) != rel || idx[ri] < 0)
			continue;
		int is_part = cat_bool(r, ri, 24);
		int local = cat_bool(cr, j, 4);
		int valid = cat_bool(cr, j, 5);
		/* A check calling a user's function may need what the function
		 * needs, the table's own row type included (a dependency cycle),
		 * or rows of other tables: it is added after the data, as
		 * pg_dump does for such cycles, NOT VALID and then validated
		 * apart, so that the parallel restore validates it only once
		 * every row is loaded. */
		int calls = cat_bool(cr, j, 7);
		if (!valid || calls) {
			/* NOT VALID: after the data, only where defined (ALTER
			 * TABLE without ONLY gives it to the children) */
			if (!local)
				continue;
			struct pgd_obj *t = &d->objs[idx[ri]];
			size_t k = pgd_add_obj(d, PGD_CLASS_PG_CONSTRAINT, cat_oid(cr, j, 1),
					       PGK_CONSTRAINT, t->nsp, PQgetvalue(cr, j, 2));
			struct dbk_strbuf s = DBK_STRBUF_INIT;
			const char *alter = t->relkind == 'f' ? "FOREIGN TABLE" : "TABLE";
			dbk_strbuf_addf(&s, "ALTER %s %s ADD CONSTRAINT %s %s%s;", alter,
					d->objs[idx[ri]].ident, PQgetvalue(cr, j, 2),
					PQgetvalue(cr, j, 3),
					valid && t->relkind != 'f' ? " NOT VALID" : "");
			if (valid && t->relkind != 'f')
				dbk_strbuf_addf(&s, "\nALTER %s %s VALIDATE CONSTRAINT %s;", alter,
						d->objs[idx[ri]].ident, PQgetvalue(cr, j, 2));
			d->objs[k].sql = dbk_strbuf_detach(&s);
			dbk_strbuf_reset(&s);
			dbk_strbuf_addf(&s, "%s ON %s", PQgetvalue(cr, j, 2),
					d->objs[idx[ri]].ident);
			d->objs[k].objtype = strdup("CONSTRAINT");
			d->objs[k].ident = dbk_strbuf_detach(&s);
			continue;
		}
		int reordered = cat_bool(r, ri, 29);
		if (local || is_part || reordered)
			dbk_strbuf_addf(&cols[ri], "%s\n    CONSTRAINT %s %s", cols[ri].len ? "," : "",
					PQgetvalue(cr, j, 2), PQgetvalue(cr, j, 3));
		if (reordered && !local) {
			if (unlocon[ri].len)
				dbk_strbuf_addstr(&unlocon[ri], ", ");
			pgd_add_literal(&unlocon[ri], PQgetvalue(cr, j, 6));
		}
		size_t k = cat_add_alias(d, PGD_CLASS_PG_CONSTRAINT, cat_oid(cr, j, 1),
					 (size_t)idx[ri]);
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		dbk_strbuf_addf(&s, "%s ON %s", PQgetvalue(cr, j, 2), d->objs[idx[ri]].ident);
		d->objs[k].objtype = strdup("CONSTRAINT");
		d->objs[k].ident = dbk_strbuf_detach(&s);
	}
	PQclear(cr);

	/* An inherited CHECK constraint validated on a child (ALTER TABLE
	 * child VALIDATE CONSTRAINT) while its ancestor's stays NOT VALID: the
	 * ancestor's ADD CONSTRAINT ... NOT VALID above gives it to the child
	 * unvalidated, so the child's is validated after it, in the same
	 * object.  Without ONLY: a child that is valid has valid children
	 * (validating it had to recurse), and with ONLY a parent refuses. */
	dbk_strbuf_reset(&q);
	dbk_strbuf_addstr(
		&q, "WITH RECURSIVE anc AS (SELECT co.oid AS con, co.conrelid AS rel, co.conname, "
		    "i.inhparent AS up, 1 AS depth FROM pg_constraint co JOIN pg_inherits i ON "
		    "i.inhrelid = co.conrelid WHERE co.contype = 'c' AND co.convalidated AND "
		    "co.coninhcount > 0 AND NOT co.conislocal UNION ALL SELECT anc.con, anc.rel, "
		    "anc.conname, i.inhparent, anc.depth + 1 FROM anc JOIN pg_inherits i ON "
		    "i.inhrelid = anc.up) SELECT DISTINCT ON (anc.con) anc.rel, pc.oid, 'ALTER TABLE ' "
		    "|| " QN("n.nspname", "c.relname") " || ' VALIDATE CONSTRAINT ' || "
		    "quote_ident(anc.conname) || ';' FROM anc JOIN pg_constraint pc ON pc.conrelid = "
		    "anc.up AND pc.conname = anc.conname AND pc.contype = 'c' AND pc.conislocal AND NOT "
		    "pc.convalidated JOIN pg_class c ON c.oid = anc.rel JOIN pg_namespace n ON n.oid = "
		    "c.relnamespace ORDER BY anc.con, anc.depth, pc.oid");
	cr = pgd_query(d, q.buf);
	rc = cr ? 0 : dbk_errcode();
	if (rc)
		goto out;
	for (int j = 0; j < PQntuples(cr); j++) {
		long k = pgd_find(d, PGD_CLASS_PG_CONSTRAINT, cat_oid(cr, j, 1));
		if (k < 0 || !d->objs[k].sql || pgd_find(d, PGD_CLASS_PG_CLASS, cat_oid(cr, j, 0)) < 0)
			continue;
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		dbk_strbuf_addf(&s, "%s\n%s", d->objs[k].sql, PQgetvalue(cr, j, 2));
		free(d->objs[k].sql);
		d->objs[k].sql = dbk_strbuf_detach(&s);
	}
	PQclear(cr);

	/* assemble CREATE TABLE */
	for (int i = 0; i < n; i++) {
		if (idx[i] < 0)
			continue;
		struct pgd_obj *o = &d->objs[idx[i]];
		char kind = o->relkind;
		if (kind == 'v' || kind == 'm')
			continue;
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		int is_part = cat_bool(r, i, 24);
		const char *opts = PQgetvalue(r, i, 12);
		dbk_strbuf_addf(&s, "CREATE %s%s %s",
				PQgetvalue(r, i, 11)[0] == 'u' ? "UNLOGGED " : "",
				kind == 'f' ? "FOREIGN TABLE" : "TABLE", o->ident);
		if (!PQgetisnull(r, i, 15)) {
			dbk_strbuf_addf(&s, " OF %s", PQgetvalue(r, i, 15));
			if (cols[i].len)
				dbk_strbuf_addf(&s, " (%s\n)", cols[i].buf);
		} else {
			dbk_strbuf_addf(&s, " (%s\n)", cols[i].buf);
		}
		int reordered = cat_bool(r, i, 29);
		if (!is_part && !reordered && !PQgetisnull(r, i, 16))
			dbk_strbuf_addf(&s, "\nINHERITS (%s)", PQgetvalue(r, i, 16));
		if (!PQgetisnull(r, i, 13))
			dbk_strbuf_addf(&s, "\nPARTITION BY %s", PQgetvalue(r, i, 13));
		if (kind == 'f')
			dbk_strbuf_addf(&s, "\nSERVER %s", PQgetvalue(r, i, 22));
		if (kind == 'f' && !PQgetisnull(r, i, 23))
			dbk_strbuf_addf(&s, "\nOPTIONS (%s)", PQgetvalue(r, i, 23));
		if (!PQgetisnull(r, i, 18) && strcmp(PQgetvalue(r, i, 18), "heap") != 0)
			dbk_strbuf_addf(&s, "\nUSING %s", PQgetvalue(r, i, 18));
		if (*opts)
			dbk_strbuf_addf(&s, "\nWITH (%s)", opts);
		if (!PQgetisnull(r, i, 31))
			dbk_strbuf_addf(&s, "\nTABLESPACE %s", PQgetvalue(r, i, 31));
		dbk_strbuf_addstr(&s, ";\n");
		if (reordered)
			cat_inherit_later(&s, o, &unlocal[i], &unlocon[i], PQgetvalue(r, i, 30));
		dbk_strbuf_add(&s, post[i].buf, post[i].len);
		char rid = PQgetvalue(r, i, 19)[0];
		if ((rid == 'f' || rid == 'n') && kind != 'f')
			dbk_strbuf_addf(&s, "ALTER TABLE ONLY %s REPLICA IDENTITY %s;\n", o->ident,
					rid == 'f' ? "FULL" : "NOTHING");
		o->sql = dbk_strbuf_detach(&s);
		if (kind == 'r') {
			o->has_data = 1;
			o->data_pages = strtoll(PQgetvalue(r, i, 32), NULL, 10);
			o->copy_cols = dbk_strbuf_detach(&copy[i]);
		}
		if (is_part && !PQgetisnull(r, i, 17)) {
			long p = pgd_find(d, PGD_CLASS_PG_CLASS, cat_oid(r, i, 17));
			if (p >= 0) {
				size_t k = pgd_add_obj(d, 0, 0, PGK_ATTACH, d->objs[idx[i]].nsp,
						       d->objs[idx[i]].name);
				struct dbk_strbuf a = DBK_STRBUF_INIT;
				dbk_strbuf_addf(&a, "ALTER TABLE ONLY %s ATTACH PARTITION %s %s;",
						d->objs[p].ident, d->objs[idx[i]].ident,
						PQgetvalue(r, i, 14));
				d->objs[k].sql = dbk_strbuf_detach(&a);
				pgd_add_dep(&d->objs[k], (size_t)p);
				pgd_add_dep(&d->objs[k], (size_t)idx[i]);
			}
		}
		if (cat_bool(r, i, 20) || cat_bool(r, i, 21)) {
			size_t k = pgd_add_obj(d, 0, 0, PGK_TABLE_POST, d->objs[idx[i]].nsp,
					       d->objs[idx[i]].name);
			struct dbk_strbuf a = DBK_STRBUF_INIT;
			if (cat_bool(r, i, 20))
				dbk_strbuf_addf(&a, "ALTER TABLE ONLY %s ENABLE ROW LEVEL SECURITY;\n",
						d->objs[idx[i]].ident);
			if (cat_bool(r, i, 21))
				dbk_strbuf_addf(&a, "ALTER TABLE ONLY %s FORCE ROW LEVEL SECURITY;\n",
						d->objs[idx[i]].ident);
			d->objs[k].sql = dbk_strbuf_detach(&a);
		}
	}

	/* a parent's column defaults wait for its children, which would
	 * otherwise copy them at CREATE TABLE ... INHERITS */
	dbk_strbuf_reset(&q);
	dbk_strbuf_addstr(&q, "SELECT inhparent, inhrelid FROM pg_inherits");
	cr = pgd_query(d, q.buf);
	rc = cr ? 0 : dbk_errcode();
	if (rc)
		goto out;
	for (size_t k = 0; k < d->nobjs; k++) {
		struct pgd_obj *o = &d->objs[k];
		if (o->kind != PGK_DEFAULT || o->ndeps == 0)
			continue;
		uint32_t tab = d->objs[o->deps[0]].objid;
		for (int j = 0; j < PQntuples(cr); j++) {
			if (cat_oid(cr, j, 0) != tab)
				continue;
			long c = pgd_find(d, PGD_CLASS_PG_CLASS, cat_oid(cr, j, 1));
			if (c >= 0)
				pgd_add_dep(o, (size_t)c);
		}
	}
	PQclear(cr);
	rc = 0;
out:
	for (int i = 0; i < n; i++) {
		dbk_strbuf_release(&head[i]);
		dbk_strbuf_release(&cols[i]);
		dbk_strbuf_release(&post[i]);
		dbk_strbuf_release(&copy[i]);
		dbk_strbuf_release(&unlocal[i]);
		dbk_strbuf_release(&unlocon[i]);
	}
	free(head);
	free(cols);
	free(post);
	free(copy);
	free(unlocal);
	free(unlocon);
	free(ncols);
	PQclear(r);
	free(idx);
	dbk_strbuf_release(&q);
	return rc;
}

/* Row types of relations, array types and multiranges: aliases of the
 * object that creates them. */
/* A stored generated column calling a user's function that reads other
 * tables (a SQL-standard body records them; a lookup marked IMMUTABLE)
 * is computed again by COPY from rows those tables may not have yet: its
 * values came back wrong, silently.  Its table's rows are updated once
 * every row is loaded, first thing after the data, before any trigger,
 * rule or policy exists: the columns it reads are set to themselves,
 * which computes it again (SET ... = DEFAULT on it would not). */
static int cat_generated_lookups(struct pgd_dump *d)
{
	PGresult *r = pgd_query(
		d, "WITH RECURSIVE f AS (SELECT ad.adrelid AS rel, ad.oid AS def, dp.refobjid AS fn FROM "
		   "pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = "
		   "ad.adnum AND a.attgenerated = 's' JOIN pg_depend dp ON dp.classid = "
		   "'pg_attrdef'::regclass AND dp.objid = ad.oid AND dp.refclassid = "
		   "'pg_proc'::regclass AND dp.refobjid >= 16384 UNION SELECT f.rel, f.def, "
		   "dp.refobjid FROM f JOIN pg_depend dp ON dp.classid = 'pg_proc'::regclass AND "
		   "dp.objid = f.fn AND dp.refclassid = 'pg_proc'::regclass AND dp.refobjid >= 16384) "
		   "SELECT f.rel, string_agg(DISTINCT quote_ident(ba.attname) || ' = ' || "
		   "quote_ident(ba.attname), ', ') FROM f JOIN pg_depend bd ON bd.classid = "
		   "'pg_attrdef'::regclass AND bd.objid = f.def AND bd.refclassid = 'pg_class'::regclass "
		   "AND bd.refobjid = f.rel AND bd.refobjsubid > 0 JOIN pg_attribute ba ON ba.attrelid = "
		   "f.rel AND ba.attnum = bd.refobjsubid AND ba.attgenerated = '' AND ba.attidentity <> 'a' WHERE EXISTS (SELECT 1 FROM pg_depend dp WHERE "
		   "dp.classid = 'pg_proc'::regclass AND dp.objid = f.fn AND dp.refclassid = "
		   "'pg_class'::regclass AND dp.refobjid <> f.rel) GROUP BY f.rel ORDER BY 1");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long t = pgd_find(d, PGD_CLASS_PG_CLASS, cat_oid(r, i, 0));
		if (t < 0 || !d->objs[t].has_data)
			continue;
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		dbk_strbuf_addf(&s, "UPDATE ONLY %s SET %s;", d->objs[t].ident, PQgetvalue(r, i, 1));
		char *nsp = cat_strdup(d->objs[t].nsp), *name = cat_strdup(d->objs[t].name);
		size_t k = pgd_add_obj(d, 0, 0, PGK_INDEX, nsp, name);
		free(nsp);
		free(name);
		d->objs[k].sql = dbk_strbuf_detach(&s);
	}
	PQclear(r);
	return 0;
}

static int cat_type_aliases(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	/* named (column 4) for their comments: COMMENT ON TYPE of a table's
	 * row type, of an array, of a multirange */
	dbk_strbuf_addstr(&q, "SELECT s.*, (SELECT " QN("tn.nspname", "ty.typname") " FROM pg_type ty "
			      "JOIN pg_namespace tn ON tn.oid = ty.typnamespace WHERE ty.oid = s.a) "
			      "FROM (");
	dbk_strbuf_addstr(&q, "SELECT 'pg_type'::regclass::oid, c.reltype AS a, 'pg_class'::regclass::oid, "
			      "c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
			      "WHERE c.reltype <> 0 AND " PGD_USER_NSP);
	if (d->ver >= 140000)
		dbk_strbuf_addstr(&q, " UNION ALL SELECT 'pg_type'::regclass::oid, rngmultitypid, "
				      "'pg_type'::regclass::oid, rngtypid FROM pg_range WHERE "
				      "rngtypid >= 16384");
	dbk_strbuf_addstr(&q, " UNION ALL SELECT 'pg_type'::regclass::oid, t.oid, "
			      "'pg_type'::regclass::oid, t.typelem FROM pg_type t JOIN pg_namespace "
			      "n ON n.oid = t.typnamespace WHERE t.typelem <> 0 AND t.typcategory = "
			      "'A' AND " PGD_USER_NSP);
	dbk_strbuf_addstr(&q, ") s");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	/* arrays of multiranges and of row types need a second pass */
	for (int pass = 0; pass < 3; pass++) {
		for (int i = 0; i < PQntuples(r); i++) {
			uint32_t cls = cat_oid(r, i, 0), oid = cat_oid(r, i, 1);
			if (pgd_find(d, cls, oid) >= 0)
				continue;
			long t = pgd_find(d, cat_oid(r, i, 2), cat_oid(r, i, 3));
			if (t < 0)
				continue;
			size_t k = cat_add_alias(d, cls, oid, (size_t)t);
			if (!PQgetisnull(r, i, 4)) {
				d->objs[k].objtype = cat_strdup("TYPE");
				d->objs[k].ident = pgd_field(r, i, 4);
			}
		}
	}
	PQclear(r);
	return 0;
}

/* ---- post-data ----------------------------------------------------------- */

static int cat_indexes(struct pgd_dump *d)
{
	long *idx = NULL;
	PGresult *r = cat_load(
		d,
		"SELECT 'pg_class'::regclass::oid, i.indexrelid, n.nspname, ic.relname, 'INDEX', "
		QN("n.nspname", "ic.relname") ", NULL, " TS_SET("ic.reltablespace")
		"pg_get_indexdef(i.indexrelid) || ';'" TS_RESET("ic.reltablespace") " || CASE "
		"WHEN i.indisclustered THEN E'\\nALTER TABLE ' || " QN("n.nspname", "t.relname")
		" || ' CLUSTER ON ' || quote_ident(ic.relname) || ';' ELSE '' END || CASE WHEN "
		"i.indisreplident THEN E'\\nALTER TABLE ONLY ' || " QN("n.nspname", "t.relname")
		" || ' REPLICA IDENTITY USING INDEX ' || quote_ident(ic.relname) || ';' ELSE '' END || "
		IDXSTATS("i.indexrelid", QN("n.nspname", "ic.relname")) ", "
		"NULL, NULL, t.relname AS tabname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN "
		"pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE "
		PGD_USER_NSP " AND (i.indisvalid OR t.relkind = 'p') AND NOT EXISTS (SELECT 1 FROM "
		"pg_constraint co WHERE co.conrelid = i.indrelid AND co.conindid = i.indexrelid AND "
		"co.contype IN ('p', 'u', 'x')) AND " NOT_EXT("pg_class", "i.indrelid"),
		PGK_INDEX, &idx);
	if (!r)
		return dbk_errcode();
	PQclear(r);
	free(idx);
	return 0;
}

/* The internal triggers of keys disabled in the source (ALTER TABLE ...
 * DISABLE TRIGGER ALL, left so after a bulk load: common), which the
 * restore's ADD CONSTRAINT makes enabled under other names.  They are
 * found again by their key, table, function and type, and set as the
 * source's, after their key (a superuser's restore: only a superuser may
 * alter them).  A foreign key whose checks were disabled may hold rows
 * that fail it: it is added NOT VALID, then validated, or, failing that,
 * marked valid as the source's is (superuser), so the rows and the key
 * both come back. */
static int cat_constraint_triggers(struct pgd_dump *d)
{
	PGresult *r = pgd_query(
		d,
		"SELECT tg.tgconstraint, string_agg(format(E'    FOR n IN SELECT t.tgname FROM "
		"pg_catalog.pg_trigger t JOIN pg_catalog.pg_constraint c ON c.oid = t.tgconstraint "
		"JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid WHERE c.conname = %L AND c.conrelid = "
		"%L::pg_catalog.regclass AND t.tgrelid = %L::pg_catalog.regclass AND p.proname = %L "
		"AND t.tgtype = %s LOOP\\n        EXECUTE pg_catalog.format(''ALTER TABLE ONLY %%s %s "
		"TRIGGER %%I'', %L, n);\\n    END LOOP;\\n', co.conname, " QN("cn.nspname", "cr.relname")
		", " QN("tn.nspname", "tr.relname") ", p.proname, tg.tgtype, CASE tg.tgenabled WHEN "
		"'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA' ELSE 'ENABLE ALWAYS' END, "
		QN("tn.nspname", "tr.relname") "), '' ORDER BY tg.oid), "
		/* 2: a foreign key on a table (not partitioned) whose checks or
		 * actions are disabled: its ADD as written, without the ';' */
		"CASE WHEN co.contype = 'f' AND co.convalidated AND cr.relkind <> 'p' "
		"THEN 'ALTER TABLE ONLY ' || "
		QN("cn.nspname", "cr.relname") " || ' ADD CONSTRAINT ' || quote_ident(co.conname) || ' ' "
		"|| pg_get_constraintdef(co.oid) END, "
		/* 4 */ "format('ALTER TABLE ONLY %s VALIDATE CONSTRAINT %I', " QN("cn.nspname", "cr.relname")
		", co.conname), format('UPDATE pg_catalog.pg_constraint SET convalidated = true WHERE "
		"conname = %L AND conrelid = %L::pg_catalog.regclass', co.conname, "
		QN("cn.nspname", "cr.relname") ") FROM pg_trigger tg JOIN pg_constraint co ON co.oid = "
		"tg.tgconstraint JOIN pg_proc p ON p.oid = tg.tgfoid JOIN pg_class cr ON cr.oid = "
		"co.conrelid JOIN pg_namespace cn ON cn.oid = cr.relnamespace JOIN pg_class tr ON "
		"tr.oid = tg.tgrelid JOIN pg_namespace tn ON tn.oid = tr.relnamespace WHERE "
		"tg.tgisinternal AND tg.tgenabled <> 'O' AND co.contype IN ('f', 'p', 'u', 'x') GROUP "
		"BY tg.tgconstraint, co.oid, co.contype, co.convalidated, co.conname, cr.relkind, "
		"cn.nspname, cr.relname ORDER BY 1");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long k = pgd_find(d, PGD_CLASS_PG_CONSTRAINT, cat_oid(r, i, 0));
		for (int hops = 0; k >= 0 && d->objs[k].alias >= 0 && hops < 16; hops++)
			k = d->objs[k].alias;
		if (k < 0 || !d->objs[k].sql)
			continue;
		struct pgd_obj *o = &d->objs[k];
		struct dbk_strbuf s = DBK_STRBUF_INIT, body = DBK_STRBUF_INIT;
		const char *add = PQgetvalue(r, i, 2);
		char *at = NULL;
		if (!PQgetisnull(r, i, 2)) {
			struct dbk_strbuf stmt = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&stmt, "%s;", add);
			at = strstr(o->sql, stmt.buf);
			dbk_strbuf_release(&stmt);
		}
		if (at) {
			/* ADD ... NOT VALID in place of the ADD, then validated */
			size_t len = strlen(add);
			dbk_strbuf_add(&s, o->sql, (size_t)(at - o->sql) + len);
			dbk_strbuf_addstr(&s, " NOT VALID;\n");
			dbk_strbuf_addf(&body,
					"\nBEGIN\n    %s;\nEXCEPTION WHEN foreign_key_violation THEN\n"
					"    IF current_setting('is_superuser') = 'on' THEN\n"
					"        %s;\n    END IF;\nEND\n",
					PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
			dbk_strbuf_addstr(&s, "DO ");
			pgd_add_dollar(&s, body.buf);
			dbk_strbuf_addstr(&s, ";");
			dbk_strbuf_addstr(&s, at + len + 1);
			dbk_strbuf_reset(&body);
		} else {
			dbk_strbuf_addstr(&s, o->sql);
		}
		dbk_strbuf_addf(&body,
				"\nDECLARE\n    n name;\nBEGIN\n"
				"    IF current_setting('is_superuser') <> 'on' THEN\n        RETURN;\n"
				"    END IF;\n%sEND\n",
				PQgetvalue(r, i, 1));
		dbk_strbuf_addstr(&s, "\nDO ");
		pgd_add_dollar(&s, body.buf);
		dbk_strbuf_addstr(&s, ";");
		dbk_strbuf_release(&body);
		free(o->sql);
		o->sql = dbk_strbuf_detach(&s);
	}
	PQclear(r);
	return 0;
}

static int cat_constraints(struct pgd_dump *d)
{
	long *idx = NULL;
	PGresult *r = cat_load(
		d,
		"SELECT 'pg_constraint'::regclass::oid, co.oid, n.nspname, t.relname, 'CONSTRAINT', "
		"quote_ident(co.conname) || ' ON ' || " QN("n.nspname", "t.relname") ", NULL, "
		TS_SET(CON_TS) "'ALTER "
		"TABLE ' || CASE WHEN co.contype = 'f' AND t.relkind = 'p' THEN '' ELSE 'ONLY ' END || "
		QN("n.nspname", "t.relname") " || ' ADD CONSTRAINT ' || quote_ident(co.conname) || ' ' "
		"|| pg_get_constraintdef(co.oid) || ';'" TS_RESET(CON_TS) " || coalesce((SELECT CASE WHEN i.indisclustered "
		"THEN E'\\nALTER TABLE ' || " QN("n.nspname", "t.relname") " || ' CLUSTER ON ' || "
		"quote_ident(ic.relname) || ';' ELSE '' END || CASE WHEN i.indisreplident THEN "
		"E'\\nALTER TABLE ONLY ' || " QN("n.nspname", "t.relname") " || ' REPLICA IDENTITY "
		"USING INDEX ' || quote_ident(ic.relname) || ';' ELSE '' END || "
		IDXSTATS("i.indexrelid", QN("n.nspname", "ic.relname")) " FROM pg_index i JOIN "
		"pg_class ic ON ic.oid = i.indexrelid WHERE co.contype <> 'f' AND i.indexrelid = "
		"co.conindid), ''), NULL, NULL, co.contype, co.conindid, quote_ident(co.conname), t.relname AS tabname, "
		/* 14 */ "(SELECT " QN("xn.nspname", "xc.relname") " FROM pg_class xc JOIN pg_namespace xn ON "
		"xn.oid = xc.relnamespace WHERE xc.oid = co.conindid) "
		"FROM pg_constraint co JOIN pg_class t ON t.oid = co.conrelid JOIN pg_namespace n ON "
		"n.oid = t.relnamespace WHERE co.contype IN ('p', 'u', 'x', 'f') AND NOT (co.contype = "
		"'f' AND co.conparentid <> 0) AND " PGD_USER_NSP " AND " NOT_EXT("pg_class", "t.oid"),
		PGK_CONSTRAINT, &idx);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		if (idx[i] < 0)
			continue;
		struct pgd_obj *o = &d->objs[idx[i]];
		free(o->name);
		o->name = pgd_field(r, i, 12);
		if (PQgetvalue(r, i, 10)[0] == 'f')
			o->kind = PGK_FKEY;
		else if (cat_oid(r, i, 11)) {
			/* its index: named, for a COMMENT ON INDEX after the constraint */
			size_t k = cat_add_alias(d, PGD_CLASS_PG_CLASS, cat_oid(r, i, 11),
						 (size_t)idx[i]);
			if (!PQgetisnull(r, i, 14)) {
				d->objs[k].objtype = strdup("INDEX");
				d->objs[k].ident = pgd_field(r, i, 14);
			}
		}
	}
	PQclear(r);
	free(idx);
	/* foreign keys cloned onto partitions are made by their parent's:
	 * aliases of it, named for their comments.  A clone is named like
	 * its parent, unless the partition had the key before it was
	 * attached (or the name was taken): such a clone is made first, on
	 * its partition, under its own name, and the parent's ADD CONSTRAINT
	 * takes it as its clone, as ATTACH PARTITION did; the deepest first,
	 * so that each level finds its partitions' keys made. */
	r = pgd_query(d, "WITH RECURSIVE up AS (SELECT oid AS clone, conparentid AS p, 1 AS depth "
			 "FROM pg_constraint WHERE contype = 'f' AND conparentid <> 0 UNION ALL SELECT "
			 "up.clone, k.conparentid, up.depth + 1 FROM up JOIN pg_constraint k ON k.oid = "
			 "up.p WHERE k.conparentid <> 0) SELECT up.clone, up.p, quote_ident(k.conname) || "
			 "' ON ' || " QN("kn.nspname", "kc.relname") ", k.conrelid <> kp.conrelid AND "
			 "k.conname <> kp.conname, 'ALTER TABLE ' || CASE WHEN kc.relkind = 'p' THEN '' "
			 "ELSE 'ONLY ' END || " QN("kn.nspname", "kc.relname") " || ' ADD CONSTRAINT ' || "
			 "quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid) || ';', k.conrelid "
			 "FROM up JOIN "
			 "pg_constraint rt ON rt.oid = up.p AND rt.conparentid = 0 JOIN pg_constraint k ON "
			 "k.oid = up.clone JOIN pg_constraint kp ON kp.oid = k.conparentid JOIN pg_class kc "
			 "ON kc.oid = k.conrelid JOIN pg_namespace kn ON kn.oid = kc.relnamespace ORDER BY "
			 "up.p, up.depth, up.clone");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long root = pgd_find(d, PGD_CLASS_PG_CONSTRAINT, cat_oid(r, i, 1));
		/* (a partition left out by the filters takes its key along) */
		if (root < 0 || pgd_find(d, PGD_CLASS_PG_CONSTRAINT, cat_oid(r, i, 0)) >= 0 ||
		    pgd_find(d, PGD_CLASS_PG_CLASS, cat_oid(r, i, 5)) < 0)
			continue;
		size_t k = cat_add_alias(d, PGD_CLASS_PG_CONSTRAINT, cat_oid(r, i, 0), (size_t)root);
		d->objs[k].objtype = cat_strdup("CONSTRAINT");
		d->objs[k].ident = pgd_field(r, i, 2);
		if (cat_bool(r, i, 3) && d->objs[root].sql) {
			struct dbk_strbuf sb = DBK_STRBUF_INIT;
			dbk_strbuf_addf(&sb, "%s\n%s", PQgetvalue(r, i, 4), d->objs[root].sql);
			free(d->objs[root].sql);
			d->objs[root].sql = dbk_strbuf_detach(&sb);
		}
	}
	PQclear(r);
	return cat_constraint_triggers(d);
}

/* Partition indexes (and constraint indexes) attached to their parent. */
static int cat_index_attach(struct pgd_dump *d)
{
	PGresult *r = pgd_query(d, "SELECT i.inhparent, i.inhrelid, " QN("pn.nspname", "pc.relname") ", "
			 QN("cn.nspname", "cc.relname") " FROM pg_inherits i JOIN pg_class cc ON cc.oid "
			 "= i.inhrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace JOIN pg_class "
			 "pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = "
			 "pc.relnamespace WHERE cc.relkind IN ('i', 'I') ORDER BY 3, 4");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long p = pgd_find(d, PGD_CLASS_PG_CLASS, cat_oid(r, i, 0));
		long c = pgd_find(d, PGD_CLASS_PG_CLASS, cat_oid(r, i, 1));
		if (p < 0 || c < 0)
			continue;
		size_t k = pgd_add_obj(d, 0, 0, PGK_INDEX_ATTACH, d->objs[c].nsp, PQgetvalue(r, i, 3));
		struct dbk_strbuf s = DBK_STRBUF_INIT;
		dbk_strbuf_addf(&s, "ALTER INDEX %s ATTACH PARTITION %s;", PQgetvalue(r, i, 2),
				PQgetvalue(r, i, 3));
		d->objs[k].sql = dbk_strbuf_detach(&s);
	}
	PQclear(r);
	return 0;
}

/* The triggers cloned from a partitioned table's onto its partitions
 * (PostgreSQL 13+ records their parent) are made by its CREATE TRIGGER, but
 * each may be enabled or disabled on its own: the ALTERs of those that
 * differ from their parent trigger, after the parent's own and shallow
 * partitions first (ALTER TABLE ... TRIGGER on a partitioned table recurses
 * to its partitions). */
#define TRIGGER_CLONES                                                                             \
	" || coalesce((WITH RECURSIVE cl AS (SELECT k.oid, k.tgrelid, k.tgname, k.tgenabled, "       \
	"tg.tgenabled AS penabled, 1 AS depth FROM pg_trigger k WHERE k.tgparentid = tg.oid UNION " \
	"ALL SELECT k.oid, k.tgrelid, k.tgname, k.tgenabled, cl.tgenabled, cl.depth + 1 FROM "      \
	"pg_trigger k JOIN cl ON k.tgparentid = cl.oid) SELECT string_agg(E'\\nALTER TABLE ' || " \
	QN("kn.nspname", "kc.relname") " || CASE cl.tgenabled WHEN 'D' THEN ' DISABLE' WHEN 'R' "   \
	"THEN ' ENABLE REPLICA' WHEN 'A' THEN ' ENABLE ALWAYS' ELSE ' ENABLE' END || ' TRIGGER ' " \
	"|| quote_ident(cl.tgname) || ';', '' ORDER BY cl.depth, cl.oid) FROM cl JOIN pg_class kc " \
	"ON kc.oid = cl.tgrelid JOIN pg_namespace kn ON kn.oid = kc.relnamespace WHERE "           \
	"cl.tgenabled <> cl.penabled), '')"

static int cat_triggers_rules_policies(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_trigger'::regclass::oid, tg.oid, n.nspname, c.relname || ' ' || "
		"tg.tgname, 'TRIGGER', quote_ident(tg.tgname) || ' ON ' || " QN("n.nspname", "c.relname")
		", NULL, pg_get_triggerdef(tg.oid) || ';' || CASE tg.tgenabled WHEN 'D' THEN "
		"E'\\nALTER TABLE ' || " QN("n.nspname", "c.relname") " || ' DISABLE TRIGGER ' || "
		"quote_ident(tg.tgname) || ';' WHEN 'R' THEN E'\\nALTER TABLE ' || "
		QN("n.nspname", "c.relname") " || ' ENABLE REPLICA TRIGGER ' || quote_ident(tg.tgname) "
		"|| ';' WHEN 'A' THEN E'\\nALTER TABLE ' || " QN("n.nspname", "c.relname") " || ' "
		"ENABLE ALWAYS TRIGGER ' || quote_ident(tg.tgname) || ';' ELSE '' END %s, NULL, NULL, "
		"c.relname AS tabname FROM "
		"pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = "
		"c.relnamespace WHERE NOT tg.tgisinternal AND " PGD_USER_NSP " AND NOT EXISTS (SELECT "
		"1 FROM pg_depend dp WHERE dp.classid = 'pg_trigger'::regclass AND dp.objid = tg.oid "
		"AND dp.refclassid = 'pg_trigger'::regclass AND dp.deptype IN ('P', 'i')) AND "
		NOT_EXT("pg_class", "c.oid"),
		d->ver >= 130000 ? TRIGGER_CLONES : "");
	int rc = cat_simple(d, q.buf, PGK_TRIGGER);
	dbk_strbuf_release(&q);
	/* the cloned triggers, named for their comments, are aliases of the
	 * trigger whose CREATE TRIGGER makes them */
	PGresult *r = rc || d->ver < 130000 ? NULL : pgd_query(
		d,
		"WITH RECURSIVE up AS (SELECT oid AS clone, tgparentid AS p FROM pg_trigger WHERE "
		"tgparentid <> 0 UNION ALL SELECT up.clone, t.tgparentid FROM up JOIN pg_trigger t ON "
		"t.oid = up.p WHERE t.tgparentid <> 0) SELECT up.clone, up.p, quote_ident(k.tgname) || "
		"' ON ' || " QN("kn.nspname", "kc.relname") " FROM up JOIN pg_trigger rt ON rt.oid = "
		"up.p AND rt.tgparentid = 0 JOIN pg_trigger k ON k.oid = up.clone JOIN pg_class kc ON "
		"kc.oid = k.tgrelid JOIN pg_namespace kn ON kn.oid = kc.relnamespace");
	if (rc == 0 && d->ver >= 130000 && !r)
		rc = dbk_errcode();
	for (int i = 0; r && i < PQntuples(r); i++) {
		long root = pgd_find(d, PGD_CLASS_PG_TRIGGER, cat_oid(r, i, 1));
		if (root < 0)
			continue;
		size_t k = cat_add_alias(d, PGD_CLASS_PG_TRIGGER, cat_oid(r, i, 0), (size_t)root);
		d->objs[k].objtype = strdup("TRIGGER");
		d->objs[k].ident = pgd_field(r, i, 2);
	}
	PQclear(r);
	if (rc == 0)
		rc = cat_simple(
			d,
			"SELECT 'pg_rewrite'::regclass::oid, rw.oid, n.nspname, c.relname || ' ' || "
			"rw.rulename, 'RULE', quote_ident(rw.rulename) || ' ON ' || "
			QN("n.nspname", "c.relname") ", NULL, pg_get_ruledef(rw.oid) || CASE "
			"rw.ev_enabled WHEN 'D' THEN E'\\nALTER TABLE ' || " QN("n.nspname", "c.relname")
			" || ' DISABLE RULE ' || quote_ident(rw.rulename) || ';' WHEN 'R' THEN "
			"E'\\nALTER TABLE ' || " QN("n.nspname", "c.relname") " || ' ENABLE REPLICA RULE "
			"' || quote_ident(rw.rulename) || ';' WHEN 'A' THEN E'\\nALTER TABLE ' || "
			QN("n.nspname", "c.relname") " || ' ENABLE ALWAYS RULE ' || "
			"quote_ident(rw.rulename) || ';' ELSE '' END, NULL, NULL, c.relname AS tabname FROM pg_rewrite rw JOIN "
			"pg_class c ON c.oid = rw.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace "
			"WHERE NOT (rw.rulename = '_RETURN' AND c.relkind IN ('v', 'm')) AND "
			PGD_USER_NSP " AND " NOT_EXT("pg_class", "c.oid"),
			PGK_RULE);
	if (rc == 0)
		rc = cat_simple(
			d,
			"SELECT 'pg_policy'::regclass::oid, p.oid, n.nspname, c.relname || ' ' || "
			"p.polname, 'POLICY', quote_ident(p.polname) || ' ON ' || "
			QN("n.nspname", "c.relname") ", NULL, 'CREATE POLICY ' || quote_ident(p.polname) "
			"|| ' ON ' || " QN("n.nspname", "c.relname") " || CASE WHEN p.polpermissive THEN "
			"'' ELSE ' AS RESTRICTIVE' END || ' FOR ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' "
			"WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' "
			"END || ' TO ' || (SELECT string_agg(CASE WHEN ro = 0 THEN 'PUBLIC' ELSE "
			"quote_ident(pg_get_userbyid(ro)) END, ', ') FROM unnest(p.polroles) ro) || "
			"coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '') || "
			"coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '') "
			"|| ';', NULL, NULL, c.relname AS tabname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN "
			"pg_namespace n ON n.oid = c.relnamespace WHERE " PGD_USER_NSP " AND "
			NOT_EXT("pg_class", "c.oid"),
			PGK_POLICY);
	if (rc == 0)
		rc = cat_simple(
			d,
			"SELECT 'pg_statistic_ext'::regclass::oid, s.oid, n.nspname, s.stxname, "
			"'STATISTICS', " QN("n.nspname", "s.stxname") ", " OWNER("s.stxowner") ", "
			"pg_get_statisticsobjdef(s.oid) || ';' || CASE WHEN s.stxstattarget >= 0 THEN "
			"E'\\nALTER STATISTICS ' || " QN("n.nspname", "s.stxname") " || ' SET STATISTICS "
			"' || s.stxstattarget || ';' ELSE '' END, NULL, NULL, (SELECT relname FROM pg_class "
			"WHERE oid = s.stxrelid) AS tabname FROM pg_statistic_ext s JOIN "
			"pg_namespace n ON n.oid = s.stxnamespace WHERE " PGD_USER_NSP " AND "
			NOT_EXT("pg_statistic_ext", "s.oid"),
			PGK_STATISTICS);
	return rc;
}

static int cat_publications(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	int v15 = d->ver >= 150000;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_publication'::regclass::oid, p.oid, '', p.pubname, 'PUBLICATION', "
		"quote_ident(p.pubname), " OWNER("p.pubowner") ", 'CREATE PUBLICATION ' || "
		"quote_ident(p.pubname) || CASE WHEN p.puballtables THEN ' FOR ALL TABLES' ELSE '' END "
		"|| ' WITH (publish = ' || quote_literal(concat_ws(', ', CASE WHEN p.pubinsert THEN "
		"'insert' END, CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN "
		"'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END)) || %s || ');' || "
		"coalesce((SELECT string_agg(E'\\nALTER PUBLICATION ' || quote_ident(p.pubname) || ' "
		"ADD TABLE ONLY ' || " QN("tn.nspname", "tc.relname") " %s || ';', '' ORDER BY "
		"tn.nspname, tc.relname) FROM pg_publication_rel pr JOIN pg_class tc ON tc.oid = "
		"pr.prrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace WHERE pr.prpubid = "
		"p.oid), '') %s, NULL, NULL FROM pg_publication p",
		d->ver >= 130000 ? "', publish_via_partition_root = ' || p.pubviaroot" : "''",
		v15 ? "|| coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY "
		      "a.attnum) FROM pg_attribute a WHERE a.attrelid = pr.prrelid AND a.attnum = "
		      "ANY (pr.prattrs)) || ')', '') || coalesce(' WHERE (' || "
		      "pg_get_expr(pr.prqual, pr.prrelid) || ')', '')"
		    : "",
		v15 ? "|| coalesce((SELECT string_agg(E'\\nALTER PUBLICATION ' || "
		      "quote_ident(p.pubname) || ' ADD TABLES IN SCHEMA ' || "
		      "quote_ident(pn.nspname) || ';', '' ORDER BY pn.nspname) FROM "
		      "pg_publication_namespace pns JOIN pg_namespace pn ON pn.oid = pns.pnnspid "
		      "WHERE pns.pnpubid = p.oid), '')"
		    : "");
	int rc = cat_simple(d, q.buf, PGK_PUBLICATION);
	dbk_strbuf_release(&q);
	return rc;
}

static int cat_event_triggers(struct pgd_dump *d)
{
	return cat_simple(
		d,
		"SELECT 'pg_event_trigger'::regclass::oid, e.oid, '', e.evtname, 'EVENT TRIGGER', "
		"quote_ident(e.evtname), " OWNER("e.evtowner") ", 'CREATE EVENT TRIGGER ' || "
		"quote_ident(e.evtname) || ' ON ' || quote_ident(e.evtevent) || CASE WHEN e.evttags "
		"IS NOT NULL THEN E'\\n    WHEN TAG IN (' || (SELECT string_agg(quote_literal(tg), ', "
		"') FROM unnest(e.evttags) tg) || ')' ELSE '' END || E'\\n    EXECUTE FUNCTION ' || "
		"e.evtfoid::regproc::text || '();' || CASE e.evtenabled WHEN 'D' THEN E'\\nALTER EVENT "
		"TRIGGER ' || quote_ident(e.evtname) || ' DISABLE;' WHEN 'R' THEN E'\\nALTER EVENT "
		"TRIGGER ' || quote_ident(e.evtname) || ' ENABLE REPLICA;' WHEN 'A' THEN E'\\nALTER "
		"EVENT TRIGGER ' || quote_ident(e.evtname) || ' ENABLE ALWAYS;' ELSE '' END, NULL, "
		"NULL FROM pg_event_trigger e WHERE e.oid >= 16384 AND " NOT_EXT("pg_event_trigger",
										  "e.oid"),
		PGK_EVENT_TRIGGER);
}

/* ---- less common kinds ----------------------------------------------------- */

/* Procedural languages not made by an extension, with their handlers. */
static int cat_languages(struct pgd_dump *d)
{
	char *acl = cat_acl("l.lanacl", "l.lanowner", "'l'", INITPRIV("pg_language", "l.oid"));
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_language'::regclass::oid, l.oid, '', l.lanname, 'LANGUAGE', "
		"quote_ident(l.lanname), " OWNER("l.lanowner") ", 'CREATE ' || CASE WHEN "
		"l.lanpltrusted THEN 'TRUSTED ' ELSE '' END || 'PROCEDURAL LANGUAGE ' || "
		"quote_ident(l.lanname) || CASE WHEN l.lanplcallfoid <> 0 THEN ' HANDLER ' || "
		"l.lanplcallfoid::regproc::text || CASE WHEN l.laninline <> 0 THEN ' INLINE ' || "
		"l.laninline::regproc::text ELSE '' END || CASE WHEN l.lanvalidator <> 0 THEN ' "
		"VALIDATOR ' || l.lanvalidator::regproc::text ELSE '' END ELSE '' END || ';', %s, "
		"'LANGUAGE' FROM pg_language l WHERE l.oid >= 16384 AND " NOT_EXT("pg_language", "l.oid"),
		acl);
	int rc = cat_simple(d, q.buf, PGK_LANGUAGE);
	dbk_strbuf_release(&q);
	free(acl);
	return rc;
}

static int cat_access_methods(struct pgd_dump *d)
{
	return cat_simple(
		d,
		"SELECT 'pg_am'::regclass::oid, a.oid, '', a.amname, 'ACCESS METHOD', "
		"quote_ident(a.amname), NULL, 'CREATE ACCESS METHOD ' || quote_ident(a.amname) || ' "
		"TYPE ' || CASE a.amtype WHEN 't' THEN 'TABLE' ELSE 'INDEX' END || ' HANDLER ' || "
		"a.amhandler::regproc::text || ';', NULL, NULL FROM pg_am a WHERE a.oid >= 16384 AND "
		NOT_EXT("pg_am", "a.oid"),
		PGK_ACCESS_METHOD);
}

static int cat_conversions(struct pgd_dump *d)
{
	return cat_simple(
		d,
		"SELECT 'pg_conversion'::regclass::oid, c.oid, n.nspname, c.conname, 'CONVERSION', "
		QN("n.nspname", "c.conname") ", " OWNER("c.conowner") ", 'CREATE ' || CASE WHEN "
		"c.condefault THEN 'DEFAULT ' ELSE '' END || 'CONVERSION ' || "
		QN("n.nspname", "c.conname") " || ' FOR ' || "
		"quote_literal(pg_encoding_to_char(c.conforencoding)) || ' TO ' || "
		"quote_literal(pg_encoding_to_char(c.contoencoding)) || ' FROM ' || "
		"c.conproc::regproc::text || ';', NULL, NULL FROM pg_conversion c JOIN pg_namespace n "
		"ON n.oid = c.connamespace WHERE " PGD_USER_NSP " AND c.oid >= 16384 AND "
		NOT_EXT("pg_conversion", "c.oid"),
		PGK_CONVERSION);
}

static int cat_transforms(struct pgd_dump *d)
{
	return cat_simple(
		d,
		"SELECT 'pg_transform'::regclass::oid, t.oid, '', format_type(t.trftype, NULL) || "
		"' ' || l.lanname, 'TRANSFORM', 'FOR ' || format_type(t.trftype, NULL) || ' LANGUAGE ' "
		"|| quote_ident(l.lanname), NULL, 'CREATE TRANSFORM FOR ' || format_type(t.trftype, "
		"NULL) || ' LANGUAGE ' || quote_ident(l.lanname) || ' (' || concat_ws(', ', CASE WHEN "
		"t.trffromsql <> 0 THEN 'FROM SQL WITH FUNCTION ' || t.trffromsql::regprocedure::text "
		"END, CASE WHEN t.trftosql <> 0 THEN 'TO SQL WITH FUNCTION ' || "
		"t.trftosql::regprocedure::text END) || ');', NULL, NULL FROM pg_transform t JOIN "
		"pg_language l ON l.oid = t.trflang WHERE t.oid >= 16384 AND "
		NOT_EXT("pg_transform", "t.oid"),
		PGK_TRANSFORM);
}

/* OPERATOR n name(left, right) [FOR ORDER BY family] and FUNCTION n
 * (left, right) f(args) items of an operator class or family: the members
 * that depend on `refcat` row `ref` with deptype `dt` ('i': made with a
 * class; 'a': added to a family loosely). */
#define OPC_MEMBERS(famcol, refcat, ref, dt)                                                       \
	"(SELECT string_agg(item, E',\\n    ' ORDER BY k1, k2, k3) FROM (SELECT 0 AS k1, "       \
	"ao.amopstrategy AS k2, ao.oid AS k3, 'OPERATOR ' || ao.amopstrategy || ' ' || "            \
	"quote_ident(opn.nspname) || '.' || op.oprname || '(' || coalesce(format_type("            \
	"NULLIF(ao.amoplefttype, 0), NULL), 'NONE') || ', ' || coalesce(format_type("             \
	"NULLIF(ao.amoprighttype, 0), NULL), 'NONE') || ')' || CASE WHEN ao.amoppurpose = 'o' "    \
	"THEN ' FOR ORDER BY ' || (SELECT " QN("sfn.nspname", "sf.opfname") " FROM pg_opfamily sf " \
	"JOIN pg_namespace sfn ON sfn.oid = sf.opfnamespace WHERE sf.oid = ao.amopsortfamily) "    \
	"ELSE '' END AS item FROM pg_amop ao JOIN pg_operator op ON op.oid = ao.amopopr JOIN "       \
	"pg_namespace opn ON opn.oid = op.oprnamespace WHERE ao.amopfamily = " famcol " AND "       \
	"EXISTS (SELECT 1 FROM pg_depend dd WHERE dd.classid = 'pg_amop'::regclass AND dd.objid " \
	"= ao.oid AND dd.refclassid = '" refcat "'::regclass AND dd.refobjid = " ref " AND "       \
	"dd.deptype = '" dt "') UNION ALL SELECT 1, ap.amprocnum, ap.oid, 'FUNCTION ' || "        \
	"ap.amprocnum || ' (' || format_type(ap.amproclefttype, NULL) || ', ' || "                 \
	"format_type(ap.amprocrighttype, NULL) || ') ' || ap.amproc::regprocedure::text FROM "      \
	"pg_amproc ap WHERE ap.amprocfamily = " famcol " AND EXISTS (SELECT 1 FROM pg_depend dd " \
	"WHERE dd.classid = 'pg_amproc'::regclass AND dd.objid = ap.oid AND dd.refclassid = '"      \
	refcat "'::regclass AND dd.refobjid = " ref " AND dd.deptype = '" dt "')) m)"

static int cat_operator_classes(struct pgd_dump *d)
{
	int rc = cat_simple(
		d,
		"SELECT 'pg_opfamily'::regclass::oid, f.oid, n.nspname, f.opfname, 'OPERATOR "
		"FAMILY', " QN("n.nspname", "f.opfname") " || ' USING ' || quote_ident(am.amname), "
		OWNER("f.opfowner") ", 'CREATE OPERATOR FAMILY ' || " QN("n.nspname", "f.opfname")
		" || ' USING ' || quote_ident(am.amname) || ';' || coalesce(E'\\nALTER OPERATOR "
		"FAMILY ' || " QN("n.nspname", "f.opfname") " || ' USING ' || quote_ident(am.amname) "
		"|| E' ADD\\n    ' || " OPC_MEMBERS("f.oid", "pg_opfamily", "f.oid", "a") " || ';', "
		"''), NULL, NULL FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace "
		"JOIN pg_am am ON am.oid = f.opfmethod WHERE " PGD_USER_NSP " AND f.oid >= 16384 AND "
		NOT_EXT("pg_opfamily", "f.oid"),
		PGK_OPFAMILY);
	if (rc)
		return rc;
	long *idx = NULL;
	PGresult *r = cat_load(
		d,
		"SELECT 'pg_opclass'::regclass::oid, c.oid, n.nspname, c.opcname, 'OPERATOR CLASS', "
		QN("n.nspname", "c.opcname") " || ' USING ' || quote_ident(am.amname), "
		OWNER("c.opcowner") ", 'CREATE OPERATOR CLASS ' || " QN("n.nspname", "c.opcname")
		" || CASE WHEN c.opcdefault THEN ' DEFAULT' ELSE '' END || ' FOR TYPE ' || "
		"format_type(c.opcintype, NULL) || ' USING ' || quote_ident(am.amname) || ' FAMILY ' "
		"|| " QN("fn.nspname", "f.opfname") " || E' AS\\n    ' || concat_ws(E',\\n    ', CASE "
		"WHEN c.opckeytype <> 0 THEN 'STORAGE ' || format_type(c.opckeytype, NULL) END, "
		OPC_MEMBERS("c.opcfamily", "pg_opclass", "c.oid", "i") ") || ';', NULL, NULL, "
		"c.opcfamily FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace JOIN "
		"pg_am am ON am.oid = c.opcmethod JOIN pg_opfamily f ON f.oid = c.opcfamily JOIN "
		"pg_namespace fn ON fn.oid = f.opfnamespace WHERE " PGD_USER_NSP " AND c.oid >= 16384 "
		"AND " NOT_EXT("pg_opclass", "c.oid"),
		PGK_OPCLASS, &idx);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		if (idx[i] < 0)
			continue;
		long f = pgd_find(d, 2753u /* pg_opfamily */, cat_oid(r, i, 10));
		if (f >= 0)
			pgd_add_dep(&d->objs[idx[i]], (size_t)f);
	}
	PQclear(r);
	free(idx);
	/* members: their edges (to operators, functions, types) go to their
	 * class or family */
	r = pgd_query(d, "SELECT dd.classid, dd.objid, dd.refclassid, dd.refobjid FROM pg_depend dd "
			 "WHERE dd.classid IN ('pg_amop'::regclass, 'pg_amproc'::regclass) AND "
			 "dd.refclassid IN ('pg_opclass'::regclass, 'pg_opfamily'::regclass) AND "
			 "dd.deptype IN ('i', 'a') AND dd.objid >= 16384");
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long t = pgd_find(d, cat_oid(r, i, 2), cat_oid(r, i, 3));
		if (t >= 0 && pgd_find(d, cat_oid(r, i, 0), cat_oid(r, i, 1)) < 0)
			cat_add_alias(d, cat_oid(r, i, 0), cat_oid(r, i, 1), (size_t)t);
	}
	PQclear(r);
	return 0;
}

static int cat_ts_parsers_templates(struct pgd_dump *d)
{
	int rc = cat_simple(
		d,
		"SELECT 'pg_ts_parser'::regclass::oid, p.oid, n.nspname, p.prsname, 'TEXT SEARCH "
		"PARSER', " QN("n.nspname", "p.prsname") ", NULL, 'CREATE TEXT SEARCH PARSER ' || "
		QN("n.nspname", "p.prsname") " || E' (\\n    START = ' || p.prsstart::regproc::text || "
		"E',\\n    GETTOKEN = ' || p.prstoken::regproc::text || E',\\n    END = ' || "
		"p.prsend::regproc::text || CASE WHEN p.prsheadline <> 0 THEN E',\\n    HEADLINE = ' "
		"|| p.prsheadline::regproc::text ELSE '' END || E',\\n    LEXTYPES = ' || "
		"p.prslextype::regproc::text || E'\\n);', NULL, NULL FROM pg_ts_parser p JOIN "
		"pg_namespace n ON n.oid = p.prsnamespace WHERE " PGD_USER_NSP " AND p.oid >= 16384 "
		"AND " NOT_EXT("pg_ts_parser", "p.oid"),
		PGK_TSPARSER);
	if (rc == 0)
		rc = cat_simple(
			d,
			"SELECT 'pg_ts_template'::regclass::oid, t.oid, n.nspname, t.tmplname, 'TEXT "
			"SEARCH TEMPLATE', " QN("n.nspname", "t.tmplname") ", NULL, 'CREATE TEXT SEARCH "
			"TEMPLATE ' || " QN("n.nspname", "t.tmplname") " || ' (' || CASE WHEN "
			"t.tmplinit <> 0 THEN 'INIT = ' || t.tmplinit::regproc::text || ', ' ELSE '' END "
			"|| 'LEXIZE = ' || t.tmpllexize::regproc::text || ');', NULL, NULL FROM "
			"pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace WHERE "
			PGD_USER_NSP " AND t.oid >= 16384 AND " NOT_EXT("pg_ts_template", "t.oid"),
			PGK_TSTEMPLATE);
	return rc;
}

/* Subscriptions as pg_dump writes them: created without connecting (so
 * disabled, no slot created, no tables synchronized), keeping the slot
 * name; ALTER SUBSCRIPTION ... ENABLE is left to the user, who must first
 * check that the publisher is the right one.  Only superusers can read a
 * subscription's connection string: for others the dump refuses them
 * (pg_dump leaves them out with a warning). */
static int cat_subscriptions(struct pgd_dump *d)
{
	PGresult *su = pgd_query(d, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
	if (!su)
		return dbk_errcode();
	int super = PQntuples(su) == 1 && cat_bool(su, 0, 0);
	PQclear(su);
	if (!super) {
		/* their connection strings are hidden from us: refused, so
		 * that they are not lost silently (names are readable) */
		PGresult *r = pgd_query(d, "SELECT 'subscription ' || quote_ident(subname) || ' (only "
					   "a superuser can read it)' FROM pg_subscription WHERE "
					   "subdbid = (SELECT oid FROM pg_database WHERE datname = "
					   "current_database()) ORDER BY 1");
		if (!r)
			return dbk_errcode();
		for (int i = 0; i < PQntuples(r); i++)
			if (pgd_schema_wanted(d, ""))
				dbk_strlist_add(&d->refused, PQgetvalue(r, i, 0));
		PQclear(r);
		return 0;
	}
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
		&q,
		"SELECT 'pg_subscription'::regclass::oid, s.oid, '', s.subname, 'SUBSCRIPTION', "
		"quote_ident(s.subname), " OWNER("s.subowner") ", 'CREATE SUBSCRIPTION ' || "
		"quote_ident(s.subname) || ' CONNECTION ' || quote_literal(s.subconninfo) || ' "
		"PUBLICATION ' || (SELECT string_agg(quote_ident(p), ', ') FROM unnest(s.subpublications) "
		"p) || ' WITH (connect = false, slot_name = ' || coalesce(quote_literal(s.subslotname), "
		"'NONE') || CASE WHEN s.subbinary THEN ', binary = true' ELSE '' END || CASE WHEN "
		"s.substream::text IN ('t', 'true') THEN ', streaming = on' WHEN s.substream::text = 'p' "
		"THEN ', streaming = parallel' ELSE '' END || %s || CASE WHEN s.subsynccommit <> 'off' "
		"THEN ', synchronous_commit = ' || quote_literal(s.subsynccommit) ELSE '' END || %s || "
		"');', NULL, NULL FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database "
		"WHERE datname = current_database())",
		d->ver >= 150000 ? "CASE WHEN s.subtwophasestate <> 'd' THEN ', two_phase = on' ELSE "
				   "'' END || CASE WHEN s.subdisableonerr THEN ', disable_on_error = "
				   "true' ELSE '' END"
		: d->ver >= 140000 ? "''"
				   : "''",
		d->ver >= 160000 ? "CASE WHEN NOT s.subpasswordrequired THEN ', password_required = "
				   "false' ELSE '' END || CASE WHEN s.subrunasowner THEN ', "
				   "run_as_owner = true' ELSE '' END || CASE WHEN s.suborigin <> 'any' "
				   "THEN ', origin = ' || quote_literal(s.suborigin) ELSE '' END"
				 : "''");
	int rc = cat_simple(d, q.buf, PGK_SUBSCRIPTION);
	dbk_strbuf_release(&q);
	return rc;
}

/* Everything the dumper does not write: the dump fails naming them.
 * Security labels need the label provider's module loaded in the server
 * (SECURITY LABEL fails without one), which a restore cannot promise;
 * the database's own label (a shared catalog's) counts too. */
static int cat_refused(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addstr(
		&q,
		"SELECT '', 'security label on ' || pg_describe_object(s.classoid, "
		"s.objoid, s.objsubid) FROM pg_seclabel s UNION ALL SELECT '', 'security label "
		"on ' || pg_describe_object(s.classoid, s.objoid, 0) FROM pg_shseclabel s WHERE "
		"s.classoid = 'pg_database'::regclass AND s.objoid = (SELECT oid FROM pg_database "
		"WHERE datname = current_database())"
		" ORDER BY 2");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++)
		if (pgd_schema_wanted(d, PQgetvalue(r, i, 0)) || !*PQgetvalue(r, i, 0))
			dbk_strlist_add(&d->refused, PQgetvalue(r, i, 1));
	PQclear(r);
	return 0;
}

int pgd_read_catalog(struct pgd_dump *d)
{
	int rc = cat_schemas(d);
	if (rc == 0)
		rc = cat_extensions(d);
	if (rc == 0)
		rc = cat_languages(d);
	if (rc == 0)
		rc = cat_collations(d);
	if (rc == 0)
		rc = cat_types(d);
	if (rc == 0)
		rc = cat_domain_checks(d);
	if (rc == 0)
		rc = cat_functions(d);
	if (rc == 0)
		rc = cat_aggregates(d);
	if (rc == 0)
		rc = cat_operators(d);
	if (rc == 0)
		rc = cat_casts(d);
	if (rc == 0)
		rc = cat_access_methods(d);
	if (rc == 0)
		rc = cat_conversions(d);
	if (rc == 0)
		rc = cat_transforms(d);
	if (rc == 0)
		rc = cat_operator_classes(d);
	if (rc == 0)
		rc = cat_ts_parsers_templates(d);
	if (rc == 0)
		rc = cat_text_search(d);
	if (rc == 0)
		rc = cat_foreign(d);
	if (rc == 0)
		rc = cat_sequences(d);
	if (rc == 0)
		rc = cat_relations(d);
	if (rc == 0)
		cat_link_sequences(d);
	if (rc == 0)
		rc = cat_generated_lookups(d);
	if (rc == 0)
		rc = cat_type_aliases(d);
	if (rc == 0)
		rc = cat_constraints(d);
	if (rc == 0)
		rc = cat_indexes(d);
	if (rc == 0)
		rc = cat_index_attach(d);
	if (rc == 0)
		rc = cat_triggers_rules_policies(d);
	if (rc == 0)
		rc = cat_publications(d);
	if (rc == 0)
		rc = cat_event_triggers(d);
	if (rc == 0)
		rc = cat_subscriptions(d);
	if (rc == 0)
		rc = cat_extension_dropped(d);
	if (rc == 0)
		rc = cat_extension_added(d);
	if (rc == 0)
		rc = cat_extension_members(d);
	if (rc == 0)
		rc = cat_changed_acls(d, 1);
	if (rc == 0)
		rc = cat_extension_comments(d);
	if (rc == 0)
		rc = cat_changed_acls(d, 0);
	if (rc == 0)
		rc = cat_ext_paths(d);
	if (rc == 0)
		rc = cat_refused(d);
	return rc;
}
/* clang-format on */
