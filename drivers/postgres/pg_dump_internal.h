/*
 * pg_dump_internal.h - shared between the files of the native dumper only.
 *
 *   pg_dump.c          pg_dump_run: session, snapshot, locks, sections
 *   pg_dump_catalog.c  reading the catalogs into dump objects (DDL text)
 *   pg_dump_sort.c     dependency edges from pg_depend, topological order
 *   pg_dump_data.c     COPY data, large objects, sequence values
 *   pg_dump_acl.c      roles, comments, privileges, database-level settings
 *
 * A dump object (struct pgd_obj) is one piece of DDL that is written as a
 * whole: a CREATE statement with what must follow it directly.  Every
 * catalog row the dumper cares about has an object; rows that are written as
 * part of another object (the rowtype of a table, the _RETURN rule of a
 * view, an inline CHECK constraint, an identity sequence...) have an object
 * whose `alias` is the index of the object that writes them, so that
 * pg_depend edges pointing at them are moved to their writer.
 *
 * Invariants: objs[i].sql is NULL for objects that write nothing (aliases,
 * the public schema); strings are malloc()ed and owned by the dump.
 */
#ifndef DBKEEP_PG_DUMP_INTERNAL_H
#define DBKEEP_PG_DUMP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pg_internal.h"
#include "dbkeep/strbuf.h"

enum pgd_section { PGD_PRE = 0, PGD_POST = 1 };

/* Kinds, in the order used to break ties between objects that do not
 * depend on each other (pre-data) and to order the post-data section. */
enum pgd_kind {
	PGK_SCHEMA,
	PGK_EXTENSION,
	PGK_LANGUAGE,
	PGK_COLLATION,
	PGK_SHELL_TYPE,
	PGK_TYPE,
	PGK_FUNCTION,
	PGK_ACCESS_METHOD,
	PGK_CONVERSION,
	PGK_TRANSFORM,
	PGK_DOMAIN_CHECK,
	PGK_AGGREGATE,
	PGK_OPERATOR,
	PGK_CAST,
	PGK_OPFAMILY,
	PGK_OPCLASS,
	PGK_TSPARSER,
	PGK_TSTEMPLATE,
	PGK_TSDICT,
	PGK_TSCONFIG,
	PGK_FDW,
	PGK_SERVER,
	PGK_USER_MAPPING,
	PGK_SEQUENCE,
	PGK_TABLE,
	PGK_ATTACH,
	PGK_DEFAULT,
	PGK_SEQ_OWNED,
	PGK_VIEW,
	PGK_MATVIEW,
	/* post-data */
	PGK_INDEX,
	PGK_CONSTRAINT,
	PGK_INDEX_ATTACH,
	PGK_FKEY,
	PGK_TABLE_POST, /* replica identity, cluster on */
	PGK_TRIGGER,
	PGK_RULE,
	PGK_POLICY,
	PGK_STATISTICS,
	PGK_PUBLICATION,
	PGK_SUBSCRIPTION,
	PGK_EVENT_TRIGGER,
	PGK_ALIAS, /* writes nothing itself */
	PGK_NKINDS
};

struct pgd_obj {
	uint32_t classid, objid;
	enum pgd_kind kind;
	enum pgd_section section;
	char *nsp;		 /* raw schema name, "" for objects outside schemas */
	char *name;		 /* raw name, for ordering and messages */
	char *objtype;		 /* "TABLE", "FUNCTION"...: for ALTER/COMMENT ON; NULL: none */
	char *ident;		 /* quoted (qualified) name after objtype */
	char *owner;		 /* quoted owner role, NULL: no ALTER ... OWNER */
	char *sql;		 /* the DDL; NULL: writes nothing */
	char *acl;		 /* privilege lines (see pg_dump_acl.c), NULL: none */
	char *granttype;	 /* "TABLE", "SEQUENCE"...: for GRANT ... ON */
	char *grantident;	 /* name after granttype when not ident (aggregates) */
	int acl_only;		 /* only privileges are written (extension members) */
	int ext_added;		 /* a member the user added to an extension */
	struct dbk_strbuf extra; /* comments written right after sql */
	long alias;		 /* -1, or the index of the object that writes this one */
	long shell;		 /* base types: -1, or the index of their shell type */
	size_t *deps;		 /* indexes of objects this one depends on */
	size_t ndeps, adeps;
	int emitted;
	/* tables (PGK_TABLE) only */
	char relkind;
	int has_data;	 /* rows are copied (plain tables, partition leaves) */
	int64_t data_pages; /* heap + TOAST pages as last counted (relpages) */
	char *copy_cols; /* quoted column list for COPY, without generated ones */
	int populated;	 /* matviews: REFRESH at the end */
	/* sequences only: the column owning it ('a') or identity ('i') */
	char seq_dep;
	uint32_t seq_table;
	char *seq_owned; /* ALTER SEQUENCE ... OWNED BY, until linked */
	/* any object: the search_path its expressions need while the restore computes
	 * them (index build, COPY, REFRESH), a quoted literal; NULL: none */
	char *ext_path;
};

/* Appends to sb the statement that sets the search_path o's expressions
 * need (on), or back to the dump's '' (!on); nothing when o needs none. */
