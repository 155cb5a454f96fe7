/*
 * pg_dump_acl.c - roles, comments, privileges and database-level properties.
 *
 * Privileges are written as the difference between an object's ACL and the
 * ACL it has right after CREATE (acldefault for its owner, or the initial
 * privileges of pg_init_privs for objects initdb made, like the public
 * schema).  The server computes the difference (pgd_acl_sql) as lines
 *
 *   R<TAB>privilege, ...<TAB>grantee      REVOKE
 *   G<TAB>privilege, ...<TAB>grantee      GRANT
 *   O<TAB>privilege, ...<TAB>grantee      GRANT ... WITH GRANT OPTION
 *
 * grantee being a quoted role or PUBLIC, followed by \001 and the quoted
 * grantor when that is not the owner; revokes first, grants in the order
 * of the ACL so the restored array reads the same.  A superuser's grant is
 * recorded as the owner's; a grant made by a role holding the grant option
 * is recorded as that role's, and is written as pg_dump does: the grantor
 * becomes the session user for that GRANT (SET SESSION AUTHORIZATION, a
 * superuser's right; GRANTED BY another role exists only from PostgreSQL
 * 16).  It goes in a DO block, which a --no-privileges restore skips as a
 * whole, and which grants as the restoring user when that is no superuser.
 *
 * Database-level properties go into DO blocks over current_database(),
 * since the restore may load into a database of another name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dbkeep/error.h"
#include "pg_dump_internal.h"

void pgd_acl_sql(struct dbk_strbuf *sb, const char *acl, const char *owner, const char *kind,
		 const char *init)
{
	const char *grantee = "CASE WHEN %s.grantee = 0 THEN 'PUBLIC' ELSE "
			      "quote_ident(pg_get_userbyid(%s.grantee)) END";
	/* The expressions given (the initial-privileges one is a subquery of
	 * several levels) are evaluated once per object, in a subquery behind
	 * OFFSET 0 that the planner may not pull up: written inline at each
	 * use below, the server planned them a dozen times per query, most of
	 * a small database's dump time.  x.base is the ACL the object has
	 * right after CREATE, x.cur the one it has now. */
	dbk_strbuf_addf(sb, "(SELECT CASE WHEN x.acl IS NULL AND x.init IS NULL THEN NULL ELSE "
			    "coalesce((SELECT string_agg(l, E'\\n' ORDER BY k, o) FROM (SELECT ");
	/* The grants below are appended to the array the new object has, so
	 * the restored one reads the same only when the items of the source
	 * that belong to the new object's grantees (and grantors) come first,
	 * in the new object's order.  Otherwise (an owner's item revoked and
	 * granted again, a default privilege that took the owner's away) every
	 * item of the new object is revoked and every item of the source
	 * granted in order; the privileges are the same either way. */
	dbk_strbuf_addstr(
	    sb,
	    "(SELECT coalesce(bool_and(ox.pos = ox.rn AND ox.rn = ox.brn), true) FROM (SELECT "
	    "oc.pos, row_number() OVER (ORDER BY oc.pos) AS rn, row_number() OVER (ORDER BY "
	    "ob.pos) AS brn FROM unnest(x.cur) WITH ORDINALITY oc(item, pos) JOIN unnest(x.base) "
	    "WITH ORDINALITY ob(item, pos) ON (SELECT (oe.grantor, oe.grantee) FROM "
	    "aclexplode(ARRAY[oc.item]) oe LIMIT 1) = (SELECT (oe.grantor, oe.grantee) FROM "
	    "aclexplode(ARRAY[ob.item]) oe LIMIT 1)) ox) AS io) oio, LATERAL (");
	/* revokes: what the new object has and the source does not (all of
	 * it when out of order) */
	dbk_strbuf_addstr(
	    sb, "SELECT 0 AS k, 0::bigint AS o, 'R' || E'\\t' || "
		"string_agg(b.privilege_type, ', ' ORDER BY b.privilege_type) || E'\\t' || ");
	dbk_strbuf_addf(sb, grantee, "b", "b");
	dbk_strbuf_addstr(sb, " AS l FROM aclexplode(x.base) b WHERE NOT (oio.io AND EXISTS "
			      "(SELECT 1 FROM aclexplode(x.cur) a WHERE a.grantee = b.grantee AND "
			      "a.privilege_type = b.privilege_type AND a.is_grantable = "
			      "b.is_grantable AND a.grantor = b.grantor)) GROUP BY b.grantee");
	/* grants, in ACL order (all of them when out of order) */
	dbk_strbuf_addstr(sb, " UNION ALL SELECT 1, min(a.o), CASE WHEN a.is_grantable THEN 'O' "
			      "ELSE 'G' END || E'\\t' || string_agg(a.privilege_type, ', ' ORDER "
			      "BY a.o) || E'\\t' || ");
	dbk_strbuf_addf(sb, grantee, "a", "a");
	dbk_strbuf_addstr(
	    sb, " || CASE WHEN a.grantor <> x.own THEN chr(1) || "
		"quote_ident(pg_get_userbyid(a.grantor)) ELSE '' END FROM aclexplode(x.cur) "
		"WITH ORDINALITY a(grantor, grantee, privilege_type, is_grantable, o) WHERE "
		"NOT (oio.io AND EXISTS (SELECT 1 FROM aclexplode(x.base) b WHERE a.grantee = "
		"b.grantee AND a.privilege_type = b.privilege_type AND a.is_grantable = "
		"b.is_grantable AND a.grantor = b.grantor)) GROUP BY a.grantee, a.is_grantable, "
		"a.grantor) s), ");
	/* An ACL that equals the default but is not NULL (left so by ALTER ...
	 * OWNER, or by a grant revoked again) is kept non-NULL by granting the
	 * owner what it has: a no-op that makes the restored ACL read the same. */
	dbk_strbuf_addstr(sb,
			  "CASE WHEN x.init IS NULL THEN (SELECT 'G' || E'\\t' || "
			  "string_agg(a.privilege_type, ', ' ORDER BY a.o) || E'\\t' || "
			  "quote_ident(pg_get_userbyid(x.own)) FROM aclexplode(x.acl) WITH "
			  "ORDINALITY a(grantor, grantee, privilege_type, is_grantable, o) WHERE "
			  "a.grantee = x.own AND NOT a.is_grantable) END) END");
	dbk_strbuf_addf(sb,
			" FROM (SELECT y.*, coalesce(y.acl, y.base) AS cur FROM (SELECT z.*, "
			"coalesce(z.init, acldefault(%s, z.own)) AS base FROM (SELECT "
			"(%s)::aclitem[] AS acl, (%s)::aclitem[] AS init, (%s)::oid AS own "
			"OFFSET 0) z) y) x)",
			kind, acl, init ? init : "NULL", owner);
}

