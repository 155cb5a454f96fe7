/*
 * test_manifest.c - the manifest as a user and the other modules see it:
 * what is written comes back field for field, and a damaged manifest is
 * refused with a message that names what is wrong.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "dbkeep/error.h"
#include "dbkeep/manifest.h"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* 2026-11-23T03:15:00Z */
#define CREATED ((time_t)1795403700)

static const char *const odd_names[] = {
    "Album",	 "say \"hi\"", "back\\slash", "naïve café",    "日本語の表", "emoji 😀", "new\nline",
    "tab\there", "",	       "public.film", "{\"json\": 1}",
};

static void fill(struct dbk_manifest *m)
{
	dbk_manifest_init(m);
	m->dbkeep_version = strdup("1.2.3");
	m->engine = strdup("sqlite");
	m->engine_version = strdup("3.40.1");
	m->database = strdup("/srv/app/data.db");
	m->file = strdup("data_20261123_031500.db.gz");
	m->created = CREATED;
	m->duration = 12.345;
	m->host = strdup("web1");
	m->user = strdup("backup");
	m->compression = strdup("gzip");
	m->level = 6;
	m->raw_bytes = 5000000000ULL;
	m->stored_bytes = 1234567;
	m->sha256 = strdup(SHA_A);
	m->kind = strdup("scheduled");
	m->method = strdup("backup-api");
	m->integrity = strdup("ok");
	for (size_t i = 0; i < sizeof(odd_names) / sizeof(odd_names[0]); i++)
		dbk_tables_add(&m->tables, odd_names[i], (int64_t)i * 1000000007LL);
	dbk_tables_sort(&m->tables);
	dbk_strlist_add(&m->omitted, "view \"broken\"");
	dbk_strlist_add(&m->omitted, "trigger t1");
}

