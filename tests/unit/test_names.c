/*
 * test_names.c - backup file names: what dbkeep writes into the backup
 * folder, that it reads its own names back exactly, and that it never
 * mistakes another file (another tool's dump, a checksum file) for a backup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dbkeep/error.h"
#include "dbkeep/names.h"

/* 2026-11-23 03:15:00 UTC */
#define T_20261123_031500 ((time_t)1795403700)

static struct dbk_name mkname(const char *label, int safety, time_t when, int seq, const char *ext,
			      int gz)
{
	struct dbk_name n;

	memset(&n, 0, sizeof(n));
	strcpy(n.label, label);
	n.safety = safety;
	n.when = when;
	n.seq = seq;
	strcpy(n.ext, ext);
	n.gz = gz;
	return n;
}

static void assert_same_name(const struct dbk_name *a, const struct dbk_name *b)
{
	assert_string_equal(a->label, b->label);
	assert_int_equal(a->safety, b->safety);
	assert_int_equal((long long)a->when, (long long)b->when);
	assert_int_equal(a->seq, b->seq);
	assert_string_equal(a->ext, b->ext);
	assert_int_equal(a->gz, b->gz);
}

static void test_format_table(void **state)
{
	static const struct {
		const char *label;
		int safety;
		time_t when;
		int seq;
		const char *ext;
		int gz;
		const char *want;
	} rows[] = {
	    {"app", 0, T_20261123_031500, 1, "sql", 1, "app_20261123_031500.sql.gz"},
	    {"app", 0, T_20261123_031500, 1, "sql", 0, "app_20261123_031500.sql"},
	    {"app", 0, T_20261123_031500, 2, "sql", 1, "app_20261123_031500_2.sql.gz"},
	    {"app", 0, T_20261123_031500, 17, "db", 1, "app_20261123_031500_17.db.gz"},
	    {"app", 1, T_20261123_031500, 1, "db", 1, "app_preRestore_20261123_031500.db.gz"},
	    {"app", 1, T_20261123_031500, 3, "db", 0, "app_preRestore_20261123_031500_3.db"},
	    {"my_app.v2", 0, T_20261123_031500, 1, "db", 1, "my_app.v2_20261123_031500.db.gz"},
	    {"x_20250101_000000", 0, T_20261123_031500, 1, "db", 0,
	     "x_20250101_000000_20261123_031500.db"},
	    {"db-1", 0, 0, 1, "sql", 1, "db-1_19700101_000000.sql.gz"},
	    /* leap day, last second of a day */
	    {"a", 0, (time_t)1835481599, 1, "sql", 1, "a_20280229_235959.sql.gz"},
	    {"2026", 0, T_20261123_031500, 1, "db", 1, "2026_20261123_031500.db.gz"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dbk_strbuf sb = DBK_STRBUF_INIT;
		struct dbk_name n = mkname(rows[i].label, rows[i].safety, rows[i].when, rows[i].seq,
					   rows[i].ext, rows[i].gz);
		struct dbk_name back;

		dbk_name_format(&n, &sb);
		assert_string_equal(sb.buf, rows[i].want);
		/* parse(format(x)) == x */
		assert_int_equal(dbk_name_parse(sb.buf, &back), 0);
		assert_same_name(&back, &n);
		dbk_strbuf_release(&sb);
	}
}

/* Backups taken in the same second differ only by their seq, and every one
 * of them reads back as its own. */
static void test_same_second(void **state)
{
	struct dbk_strbuf a = DBK_STRBUF_INIT, b = DBK_STRBUF_INIT;

	(void)state;
	for (int seq = 1; seq <= 12; seq++) {
		struct dbk_name n = mkname("db", 0, T_20261123_031500, seq, "db", 1), back;

		dbk_name_format(&n, &a);
		assert_string_not_equal(a.buf, b.buf);
		assert_int_equal(dbk_name_parse(a.buf, &back), 0);
		assert_int_equal(back.seq, seq);
		assert_int_equal((long long)back.when, (long long)T_20261123_031500);
		dbk_strbuf_reset(&b);
		dbk_strbuf_addstr(&b, a.buf);
	}
	dbk_strbuf_release(&a);
	dbk_strbuf_release(&b);
}

static void test_sanitize_table(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} rows[] = {
	    {"app", "app"},
	    {"my app", "my_app"},
	    {"it's \"prod\"", "it_s__prod_"},
	    {"a/b/../c", "a_b_.._c"},
	    {"caf\xc3\xa9", "caf_"},		 /* é: one character, one '_' */
	    {"\xe6\x97\xa5\xe6\x9c\xac", "__"},	 /* two CJK characters */
	    {"\xf0\x9f\x92\xbe disk", "__disk"}, /* emoji, space */
	    {"", "backup"},
	    {"tab\there\nnl", "tab_here_nl"},
	    {"A-Z.a_z-0.9", "A-Z.a_z-0.9"},
	    {"x_preRestore", "x-preRestore"}, /* would read back as a safety backup */
	    {"preRestore", "preRestore"},
	    {"$(rm -rf /)", "__rm_-rf___"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dbk_strbuf sb = DBK_STRBUF_INIT;

		dbk_name_sanitize_label(rows[i].in, &sb);
		assert_string_equal(sb.buf, rows[i].want);
		dbk_strbuf_release(&sb);
	}
}

/* Whatever the label, the sanitised name round-trips, with and without the
 * safety tag. */
static void test_sanitized_roundtrip(void **state)
{
	static const char *const labels[] = {
	    "my app", "it's \"prod\"", "caf\xc3\xa9",	     "x_preRestore",	     "_",
	    "..",     "a_1",	       "db_20261123_031500", "db_20261123_031500_2",
	};
	char longlabel[400];

	memset(longlabel, 'L', sizeof(longlabel) - 1);
	longlabel[sizeof(longlabel) - 1] = '\0';

	(void)state;
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]) + 1; i++) {
		int is_long = i == sizeof(labels) / sizeof(labels[0]);
		const char *in = is_long ? longlabel : labels[i];
		struct dbk_strbuf lab = DBK_STRBUF_INIT, file = DBK_STRBUF_INIT;

		dbk_name_sanitize_label(in, &lab);
		/* The file name with its companions' suffixes fits NAME_MAX. */
		assert_true(lab.len +
				strlen("_preRestore_20261123_031500_99.sql.gz.sha256.partial") <=
			    255);
		for (int safety = 0; safety <= 1; safety++) {
			struct dbk_name n = mkname(lab.buf, safety, T_20261123_031500, 1 + safety,
						   "sql", 1),
					back;

			dbk_name_format(&n, &file);
			assert_int_equal(dbk_name_parse(file.buf, &back), 0);
			assert_same_name(&back, &n);
		}
		dbk_strbuf_release(&lab);
		dbk_strbuf_release(&file);
	}
}