/* Writes the privilege lines as statements.  `on` is what follows ON in
 * GRANT ("TABLE public.t"), or, for default privileges, a prefix
 * "ALTER DEFAULT PRIVILEGES FOR ROLE r|TABLES" split at '|'.  cols, when
 * set, is a quoted column the privileges apply to. */
void pgd_acl_statements(struct dbk_strbuf *sb, const char *lines, const char *on, const char *cols)
{
	const char *prefix = "";
	size_t plen = 0;
	const char *bar = strchr(on, '|');
	if (bar) {
		prefix = on;
		plen = (size_t)(bar - on) + 1;
		on = bar + 1;
	}
	const char *p = lines;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *t1 = memchr(p, '\t', len);
		const char *t2 = t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - p)) : NULL;
		if (t1 && t2) {
			char op = p[0];
			struct dbk_strbuf privs = DBK_STRBUF_INIT;
			if (cols) {
				/* "SELECT, UPDATE" -> "SELECT (c), UPDATE (c)" */
				const char *s = t1 + 1;
				while (s < t2) {
					const char *c = memchr(s, ',', (size_t)(t2 - s));
					const char *e = c ? c : t2;
					dbk_strbuf_addf(&privs, "%s%.*s (%s)",
							privs.len ? ", " : "", (int)(e - s), s,
							cols);
					s = c ? c + 2 : t2;
				}
			} else {
				dbk_strbuf_add(&privs, t1 + 1, (size_t)(t2 - t1 - 1));
			}
			const char *who = t2 + 1;
			size_t wlen = len - (size_t)(t2 + 1 - p);
			const char *grantor = memchr(who, '\001', wlen);
			size_t glen = 0;
			if (grantor) {
				glen = wlen - (size_t)(grantor + 1 - who);
				wlen = (size_t)(grantor - who);
				grantor++;
			}
			struct dbk_strbuf stmt = DBK_STRBUF_INIT;
			dbk_strbuf_add(&stmt, prefix, plen ? plen - 1 : 0);
			if (plen)
				dbk_strbuf_addch(&stmt, ' ');
			if (op == 'R')
				dbk_strbuf_addf(&stmt, "REVOKE %s ON %s FROM %.*s;", privs.buf, on,
						(int)wlen, who);
			else
				dbk_strbuf_addf(&stmt, "GRANT %s ON %s TO %.*s%s;", privs.buf, on,
						(int)wlen, who,
						op == 'O' ? " WITH GRANT OPTION" : "");
			if (grantor) {
				struct dbk_strbuf body = DBK_STRBUF_INIT;
				dbk_strbuf_addf(
				    &body,
				    "\nBEGIN\n    IF (SELECT rolsuper FROM "
				    "pg_catalog.pg_roles WHERE rolname = session_user) "
				    "THEN\n        SET SESSION AUTHORIZATION %.*s;\n    END "
				    "IF;\n    %s\n    RESET SESSION AUTHORIZATION;\nEND\n",
				    (int)glen, grantor, stmt.buf);
				pgd_add_do(sb, "privileges", body.buf);
				dbk_strbuf_addstr(sb, ";\n");
				dbk_strbuf_release(&body);
			} else {
				dbk_strbuf_addf(sb, "%s\n", stmt.buf);
			}
			dbk_strbuf_release(&stmt);
			dbk_strbuf_release(&privs);
		}
		p = eol ? eol + 1 : NULL;
	}
}