void pgd_add_ext_path(struct dbk_strbuf *sb, const struct pgd_obj *o, int on);

struct pgd_dump {
	struct pg_conn *c;
	PGconn *pg;
	int ver; /* server_version_num */
	/* client_encoding of the dump: UTF8, or SQL_ASCII for a SQL_ASCII
	 * database, whose bytes are not checked and need not be UTF-8 */
	const char *encoding;
	const struct dbk_dump_opts *opts;
	struct dbk_writer *w;
	struct dbk_dump_info *info;
	struct pgd_obj *objs;
	size_t nobjs, aobjs;
	/* (classid, objid) -> index: open addressing, size a power of two */
	int64_t *map;
	size_t mapsize;
	size_t *order; /* pre-data objects in write order */
	size_t norder;
	struct dbk_strlist refused; /* "kind schema.name" the dump cannot write */
	char *dbname;
};

/* Catalog OIDs of the system catalogs used as classid (fixed since 8.x). */
#define PGD_CLASS_PG_CLASS 1259u
#define PGD_CLASS_PG_PROC 1255u
#define PGD_CLASS_PG_TYPE 1247u
#define PGD_CLASS_PG_NAMESPACE 2615u
#define PGD_CLASS_PG_CONSTRAINT 2606u
#define PGD_CLASS_PG_ATTRDEF 2604u
#define PGD_CLASS_PG_REWRITE 2618u
#define PGD_CLASS_PG_TRIGGER 2620u
#define PGD_CLASS_PG_LARGEOBJECT 2613u
#define PGD_CLASS_PG_EXTENSION 3079u

/* pg_dump.c: running queries, writing */
PGresult *pgd_query(struct pgd_dump *d, const char *sql);
int pgd_command(struct pgd_dump *d, const char *sql);
int pgd_write(struct pgd_dump *d, const char *s);
/* Appends s as an SQL string literal (standard_conforming_strings on). */
void pgd_add_literal(struct dbk_strbuf *sb, const char *s);
/* Appends s as a double-quoted identifier. */
void pgd_add_ident(struct dbk_strbuf *sb, const char *s);
/* Appends body dollar-quoted with a tag that does not occur in it. */
void pgd_add_dollar(struct dbk_strbuf *sb, const char *body);
/* Appends "DO" with body (which starts with a newline), its first line
 * the comment "-- dbkeep:do <what>": what the block does for the
 * restore's --no-owner and --no-privileges, "roles", "owner", "privileges"
 * or "other", which the user's text inside the block (a comment that says
 * "grant", a column named "revoke") cannot change. */
void pgd_add_do(struct dbk_strbuf *sb, const char *what, const char *body);
/* The SQL condition "namespace alias n is a user schema". */
#define PGD_USER_NSP                                                                               \
	"(n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ "                 \
	"'^pg_(toast|temp_|toast_temp_)')"
/* True when the object is kept by the schema / table filters. */
int pgd_schema_wanted(const struct pgd_dump *d, const char *nsp);
int pgd_table_wanted(const struct pgd_dump *d, const char *nsp, const char *name);

/* pg_dump_catalog.c */
/* Adds an object; returns its index.  Takes copies of the strings. */
size_t pgd_add_obj(struct pgd_dump *d, uint32_t classid, uint32_t objid, enum pgd_kind kind,
		   const char *nsp, const char *name);
long pgd_find(const struct pgd_dump *d, uint32_t classid, uint32_t objid);
void pgd_add_dep(struct pgd_obj *o, size_t on);
int pgd_read_catalog(struct pgd_dump *d);
void pgd_free_objs(struct pgd_dump *d);
/* Utility: strdup of a result field or NULL when SQL NULL. */
char *pgd_field(const PGresult *r, int row, int col);

/* pg_dump_sort.c */
int pgd_read_deps(struct pgd_dump *d);
int pgd_sort(struct pgd_dump *d);
/* Orders the post-data objects; returns a malloc()ed array of indexes. */
size_t *pgd_post_order(struct pgd_dump *d, size_t *n);

/* pg_dump_data.c */
int pgd_write_data(struct pgd_dump *d);
/* Rows of extension configuration tables (extconfig, with extcondition)
 * and values of configuration sequences; not counted in info->tables,
 * which, like count_tables, leaves extension tables out. */
int pgd_write_extension_data(struct pgd_dump *d);
int pgd_write_large_objects(struct pgd_dump *d);
int pgd_write_sequence_values(struct pgd_dump *d);

/* pg_dump_acl.c */
/* Appends the scalar SQL subquery that computes privilege lines. */
void pgd_acl_sql(struct dbk_strbuf *sb, const char *acl, const char *owner, const char *kind,
		 const char *init);
int pgd_read_comments(struct pgd_dump *d);
int pgd_write_roles(struct pgd_dump *d);
int pgd_write_acls(struct pgd_dump *d);
int pgd_write_default_acls(struct pgd_dump *d);
int pgd_write_database_props(struct pgd_dump *d);
int pgd_database_json(struct pgd_dump *d, char **out);
/* Turns privilege lines into GRANT/REVOKE statements on "granttype ident". */
void pgd_acl_statements(struct dbk_strbuf *sb, const char *lines, const char *on, const char *cols);

#endif
