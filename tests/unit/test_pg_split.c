/*
 * test_pg_split.c - the PostgreSQL driver's statement splitter, without a
 * server: every input of the table is fed whole, one byte at a time and in
 * odd-sized chunks, and must give the same items each time; then the
 * executor's dry run (dump markers, truncation, --no-owner/--no-privileges).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dbkeep/error.h"
#include "dbkeep/strbuf.h"
#include "../../drivers/postgres/pg_exec.h"

/* The items, written as one string: "S<line>:<text>|" for a statement,
 * "M<line>:<text>|" for a backslash command, "C<line>:<text>|" for a comment,
 * "D:<data>|" for a COPY block's data (chunks joined), "E|" for its end. */
struct collect {
	struct dbk_strbuf log;
	int in_data;
	size_t data_items;
};

static int collect_item(void *arg, const struct pg_split_item *it)
{
	struct collect *c = arg;

	if (it->kind == PG_SPLIT_COPY_DATA) {
		if (!c->in_data)
			dbk_strbuf_addstr(&c->log, "D:");
		c->in_data = 1;
		c->data_items++;
		dbk_strbuf_add(&c->log, it->text, it->len);
		return 0;
	}
	if (c->in_data)
		dbk_strbuf_addch(&c->log, '|');
	c->in_data = 0;
	switch (it->kind) {
	case PG_SPLIT_STMT:
		dbk_strbuf_addf(&c->log, "S%lu:", it->line);
		break;
	case PG_SPLIT_META:
		dbk_strbuf_addf(&c->log, "M%lu:", it->line);
		break;
	case PG_SPLIT_COMMENT:
		dbk_strbuf_addf(&c->log, "C%lu:", it->line);
		break;
	case PG_SPLIT_COPY_END:
		dbk_strbuf_addstr(&c->log, "E|");
		return 0;
	default:
		break;
	}
	dbk_strbuf_add(&c->log, it->text, it->len);
	dbk_strbuf_addch(&c->log, '|');
	return 0;
}

/* Splits in chunks of `chunk` bytes (0: whole); returns the result code and
 * the log in *log (caller frees). */
static int split_all(const char *in, size_t len, size_t chunk, char **log, size_t *data_items)
{
	struct collect c = {DBK_STRBUF_INIT, 0, 0};
	struct pg_split s;
	size_t i;
	int rc = 0;

	pg_split_init(&s, collect_item, &c);
	if (!chunk)
		chunk = len ? len : 1;
	for (i = 0; i < len && !rc; i += chunk)
		rc = pg_split_feed(&s, in + i, len - i < chunk ? len - i : chunk);
	if (!rc)
		rc = pg_split_finish(&s);
	if (c.in_data)
		dbk_strbuf_addch(&c.log, '|');
	pg_split_release(&s);
	*log = dbk_strbuf_detach(&c.log);
	if (data_items)
		*data_items = c.data_items;
	return rc;
}