int pgd_read_comments(struct pgd_dump *d)
{
	PGresult *r = pgd_query(
	    d, "SELECT ds.classoid, ds.objoid, ds.objsubid, ds.description, "
	       "quote_ident(a.attname) FROM pg_description ds LEFT JOIN pg_attribute a ON "
	       "ds.classoid = 'pg_class'::regclass AND a.attrelid = ds.objoid AND a.attnum = "
	       "ds.objsubid WHERE (ds.objoid >= 16384 OR ds.classoid = "
	       "'pg_namespace'::regclass) AND ds.classoid <> 'pg_largeobject'::regclass ORDER BY "
	       "1, 2, 3");
	if (!r)
		return dbk_errcode();
	int public_seen = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		long k = pgd_find(d, (uint32_t)strtoul(PQgetvalue(r, i, 0), NULL, 10),
				  (uint32_t)strtoul(PQgetvalue(r, i, 1), NULL, 10));
		if (k < 0)
			continue;
		struct pgd_obj *o = &d->objs[k];
		struct pgd_obj *w = o;
		if (o->alias >= 0)
			w = &d->objs[o->alias];
		int sub = atoi(PQgetvalue(r, i, 2));
		if (!w->sql && w->kind != PGK_SCHEMA)
			continue;
		if (sub > 0 && PQgetisnull(r, i, 4))
			continue;
		/* the relation of a composite type is an alias of the type */
		const char *ident = o->ident ? o->ident : w->ident;
		if ((sub == 0 && !o->objtype) || !ident ||
		    (sub > 0 && o->kind == PGK_ALIAS && w->kind == PGK_EXTENSION))
			continue;
		if (o->kind == PGK_SCHEMA && !o->sql)
			public_seen = 1;
		if (sub > 0)
			dbk_strbuf_addf(&w->extra, "COMMENT ON COLUMN %s.%s IS ", ident,
					PQgetvalue(r, i, 4));
		else
			dbk_strbuf_addf(&w->extra, "COMMENT ON %s %s IS ", o->objtype, o->ident);
		pgd_add_literal(&w->extra, PQgetvalue(r, i, 3));
		dbk_strbuf_addstr(&w->extra, ";\n");
	}
	PQclear(r);
	/* the public schema's comment removed by the user */
	for (size_t i = 0; !public_seen && i < d->nobjs; i++) {
		struct pgd_obj *o = &d->objs[i];
		if (o->kind == PGK_SCHEMA && !o->sql && o->alias < 0 && o->ident)
			dbk_strbuf_addf(&o->extra, "COMMENT ON SCHEMA %s IS NULL;\n", o->ident);
	}
	return 0;
}