static void test_reject_table(void **state)
{
	static const char *const rows[] = {
	    "",
	    "dump.sql.gz",
	    "app.db",
	    "x_20261123_031500.db.gz.sha256",
	    "x_20261123_031500.db.gz.json",
	    "x_20261123_031500.db.gz.partial",
	    "x_20261123_031500.db.partial",
	    "x_20261123_031500.sha256",
	    "x_20261123_031500.gz",
	    "x_20261123_031500",
	    "x_20261123_031500.",
	    "x_20261123_031500.db.gz.gz",
	    "_20261123_031500.db",	      /* no label */
	    "_preRestore_20261123_031500.db", /* no label */
	    "20261123_031500.db",
	    "x20261123_031500.db", /* no '_' before the date */
	    "x_2026112_031500.db", /* short date */
	    "x_20261123_03150.db", /* short time */
	    "x_20261123-031500.db",
	    "x_20261332_256199.db", /* month 13, day 32, hour 25 ... */
	    "x_20261123_240000.db",
	    "x_20261123_235960.db", /* leap seconds are not ours */
	    "x_20270229_120000.db", /* 2027 is no leap year */
	    "x_20261131_120000.db", /* November 31 */
	    "x_20261100_120000.db",
	    "x_19691231_235959.db",   /* before the epoch */
	    "x_20261123_031500_1.db", /* seq 1 is never written */
	    "x_20261123_031500_0.db",
	    "x_20261123_031500_02.db", /* leading zero */
	    "x_20261123_031500_.db",
	    "x_20261123_031500_2x.db",
	    "x y_20261123_031500.db", /* space in the label */
	    "x_20261123_031500.d-b.gz",
	    "x_20261123_031500.an0extension0longer0than0thirty0one.gz",
	    "x_20261123_031500.db.bz2",
	    "x_20261123_031500.db.gz~",
	    ".x_20261123_031500.db.gz.swp",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dbk_name n;

		dbk_clearerr();
		if (dbk_name_parse(rows[i], &n) != DBK_EFAIL)
			fail_msg("'%s' was accepted as a backup name", rows[i]);
		/* Not one of ours is no error worth a message. */
		assert_string_equal(dbk_errmsg(), "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_table),   cmocka_unit_test(test_same_second),
	    cmocka_unit_test(test_sanitize_table), cmocka_unit_test(test_sanitized_roundtrip),
	    cmocka_unit_test(test_reject_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