static const struct {
	const char *in;
	const char *want;
} cases[] = {
    {"SELECT 1; SELECT 2;", "S1:SELECT 1;|S1:SELECT 2;|"},
    {"SELECT 1", "S1:SELECT 1|"},
    {"\n\n  SELECT 1\n\n", "S3:SELECT 1|"},
    {"SELECT 'a;b''c';\nSELECT 2;", "S1:SELECT 'a;b''c';|S2:SELECT 2;|"},
    {"SELECT E'it\\'s;';SELECT e'\\\\';", "S1:SELECT E'it\\'s;';|S1:SELECT e'\\\\';|"},
    /* with standard_conforming_strings on, a backslash is a plain character */
    {"SELECT 'a\\';SELECT 2;", "S1:SELECT 'a\\';|S1:SELECT 2;|"},
    /* ... and off, it escapes, until it is set on again */
    {"SET standard_conforming_strings = off;\nSELECT 'a\\';b';\n"
     "SET standard_conforming_strings TO 'on';\nSELECT 'c\\';",
     "S1:SET standard_conforming_strings = off;|S2:SELECT 'a\\';b';|"
     "S3:SET standard_conforming_strings TO 'on';|S4:SELECT 'c\\';|"},
    /* a word ending in E is not an E'' string */
    {"SELECT 'x' AS fee'\\';", "S1:SELECT 'x' AS fee'\\';|"},
    {"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 2;",
     "S1:CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;|S2:SELECT 2;|"},
    {"DO $body$ BEGIN RAISE NOTICE '$$;'; PERFORM $1; $x$ ; END $body$;\nSELECT 1;",
     "S1:DO $body$ BEGIN RAISE NOTICE '$$;'; PERFORM $1; $x$ ; END $body$;|S2:SELECT 1;|"},
    {"SELECT $a$ x $b$ ; $b$ ; $a$;", "S1:SELECT $a$ x $b$ ; $b$ ; $a$;|"},
    /* $ inside an identifier, and a parameter, open no quote */
    {"SELECT a$b$c; SELECT 1;", "S1:SELECT a$b$c;|S1:SELECT 1;|"},
    {"PREPARE p AS SELECT $1; EXECUTE p(1);", "S1:PREPARE p AS SELECT $1;|S1:EXECUTE p(1);|"},
    {"SELECT \"a;\"\"b\" FROM \"t'\";", "S1:SELECT \"a;\"\"b\" FROM \"t'\";|"},
    {"-- a comment; with 'quote\nSELECT 1 /* c ; ' /* nested ; */ still */ ;\n",
     "C1:-- a comment; with 'quote|S2:SELECT 1 /* c ; ' /* nested ; */ still */ ;|"},
    {"SELECT 1 - -1;", "S1:SELECT 1 - -1;|"},
    {"SELECT 1--x;\n;", "S1:SELECT 1--x;\n;|"},
    {"SELECT /* a */* FROM t;", "S1:SELECT /* a */* FROM t;|"},
    {"SELECT 2 / 1; /* only a comment */", "S1:SELECT 2 / 1;|"},
    {"/* a\n ; */\n\nDROP TABLE t;", "S4:/* a\n ; */\n\nDROP TABLE t;|"},
    {"CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); "
     "INSERT INTO b VALUES (2));",
     "S1:CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); "
     "INSERT INTO b VALUES (2));|"},
    {"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n SELECT 1;\n"
     " SELECT CASE WHEN true THEN 1 END;\nEND;\nSELECT 2;",
     "S1:CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n SELECT 1;\n"
     " SELECT CASE WHEN true THEN 1 END;\nEND;|S6:SELECT 2;|"},
    /* BEGIN outside a function body is an ordinary statement */
    {"BEGIN; SELECT 1; END;", "S1:BEGIN;|S1:SELECT 1;|S1:END;|"},
    {"COPY t (a, b) FROM stdin;\n1\tx;y'\n\\N\t\\.x\n\\.\nSELECT 1;\n",
     "S1:COPY t (a, b) FROM stdin;|D:1\tx;y'\n\\N\t\\.x\n|E|S5:SELECT 1;|"},
    {"COPY t FROM STDIN WITH (FORMAT text);\n\\.\n", "S1:COPY t FROM STDIN WITH (FORMAT text);|E|"},
    /* COPY ... TO stdout, and FROM a file, have no data in the script */
    {"COPY t TO stdout; COPY t FROM '/x';", "S1:COPY t TO stdout;|S1:COPY t FROM '/x';|"},
    {"\\connect foo\nSELECT 1;\n\\restrict abc\n\\c bar;\n",
     "M1:\\connect foo|S2:SELECT 1;|M3:\\restrict abc|M4:\\c bar;|"},
    {"SELECT 1;\r\n-- c\r\nCOPY t FROM stdin;\r\na\r\n\\.\r\nSELECT 2\r\n",
     "S1:SELECT 1;|C2:-- c|S3:COPY t FROM stdin;|D:a\r\n|E|S6:SELECT 2|"},
    /* the end marker may be the last line, without a line end */
    {"COPY t FROM stdin;\na\n\\.", "S1:COPY t FROM stdin;|D:a\n|E|"},
    {"-- dbkeep PostgreSQL dump\n-- dbkeep:end", "C1:-- dbkeep PostgreSQL dump|C2:-- dbkeep:end|"},
    {"", ""},
};

static void test_table(void **state)
{
	static const size_t chunks[] = {0, 1, 2, 3, 7, 64};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			char *log;
			int rc = split_all(cases[i].in, strlen(cases[i].in), chunks[k], &log, NULL);

			if (rc || strcmp(log, cases[i].want) != 0)
				print_error("case %zu, chunk %zu:\n got: %s\nwant: %s\n", i,
					    chunks[k], log, cases[i].want);
			assert_int_equal(rc, 0);
			assert_string_equal(log, cases[i].want);
			free(log);
		}
	}
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
	    "SELECT 'abc",     "SELECT E'abc\\'",	  "SELECT \"abc",	"SELECT $$ abc $",
	    "SELECT /* /* */", "COPY t FROM stdin;\na\n", "COPY t FROM stdin;", "SELECT 1 \\g",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (k = 0; k < 2; k++) {
			char *log;
			int rc = split_all(bad[i], strlen(bad[i]), k, &log, NULL);

			if (rc != DBK_ECORRUPT)
				print_error("case %zu: rc %d, log %s\n", i, rc, log);
			assert_int_equal(rc, DBK_ECORRUPT);
			free(log);
		}
	}
}