int pgd_write_roles(struct pgd_dump *d)
{
	if (d->opts && d->opts->no_owner && d->opts->no_privileges)
		return 0;
	PGresult *r = pgd_query(
	    d,
	    "WITH o(r) AS (SELECT nspowner FROM pg_namespace UNION SELECT relowner FROM pg_class "
	    "UNION SELECT proowner FROM pg_proc UNION SELECT typowner FROM pg_type UNION SELECT "
	    "collowner FROM pg_collation UNION SELECT oprowner FROM pg_operator UNION SELECT "
	    "stxowner FROM pg_statistic_ext UNION SELECT cfgowner FROM pg_ts_config UNION SELECT "
	    "dictowner FROM pg_ts_dict UNION SELECT fdwowner FROM pg_foreign_data_wrapper UNION "
	    "SELECT srvowner FROM pg_foreign_server UNION SELECT umuser FROM pg_user_mappings UNION "
	    "SELECT pubowner FROM pg_publication UNION SELECT evtowner FROM pg_event_trigger UNION "
	    "SELECT lanowner FROM pg_language UNION SELECT opcowner FROM pg_opclass UNION SELECT "
	    "opfowner FROM pg_opfamily UNION SELECT conowner FROM pg_conversion UNION SELECT "
	    "subowner FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE "
	    "datname = current_database()) UNION "
	    "SELECT lomowner FROM pg_largeobject_metadata UNION SELECT defaclrole FROM "
	    "pg_default_acl UNION SELECT unnest(polroles) FROM pg_policy UNION SELECT datdba FROM "
	    "pg_database WHERE datname = current_database() UNION SELECT setrole FROM "
	    "pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = "
	    "current_database()) UNION SELECT (aclexplode(relacl)).grantee FROM pg_class UNION "
	    "SELECT (aclexplode(attacl)).grantee FROM pg_attribute WHERE attacl IS NOT NULL UNION "
	    "SELECT (aclexplode(proacl)).grantee FROM pg_proc UNION SELECT "
	    "(aclexplode(nspacl)).grantee FROM pg_namespace UNION SELECT "
	    "(aclexplode(typacl)).grantee FROM pg_type UNION SELECT (aclexplode(fdwacl)).grantee "
	    "FROM pg_foreign_data_wrapper UNION SELECT (aclexplode(srvacl)).grantee FROM "
	    "pg_foreign_server UNION SELECT (aclexplode(lomacl)).grantee FROM "
	    "pg_largeobject_metadata UNION SELECT (aclexplode(defaclacl)).grantee FROM "
	    "pg_default_acl UNION SELECT (aclexplode(lanacl)).grantee FROM pg_language UNION "
	    "SELECT (aclexplode(datacl)).grantee FROM pg_database WHERE "
	    "datname = current_database()) SELECT ro.rolname FROM pg_roles ro JOIN o ON o.r = "
	    "ro.oid WHERE ro.rolname !~ '^pg_' ORDER BY 1");
	if (!r)
		return dbk_errcode();
	struct dbk_strbuf body = DBK_STRBUF_INIT;
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	int rc = 0;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		const char *role = PQgetvalue(r, i, 0);
		dbk_strbuf_reset(&body);
		dbk_strbuf_reset(&sb);
		dbk_strbuf_addstr(&body,
				  "\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles "
				  "WHERE rolname = ");
		pgd_add_literal(&body, role);
		dbk_strbuf_addstr(&body, ") THEN\n        CREATE ROLE ");
		pgd_add_ident(&body, role);
		dbk_strbuf_addstr(&body,
				  " NOLOGIN;\n        RAISE WARNING 'dbkeep: created missing "
				  "role % (NOLOGIN, no password)', ");
		pgd_add_literal(&body, role);
		dbk_strbuf_addstr(&body, ";\n    END IF;\nEND\n");
		pgd_add_do(&sb, "roles", body.buf);
		dbk_strbuf_addstr(&sb, ";\n");
		rc = pgd_write(d, sb.buf);
	}
	if (rc == 0 && PQntuples(r))
		rc = pgd_write(d, "\n");
	PQclear(r);
	dbk_strbuf_release(&body);
	dbk_strbuf_release(&sb);
	return rc;
}