static void assert_str_eq_null(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_manifest_equal(const struct dbk_manifest *a, const struct dbk_manifest *b)
{
	assert_int_equal(a->format, b->format);
	assert_str_eq_null(a->dbkeep_version, b->dbkeep_version);
	assert_str_eq_null(a->engine, b->engine);
	assert_str_eq_null(a->engine_version, b->engine_version);
	assert_str_eq_null(a->database, b->database);
	assert_str_eq_null(a->file, b->file);
	assert_int_equal(a->created, b->created);
	assert_true(a->duration - b->duration < 0.0005 && b->duration - a->duration < 0.0005);
	assert_str_eq_null(a->host, b->host);
	assert_str_eq_null(a->user, b->user);
	assert_str_eq_null(a->compression, b->compression);
	assert_int_equal(a->level, b->level);
	assert_true(a->raw_bytes == b->raw_bytes);
	assert_true(a->stored_bytes == b->stored_bytes);
	assert_str_eq_null(a->sha256, b->sha256);
	assert_str_eq_null(a->kind, b->kind);
	assert_str_eq_null(a->method, b->method);
	assert_str_eq_null(a->integrity, b->integrity);
	assert_int_equal(a->tables.n, b->tables.n);
	for (size_t i = 0; i < a->tables.n; i++) {
		assert_string_equal(a->tables.items[i].name, b->tables.items[i].name);
		assert_true(a->tables.items[i].rows == b->tables.items[i].rows);
	}
	assert_int_equal(a->omitted.n, b->omitted.n);
	for (size_t i = 0; i < a->omitted.n; i++)
		assert_string_equal(a->omitted.items[i], b->omitted.items[i]);
}

static void test_round_trip(void **state)
{
	struct dbk_manifest m, back;
	char *text;

	(void)state;
	fill(&m);
	text = dbk_manifest_dump(&m);
	assert_non_null(text);
	assert_int_equal(dbk_manifest_parse(text, "t.json", &back), 0);
	assert_manifest_equal(&m, &back);
	for (size_t i = 0; i < sizeof(odd_names) / sizeof(odd_names[0]); i++)
		assert_non_null(dbk_tables_find(&back.tables, odd_names[i]));

	/* What a person reading the file sees. */
	assert_non_null(strstr(text, "\"createdAt\": \"2026-11-23T03:15:00Z\""));
	assert_non_null(strstr(text, "\"createdEpoch\": 1795403700"));
	assert_non_null(strstr(text, "\"durationSeconds\": 12.345,"));
	assert_non_null(strstr(text, "\"tableCount\": 11"));
	assert_non_null(strstr(text, "\"say \\\"hi\\\"\": "));
	assert_true(strncmp(text, "{\n  \"formatVersion\": 1,\n  \"dbkeepVersion\"", 40) == 0);
	assert_true(text[strlen(text) - 1] == '\n');
	/* A fixed key order: file before createdAt before sha256 before tables. */
	assert_true(strstr(text, "\"file\"") < strstr(text, "\"createdAt\""));
	assert_true(strstr(text, "\"createdAt\"") < strstr(text, "\"sha256\""));
	assert_true(strstr(text, "\"sha256\"") < strstr(text, "\"tables\""));

	free(text);
	dbk_manifest_release(&back);
	dbk_manifest_release(&m);
	assert_int_equal(dbk_errcode(), DBK_OK);
}

static void test_optional_keys_left_out(void **state)
{
	struct dbk_manifest m, back;
	char *text;

	(void)state;
	fill(&m);
	free(m.method);
	free(m.integrity);
	m.method = m.integrity = NULL;
	dbk_strlist_release(&m.omitted);
	dbk_tables_release(&m.tables);
	text = dbk_manifest_dump(&m);
	assert_non_null(text);
	assert_null(strstr(text, "\"method\""));
	assert_null(strstr(text, "\"integrity\""));
	assert_null(strstr(text, "\"omitted\""));
	assert_non_null(strstr(text, "\"tables\": {}"));
	assert_int_equal(dbk_manifest_parse(text, "t.json", &back), 0);
	assert_manifest_equal(&m, &back);
	free(text);
	dbk_manifest_release(&back);
	dbk_manifest_release(&m);
}

static void test_invalid_utf8_still_loads(void **state)
{
	struct dbk_manifest m, back;
	char *text;

	(void)state;
	fill(&m);
	free(m.database);
	m.database = strdup("/srv/caf\xe9.db");
	dbk_tables_add(&m.tables, "bad\xff", 3);
	text = dbk_manifest_dump(&m);
	assert_non_null(text);
	assert_int_equal(dbk_manifest_parse(text, "t.json", &back), 0);
	assert_string_equal(back.database, "/srv/caf\xef\xbf\xbd.db");
	assert_non_null(dbk_tables_find(&back.tables, "bad\xef\xbf\xbd"));
	free(text);
	dbk_manifest_release(&back);
	dbk_manifest_release(&m);
}

/* The manifest of fill() as a jansson object, to damage one key. */
static json_t *valid_json(void)
{
	struct dbk_manifest m;
	char *text;
	json_t *j;

	fill(&m);
	text = dbk_manifest_dump(&m);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	free(text);
	dbk_manifest_release(&m);
	return j;
}

/* Parses j and expects DBK_ECORRUPT with a message holding each of the
 * NULL-terminated strings. */
static void expect_refused(json_t *j, ...)
{
	struct dbk_manifest m;
	char *text = json_dumps(j, 0);
	va_list ap;
	const char *s;

	dbk_clearerr();
	assert_int_equal(dbk_manifest_parse(text, "x.json", &m), DBK_ECORRUPT);
	assert_int_equal(dbk_errcode(), DBK_ECORRUPT);
	assert_non_null(strstr(dbk_errmsg(), "manifest 'x.json'"));
	va_start(ap, j);
	while ((s = va_arg(ap, const char *)) != NULL) {
		if (!strstr(dbk_errmsg(), s))
			fail_msg("message \"%s\" does not name \"%s\"", dbk_errmsg(), s);
	}
	va_end(ap);
	/* The struct is left empty and safe to release again. */
	assert_null(m.engine);
	dbk_manifest_release(&m);
	dbk_clearerr();
	free(text);
	json_decref(j);
}

static void test_bad_json(void **state)
{
	struct dbk_manifest m;

	(void)state;
	dbk_clearerr();
	assert_int_equal(
	    dbk_manifest_parse("{\n  \"formatVersion\": 1,\n  \"engine\": \n", "x.json", &m),
	    DBK_ECORRUPT);
	assert_non_null(strstr(dbk_errmsg(), "manifest 'x.json' is not valid JSON"));
	assert_non_null(strstr(dbk_errmsg(), "line 4"));
	dbk_clearerr();
	assert_int_equal(dbk_manifest_parse("[1, 2]", "x.json", &m), DBK_ECORRUPT);
	assert_non_null(strstr(dbk_errmsg(), "not a JSON object"));
	dbk_clearerr();
	assert_int_equal(dbk_manifest_parse("", "x.json", &m), DBK_ECORRUPT);
	dbk_clearerr();
}

static void test_missing_keys(void **state)
{
	static const char *const required[] = {"formatVersion", "engine",      "database",
					       "file",		"compression", "storedBytes",
					       "sha256",	"kind",	       "tables"};

	(void)state;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		json_t *j = valid_json();
		json_object_del(j, required[i]);
		expect_refused(j, "is invalid", required[i], "missing", NULL);
	}
	/* Without createdEpoch the createdAt text is enough; without both not. */
	{
		struct dbk_manifest m;
		json_t *j = valid_json();
		char *text;

		json_object_del(j, "createdEpoch");
		text = json_dumps(j, 0);
		assert_int_equal(dbk_manifest_parse(text, "x.json", &m), 0);
		assert_int_equal(m.created, CREATED);
		dbk_manifest_release(&m);
		free(text);
		json_object_del(j, "createdAt");
		expect_refused(j, "createdEpoch", NULL);
	}
}