static int check_tokens(void *arg, const struct pg_split_item *it)
{
	int *n = arg;

	if (it->kind != PG_SPLIT_STMT)
		return 0;
	switch ((*n)++) {
	case 0:
		assert_true(it->owner_to);
		assert_true(pg_split_tok_is(it, 0, "alter"));
		assert_true(pg_split_tok_is(it, 1, "table"));
		break;
	case 1:
		assert_false(it->owner_to);
		assert_int_equal(it->ndbref, 1);
		assert_int_equal(it->dbref[0].len, 7);
		assert_memory_equal(it->text + it->dbref[0].off, "\"My DB\"", 7);
		break;
	case 2:
		assert_true(it->copy_in);
		break;
	}
	return 0;
}

static void test_tokens(void **state)
{
	const char *in = "ALTER TABLE public.t OWNER TO bob;\n"
			 "ALTER DATABASE \"My DB\" SET x = 1;\n"
			 "copy \"t\" (a) from stdin;\n\\.\n";
	struct pg_split s;
	int n = 0;

	(void)state;
	pg_split_init(&s, check_tokens, &n);
	assert_int_equal(pg_split_feed(&s, in, strlen(in)), 0);
	assert_int_equal(pg_split_finish(&s), 0);
	pg_split_release(&s);
	assert_int_equal(n, 3);
}

/* A statement and a COPY block larger than any buffer, across chunks. */
static void test_large(void **state)
{
	struct dbk_strbuf in = DBK_STRBUF_INIT, want = DBK_STRBUF_INIT, body = DBK_STRBUF_INIT;
	size_t i, items;
	char *log;

	(void)state;
	for (i = 0; i < 20000; i++)
		dbk_strbuf_addstr(&body, "x; '\" $ ");
	dbk_strbuf_addf(&in, "SELECT $q$%s$q$;\nCOPY t FROM stdin;\n", body.buf);
	dbk_strbuf_addf(&want, "S1:SELECT $q$%s$q$;|S2:COPY t FROM stdin;|D:", body.buf);
	for (i = 0; i < 100000; i++) {
		dbk_strbuf_addf(&in, "%zu\trow %zu\\.\n", i, i);
		dbk_strbuf_addf(&want, "%zu\trow %zu\\.\n", i, i);
	}
	dbk_strbuf_addstr(&in, "\\.\nSELECT 3;\n");
	dbk_strbuf_addstr(&want, "|E|S100004:SELECT 3;|");
	assert_int_equal(split_all(in.buf, in.len, 4093, &log, &items), 0);
	assert_string_equal(log, want.buf);
	assert_true(items > 1);
	free(log);
	assert_int_equal(split_all(in.buf, in.len, 1, &log, NULL), 0);
	assert_string_equal(log, want.buf);
	free(log);
	dbk_strbuf_release(&in);
	dbk_strbuf_release(&want);
	dbk_strbuf_release(&body);
}

static int dry_run(const char *in, int no_owner, int no_privileges, struct pg_exec_result *res)
{
	struct dbk_reader *r = NULL;
	struct pg_exec_opts eo;
	int rc;

	memset(&eo, 0, sizeof(eo));
	eo.dry_run = 1;
	eo.no_owner = no_owner;
	eo.no_privileges = no_privileges;
	dbk_clearerr();
	assert_int_equal(dbk_mem_reader_new(in, strlen(in), &r), 0);
	rc = pg_exec_run(NULL, NULL, 0, r, &eo, res);
	dbk_reader_free(r);
	return rc;
}