static int acl_columns(struct pgd_dump *d, struct dbk_strbuf *sb)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	/* The columns of pg_catalog's tables and views too (GRANT SELECT
	 * (rolname) ON pg_authid): against the privileges initdb gave them. */
	dbk_strbuf_addstr(&q, "SELECT pa.attrelid, quote_ident(pa.attname), ");
	pgd_acl_sql(&q, "pa.attacl", "c.relowner", "'c'",
		    "(SELECT ip.initprivs FROM pg_init_privs ip WHERE n.nspname = 'pg_catalog' "
		    "AND ip.classoid = 'pg_class'::regclass AND ip.objoid = pa.attrelid AND "
		    "ip.objsubid = pa.attnum)");
	dbk_strbuf_addstr(&q,
			  ", quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
			  "n.nspname = 'pg_catalog' FROM pg_attribute pa JOIN pg_class c ON c.oid "
			  "= pa.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
			  "pa.attacl IS NOT NULL AND pa.attnum > 0 AND NOT pa.attisdropped AND "
			  "(" PGD_USER_NSP " OR n.nspname = 'pg_catalog') ORDER BY pa.attrelid, "
			  "pa.attnum");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	for (int i = 0; i < PQntuples(r); i++) {
		long k = pgd_find(d, PGD_CLASS_PG_CLASS,
				  (uint32_t)strtoul(PQgetvalue(r, i, 0), NULL, 10));
		int sys = PQgetvalue(r, i, 4)[0] == 't';
		if (PQgetisnull(r, i, 2))
			continue;
		if (sys ? !pgd_schema_wanted(d, "pg_catalog") : (k < 0 || !d->objs[k].sql))
			continue;
		struct dbk_strbuf on = DBK_STRBUF_INIT;
		dbk_strbuf_addf(&on, "TABLE %s", sys ? PQgetvalue(r, i, 3) : d->objs[k].ident);
		pgd_acl_statements(sb, PQgetvalue(r, i, 2), on.buf, PQgetvalue(r, i, 1));
		dbk_strbuf_release(&on);
	}
	PQclear(r);
	return 0;
}

int pgd_write_acls(struct pgd_dump *d)
{
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	struct dbk_strbuf on = DBK_STRBUF_INIT;
	for (size_t j = 0; j < d->norder + d->nobjs; j++) {
		/* pre-data objects in their order, then the others */
		size_t i;
		if (j < d->norder)
			i = d->order[j];
		else if (d->objs[j - d->norder].section == PGD_POST ||
			 d->objs[j - d->norder].alias >= 0)
			i = j - d->norder;
		else
			continue;
		const struct pgd_obj *o = &d->objs[i];
		if (!o->acl || !o->granttype || !o->ident)
			continue;
		if (!o->sql && !(o->alias >= 0 && d->objs[o->alias].sql) && o->kind != PGK_SCHEMA &&
		    !o->acl_only)
			continue;
		dbk_strbuf_reset(&on);
		dbk_strbuf_addf(&on, "%s %s", o->granttype,
				o->grantident ? o->grantident : o->ident);
		pgd_acl_statements(&sb, o->acl, on.buf, NULL);
	}
	int rc = acl_columns(d, &sb);
	if (rc == 0 && sb.len) {
		dbk_strbuf_addch(&sb, '\n');
		rc = pgd_write(d, sb.buf);
	}
	dbk_strbuf_release(&sb);
	dbk_strbuf_release(&on);
	return rc;
}