static void test_wrong_types(void **state)
{
	json_t *j;

	(void)state;
	j = valid_json();
	json_object_set_new(j, "storedBytes", json_string("12"));
	expect_refused(j, "storedBytes", "not an integer", NULL);

	j = valid_json();
	json_object_set_new(j, "engine", json_integer(3));
	expect_refused(j, "engine", "not a string", NULL);

	j = valid_json();
	json_object_set_new(j, "tables", json_array());
	expect_refused(j, "tables", "not an object", NULL);

	j = valid_json();
	json_object_set_new(json_object_get(j, "tables"), "Album", json_string("many"));
	expect_refused(j, "tables.Album", NULL);

	j = valid_json();
	json_object_set_new(j, "sha256", json_string("abc"));
	expect_refused(j, "sha256", NULL);

	j = valid_json();
	json_object_set_new(j, "compression", json_string("zstd"));
	expect_refused(j, "compression", NULL);

	j = valid_json();
	json_object_set_new(j, "file", json_string("../../etc/passwd"));
	expect_refused(j, "file", NULL);

	j = valid_json();
	json_object_set_new(j, "storedBytes", json_integer(-1));
	expect_refused(j, "storedBytes", NULL);

	j = valid_json();
	json_object_set_new(j, "tableCount", json_integer(2));
	expect_refused(j, "tableCount", NULL);

	j = valid_json();
	json_object_set_new(j, "omitted", json_string("x"));
	expect_refused(j, "omitted", NULL);

	j = valid_json();
	json_object_set_new(j, "formatVersion", json_string("1"));
	expect_refused(j, "formatVersion", NULL);
}

static void test_future_format(void **state)
{
	json_t *j;

	(void)state;
	j = valid_json();
	json_object_set_new(j, "formatVersion", json_integer(7));
	expect_refused(j, "format version 7", "newer", NULL);
}

static void test_unknown_keys_ignored(void **state)
{
	struct dbk_manifest m;
	json_t *j = valid_json();
	char *text;

	(void)state;
	/* Optional strings come back as "", never NULL (callers print them). */
	json_object_del(j, "host");
	json_object_del(j, "dbkeepVersion");
	json_object_set_new(j, "user", json_null());
	json_object_set_new(j, "encryption", json_string("age"));
	json_object_set_new(j, "labels", json_pack("{s:s}", "team", "ops"));
	text = json_dumps(j, 0);
	assert_int_equal(dbk_manifest_parse(text, "x.json", &m), 0);
	assert_string_equal(m.engine, "sqlite");
	assert_string_equal(m.host, "");
	assert_string_equal(m.user, "");
	assert_string_equal(m.dbkeep_version, "");
	assert_string_equal(m.engine_version, "3.40.1");
	assert_string_equal(m.method, "backup-api");
	dbk_manifest_release(&m);
	free(text);
	json_decref(j);
}

/* dbk_tables_find answers the same on a list sorted and not, for names
 * present and absent, first, last and between. */
static void test_tables_find(void **state)
{
	struct dbk_tables t = DBK_TABLES_INIT;
	char name[32];

	(void)state;
	for (int i = 999; i >= 0; i -= 2) {
		snprintf(name, sizeof(name), "s.t%04d", i);
		dbk_tables_add(&t, name, i);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 1000; i++) {
			const struct dbk_table_count *c;

			snprintf(name, sizeof(name), "s.t%04d", i);
			c = dbk_tables_find(&t, name);
			if (i % 2) {
				assert_non_null(c);
				assert_int_equal(c->rows, i);
			} else {
				assert_null(c);
			}
		}
		assert_null(dbk_tables_find(&t, ""));
		assert_null(dbk_tables_find(&t, "s.t9999"));
		dbk_tables_sort(&t);
	}
	/* adding after sorting: found, whatever the order now */
	dbk_tables_add(&t, "a.first", 7);
	assert_non_null(dbk_tables_find(&t, "a.first"));
	assert_non_null(dbk_tables_find(&t, "s.t0001"));
	dbk_tables_release(&t);
}

static void test_load(void **state)
{
	char dir[] = "/tmp/test_manifest.XXXXXX";
	char path[256], link[256];
	struct dbk_manifest m, back;
	char *text;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.json", dir);
	snprintf(link, sizeof(link), "%s/link.json", dir);

	fill(&m);
	text = dbk_manifest_dump(&m);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(dbk_manifest_load(path, &back), 0);
	assert_manifest_equal(&m, &back);
	dbk_manifest_release(&back);

	assert_int_equal(symlink("a.json", link), 0);
	dbk_clearerr();
	assert_true(dbk_manifest_load(link, &back) < 0);
	assert_non_null(strstr(dbk_errmsg(), "symbolic links"));
	dbk_clearerr();

	unlink(path);
	assert_int_equal(dbk_manifest_load(path, &back), DBK_ENOTFOUND);
	assert_non_null(strstr(dbk_errmsg(), "a.json"));
	dbk_clearerr();

	unlink(link);
	rmdir(dir);
	free(text);
	dbk_manifest_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_optional_keys_left_out),
	    cmocka_unit_test(test_invalid_utf8_still_loads),
	    cmocka_unit_test(test_bad_json),
	    cmocka_unit_test(test_missing_keys),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_future_format),
	    cmocka_unit_test(test_unknown_keys_ignored),
	    cmocka_unit_test(test_tables_find),
	    cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