static void test_dry_run(void **state)
{
	const char *dump = "-- dbkeep PostgreSQL dump\n"
			   "-- dbkeep:database {\"encoding\":\"UTF8\"}\n"
			   "DO $$BEGIN CREATE ROLE bob NOLOGIN; END$$;\n"
			   "CREATE TABLE t (a int);\n"
			   "ALTER TABLE t OWNER TO bob;\n"
			   "COPY t (a) FROM stdin;\n1\n\\.\n"
			   "GRANT SELECT ON t TO bob;\n"
			   "REVOKE ALL ON t FROM PUBLIC;\n"
			   "CREATE USER MAPPING FOR bob SERVER s;\n"
			   "-- dbkeep:end\n";
	struct pg_exec_result res = PG_EXEC_RESULT_INIT;
	char *cut;

	(void)state;
	assert_int_equal(dry_run(dump, 0, 0, &res), 0);
	assert_true(res.dbkeep_dump);
	assert_true(res.ended);
	assert_int_equal(res.statements, 7);
	assert_int_equal(res.copies, 1);
	assert_int_equal(res.skipped, 0);
	pg_exec_result_release(&res);

	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run(dump, 1, 0, &res), 0);
	assert_int_equal(res.skipped, 2);
	pg_exec_result_release(&res);

	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run(dump, 1, 1, &res), 0);
	assert_int_equal(res.skipped, 4);
	pg_exec_result_release(&res);

	/* DO blocks a dump classed go by their class, not by the words of
	 * the user's text inside them; unclassed ones by their words */
	{
		static const struct {
			const char *block;
			int no_owner, no_privileges, skipped;
		} t[] = {
		    {"DO $x$\n-- dbkeep:do other\nBEGIN EXECUTE 'COMMENT ON DATABASE d IS "
		     "''Grant desk, owner to ask, create role, revoke''';\nEND$x$;\n",
		     1, 1, 0},
		    {"DO $x$\n-- dbkeep:do privileges\nBEGIN GRANT SELECT ON t TO bob; END$x$;\n",
		     1, 0, 0},
		    {"DO $x$\n-- dbkeep:do privileges\nBEGIN GRANT SELECT ON t TO bob; END$x$;\n",
		     0, 1, 1},
		    {"DO $x$\n-- dbkeep:do owner\nBEGIN EXECUTE 'ALTER LANGUAGE l OWNER TO b'; "
		     "END$x$;\n",
		     1, 0, 1},
		    {"DO $x$\n-- dbkeep:do owner\nBEGIN EXECUTE 'ALTER LANGUAGE l OWNER TO b'; "
		     "END$x$;\n",
		     0, 1, 0},
		    {"DO $x$\n-- dbkeep:do roles\nBEGIN CREATE ROLE \"revoke\"; END$x$;\n", 1, 0,
		     1},
		    {"DO $x$\n-- dbkeep:do roles\nBEGIN CREATE ROLE \"revoke\"; END$x$;\n", 0, 1,
		     0},
		    /* the class line only counts right after the opening tag */
		    {"DO $x$BEGIN NULL;\n-- dbkeep:do other\n GRANT SELECT ON t TO b; END$x$;\n", 0,
		     1, 1},
		    {"DO $$BEGIN EXECUTE 'COMMENT ON TABLE t IS ''grant''' ; END$$;\n", 0, 1, 1},
		};
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			memset(&res, 0, sizeof(res));
			assert_int_equal(
			    dry_run(t[i].block, t[i].no_owner, t[i].no_privileges, &res), 0);
			assert_int_equal(res.skipped, t[i].skipped);
			pg_exec_result_release(&res);
		}
	}

	/* cut before the end marker: parses, but has not ended */
	cut = strdup(dump);
	*strstr(cut, "-- dbkeep:end") = '\0';
	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run(cut, 0, 0, &res), 0);
	assert_false(res.ended);
	pg_exec_result_release(&res);

	/* cut inside the COPY block, or inside a statement: truncated */
	*strstr(cut, "\\.") = '\0';
	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run(cut, 0, 0, &res), DBK_ECORRUPT);
	assert_non_null(strstr(dbk_errmsg(), "truncated"));
	pg_exec_result_release(&res);
	*strstr(cut, "(a int)") = '\0';
	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run(cut, 0, 0, &res), DBK_ECORRUPT);
	pg_exec_result_release(&res);
	free(cut);

	/* a plain file: CREATE and DROP DATABASE are never run */
	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run("DROP DATABASE IF EXISTS x;\nCREATE DATABASE x;\n\\c x;\n"
				 "SELECT 1;\n",
				 0, 0, &res),
			 0);
	assert_false(res.dbkeep_dump);
	assert_int_equal(res.statements, 1);
	assert_int_equal(res.skipped, 2);
	assert_string_equal(res.created_db, "x");
	pg_exec_result_release(&res);

	/* \connect without CREATE DATABASE, and unknown commands, fail */
	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run("\\connect other\n", 0, 0, &res), DBK_EDB);
	pg_exec_result_release(&res);
	memset(&res, 0, sizeof(res));
	assert_int_equal(dry_run("\\! rm -rf /\n", 0, 0, &res), DBK_EDB);
	assert_non_null(strstr(dbk_errmsg(), "'\\!'"));
	pg_exec_result_release(&res);
	dbk_clearerr();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),   cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_tokens),  cmocka_unit_test(test_large),
	    cmocka_unit_test(test_dry_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