int pgd_write_default_acls(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addstr(&q,
			  "SELECT quote_ident(pg_get_userbyid(da.defaclrole)), n.nspname, "
			  "quote_ident(n.nspname), CASE da.defaclobjtype WHEN 'r' THEN 'TABLES' "
			  "WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN "
			  "'TYPES' WHEN 'n' THEN 'SCHEMAS' END, ");
	pgd_acl_sql(&q, "da.defaclacl", "da.defaclrole",
		    "CASE da.defaclobjtype WHEN 'S' THEN 's' ELSE da.defaclobjtype END::\"char\"",
		    "CASE WHEN da.defaclnamespace <> 0 THEN acldefault('c', da.defaclrole) END");
	dbk_strbuf_addstr(&q, " FROM pg_default_acl da LEFT JOIN pg_namespace n ON n.oid = "
			      "da.defaclnamespace ORDER BY 1, 2 NULLS FIRST, 4");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	struct dbk_strbuf sb = DBK_STRBUF_INIT;
	struct dbk_strbuf on = DBK_STRBUF_INIT;
	for (int i = 0; i < PQntuples(r); i++) {
		if (PQgetisnull(r, i, 4))
			continue;
		if (!PQgetisnull(r, i, 1) && !pgd_schema_wanted(d, PQgetvalue(r, i, 1)))
			continue;
		dbk_strbuf_reset(&on);
		dbk_strbuf_addf(&on, "ALTER DEFAULT PRIVILEGES FOR ROLE %s", PQgetvalue(r, i, 0));
		if (!PQgetisnull(r, i, 1))
			dbk_strbuf_addf(&on, " IN SCHEMA %s", PQgetvalue(r, i, 2));
		dbk_strbuf_addf(&on, "|%s", PQgetvalue(r, i, 3));
		pgd_acl_statements(&sb, PQgetvalue(r, i, 4), on.buf, NULL);
	}
	PQclear(r);
	int rc = 0;
	if (sb.len) {
		dbk_strbuf_addch(&sb, '\n');
		rc = pgd_write(d, sb.buf);
	}
	dbk_strbuf_release(&sb);
	dbk_strbuf_release(&on);
	return rc;
}

/* One EXECUTE format(fmt, args...) line of a DO block; args are SQL
 * expressions (literals or current_database()). */
static void acl_exec(struct dbk_strbuf *body, const char *fmt, const char *args)
{
	dbk_strbuf_addstr(body, "    EXECUTE format(");
	pgd_add_literal(body, fmt);
	dbk_strbuf_addf(body, ", %s);\n", args);
}

int pgd_write_database_props(struct pgd_dump *d)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addstr(&q, "SELECT pg_get_userbyid(db.datdba), (SELECT description FROM "
			      "pg_shdescription WHERE objoid = db.oid AND classoid = "
			      "'pg_database'::regclass), ");
	pgd_acl_sql(&q, "db.datacl", "db.datdba", "'d'", NULL);
	dbk_strbuf_addstr(&q, ", db.datconnlimit FROM pg_database db WHERE db.datname = "
			      "current_database()");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_reset(&q);
	if (!r) {
		dbk_strbuf_release(&q);
		return dbk_errcode();
	}
	/* Three blocks, so that a restore with --no-owner or --no-privileges,
	 * which skips DO blocks that change owners or grants, keeps the rest
	 * (comment, settings). */
	struct dbk_strbuf body = DBK_STRBUF_INIT, owner_body = DBK_STRBUF_INIT;
	struct dbk_strbuf acl_body = DBK_STRBUF_INIT;
	struct dbk_strbuf args = DBK_STRBUF_INIT;
	if (PQntuples(r) == 1) {
		if (!(d->opts && d->opts->no_owner)) {
			dbk_strbuf_addstr(&args, "current_database(), ");
			pgd_add_literal(&args, PQgetvalue(r, 0, 0));
			acl_exec(&owner_body, "ALTER DATABASE %I OWNER TO %I", args.buf);
		}
		dbk_strbuf_reset(&args);
		dbk_strbuf_addstr(&args, "current_database(), ");
		if (PQgetisnull(r, 0, 1))
			dbk_strbuf_addstr(&args, "NULL");
		else
			pgd_add_literal(&args, PQgetvalue(r, 0, 1));
		acl_exec(&body, "COMMENT ON DATABASE %I IS %L", args.buf);
		if (strcmp(PQgetvalue(r, 0, 3), "-1") != 0) {
			dbk_strbuf_reset(&args);
			dbk_strbuf_addf(&args, "current_database(), %s", PQgetvalue(r, 0, 3));
			acl_exec(&body, "ALTER DATABASE %I WITH CONNECTION LIMIT %s", args.buf);
		}
		if (!PQgetisnull(r, 0, 2) && !(d->opts && d->opts->no_privileges)) {
			/* the grantee lines hold quoted roles: run them through %s */
			struct dbk_strbuf stmts = DBK_STRBUF_INIT;
			/* one statement per line here: grantors are dropped */
			char *lines = strdup(PQgetvalue(r, 0, 2));
			if (!lines)
				return dbk_oom();
			for (char *g = strchr(lines, '\001'); g; g = strchr(g, '\001')) {
				char *e = strchr(g, '\n');
				memmove(g, e ? e : g + strlen(g),
					strlen(e ? e : g + strlen(g)) + 1);
			}
			pgd_acl_statements(&stmts, lines, "DATABASE %1$I", NULL);
			free(lines);
			for (char *p = stmts.buf; *p;) {
				char *eol = strchr(p, '\n');
				if (eol)
					*eol = '\0';
				struct dbk_strbuf fmt = DBK_STRBUF_INIT;
				/* '%' in a role name would be read by format() */
				for (const char *s = p; *s; s++) {
					if (*s == '%' && strncmp(s, "%1$I", 4) != 0)
						dbk_strbuf_addch(&fmt, '%');
					dbk_strbuf_addch(&fmt, *s);
				}
				acl_exec(&acl_body, fmt.buf, "current_database()");
				dbk_strbuf_release(&fmt);
				if (!eol)
					break;
				p = eol + 1;
			}
			dbk_strbuf_release(&stmts);
		}
	}
	PQclear(r);

	/* ALTER DATABASE / ROLE ... SET; a list-valued setting is stored as a
	 * list of double-quoted items: each item becomes a literal of its own,
	 * as pg_dump does (an empty item, '', is no identifier) */
	r = pgd_query(
	    d, "SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole) "
	       "END, split_part(cfg, '=', 1), CASE WHEN lower(split_part(cfg, '=', 1)) IN "
	       "('search_path', 'temp_tablespaces', 'session_preload_libraries', "
	       "'local_preload_libraries', 'shared_preload_libraries') THEN coalesce((SELECT "
	       "string_agg(quote_literal(CASE WHEN x.m[1] LIKE '\"%' THEN "
	       "replace(substr(x.m[1], 2, length(x.m[1]) - 2), '\"\"', '\"') ELSE x.m[1] END), "
	       "', ' ORDER BY x.n) FROM regexp_matches(substr(cfg, strpos(cfg, '=') + 1), "
	       "'(\"(?:[^\"]|\"\")*\"|[^\", ]+)', 'g') WITH ORDINALITY AS x(m, n)), '''''') "
	       "ELSE quote_literal(substr(cfg, strpos(cfg, '=') + 1)) "
	       "END FROM pg_db_role_setting s, unnest(s.setconfig) WITH ORDINALITY AS "
	       "u(cfg, ord) WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname "
	       "= current_database()) ORDER BY s.setrole, u.ord");
	if (!r) {
		dbk_strbuf_release(&q);
		dbk_strbuf_release(&body);
		dbk_strbuf_release(&owner_body);
		dbk_strbuf_release(&acl_body);
		dbk_strbuf_release(&args);
		return dbk_errcode();
	}
	for (int i = 0; i < PQntuples(r); i++) {
		dbk_strbuf_reset(&args);
		if (!PQgetisnull(r, i, 0)) {
			pgd_add_literal(&args, PQgetvalue(r, i, 0));
			dbk_strbuf_addstr(&args, ", current_database(), ");
			pgd_add_literal(&args, PQgetvalue(r, i, 1));
			dbk_strbuf_addstr(&args, ", ");
			pgd_add_literal(&args, PQgetvalue(r, i, 2));
			acl_exec(&body, "ALTER ROLE %I IN DATABASE %I SET %I TO %s", args.buf);
		} else {
			dbk_strbuf_addstr(&args, "current_database(), ");
			pgd_add_literal(&args, PQgetvalue(r, i, 1));
			dbk_strbuf_addstr(&args, ", ");
			pgd_add_literal(&args, PQgetvalue(r, i, 2));
			acl_exec(&body, "ALTER DATABASE %I SET %I TO %s", args.buf);
		}
	}
	PQclear(r);
	int rc = 0;
	const struct dbk_strbuf *blocks[] = {&owner_body, &body, &acl_body};
	const char *const what[] = {"owner", "other", "privileges"};
	for (size_t i = 0; i < 3 && rc == 0; i++) {
		if (!blocks[i]->len)
			continue;
		struct dbk_strbuf full = DBK_STRBUF_INIT;
		dbk_strbuf_reset(&q);
		dbk_strbuf_addstr(&q,
				  "-- database-level properties (of the database loaded into)\n");
		dbk_strbuf_addf(&full, "\nBEGIN\n%sEND\n", blocks[i]->buf);
		pgd_add_do(&q, what[i], full.buf);
		dbk_strbuf_release(&full);
		dbk_strbuf_addstr(&q, ";\n\n");
		rc = pgd_write(d, q.buf);
	}
	dbk_strbuf_release(&q);
	dbk_strbuf_release(&body);
	dbk_strbuf_release(&owner_body);
	dbk_strbuf_release(&acl_body);
	dbk_strbuf_release(&args);
	return rc;
}

int pgd_database_json(struct pgd_dump *d, char **out)
{
	struct dbk_strbuf q = DBK_STRBUF_INIT;
	dbk_strbuf_addf(
	    &q,
	    "SELECT datname, pg_encoding_to_char(encoding), datcollate, datctype, %s, %s, "
	    "%s, %s, pg_get_userbyid(datdba), datconnlimit, datallowconn, (SELECT spcname FROM "
	    "pg_tablespace WHERE oid = dattablespace AND spcname <> 'pg_default') FROM "
	    "pg_database WHERE datname = current_database()",
	    d->ver >= 150000 ? "CASE datlocprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN "
			       "'builtin' ELSE 'libc' END"
			     : "'libc'",
	    d->ver >= 170000   ? "datlocale"
	    : d->ver >= 150000 ? "daticulocale"
			       : "NULL",
	    d->ver >= 160000 ? "daticurules" : "NULL",
	    d->ver >= 150000 ? "datcollversion" : "NULL");
	PGresult *r = pgd_query(d, q.buf);
	dbk_strbuf_release(&q);
	if (!r)
		return dbk_errcode();
	if (PQntuples(r) != 1) {
		PQclear(r);
		return dbk_seterr(DBK_EDB, "could not dump database '%s': it is not in pg_database",
				  d->dbname);
	}
#define JS(col) (PQgetisnull(r, 0, col) ? json_null() : json_string(PQgetvalue(r, 0, col)))
	json_t *j = json_object();
	json_object_set_new(j, "name", JS(0));
	json_object_set_new(j, "encoding", JS(1));
	json_object_set_new(j, "locale_provider", JS(4));
	json_object_set_new(j, "lc_collate", JS(2));
	json_object_set_new(j, "lc_ctype", JS(3));
	json_object_set_new(j, "icu_locale", JS(5));
	json_object_set_new(j, "icu_rules", JS(6));
	json_object_set_new(j, "collation_version", JS(7));
	json_object_set_new(j, "owner", JS(8));
	json_object_set_new(j, "connection_limit", json_integer(atoi(PQgetvalue(r, 0, 9))));
	json_object_set_new(j, "is_template", json_false());
	json_object_set_new(j, "allow_connections", json_boolean(PQgetvalue(r, 0, 10)[0] == 't'));
	/* the database's default tablespace (CREATE DATABASE ... TABLESPACE),
	 * where its relations without a tablespace of their own live; null
	 * for pg_default */
	json_object_set_new(j, "tablespace", JS(11));
	json_object_set_new(j, "server_version", json_integer(d->ver));
#undef JS
	PQclear(r);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		return dbk_oom();
	*out = s;
	return 0;
}
