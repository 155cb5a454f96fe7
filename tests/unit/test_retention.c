/*
 * test_retention.c - which backups `dbkeep prune` keeps, rule by rule, with
 * the calendar's awkward corners (month and year ends, a leap day, an ISO
 * week that spans New Year).  Each table row lists backups in a scrambled
 * order with the reason dbkeep must give for keeping each ("" = deleted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dbkeep/retention.h"

#define MAX_ITEMS 16

/* "YYYY-MM-DD HH:MM:SS" in UTC. */
static time_t T(const char *s)
{
	struct tm tm = {0};

	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		fail_msg("bad time in the test: '%s'", s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

struct row_item {
	const char *when;
	int good;
	const char *want; /* reason, "" when deleted */
};

struct row {
	const char *what;
	struct dbk_retention rules;
	const char *now;
	struct row_item items[MAX_ITEMS];
};

/* clang-format off */
static const struct row rows[] = {
	{"one backup, no rule: the newest good one stays", {0}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 1, "newest"},
	}},
	{"one backup, keep_last 1", {.keep_last = 1}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 1, "last, newest"},
	}},
	{"same second: lower index counts as newer", {.keep_last = 2}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 1, "last, newest"},
		{"2026-01-01 03:00:00", 1, "last"},
		{"2026-01-01 03:00:00", 1, ""},
	}},
	{"same second, daily 1: one of them", {.keep_daily = 1}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 1, "daily, newest"},
		{"2026-01-01 03:00:00", 1, ""},
		{"2026-01-01 03:00:00", 1, ""},
	}},
	{"keep_last only, any order", {.keep_last = 3}, "2026-01-10 00:00:00", {
		{"2026-01-02 03:00:00", 1, ""},
		{"2026-01-05 03:00:00", 1, "last, newest"},
		{"2026-01-01 03:00:00", 1, ""},
		{"2026-01-04 03:00:00", 1, "last"},
		{"2026-01-03 03:00:00", 1, "last"},
	}},
	{"keep_last larger than the list", {.keep_last = 10}, "2026-01-10 00:00:00", {
		{"2026-01-02 03:00:00", 1, "last"},
		{"2026-01-05 03:00:00", 1, "last, newest"},
	}},
	{"keep_days only: strictly younger than D days", {.keep_days = 7}, "2026-03-10 12:00:00", {
		{"2026-03-03 12:00:00", 1, ""},
		{"2026-03-03 12:00:01", 1, "days"},
		{"2026-03-10 11:00:00", 1, "days"},
		{"2026-03-01 12:00:00", 1, ""},
		{"2026-03-11 00:00:00", 1, "days, newest"}, /* clock skew: from the future */
	}},
	{"daily across a month end", {.keep_daily = 2}, "2026-02-02 00:00:00", {
		{"2026-01-31 08:00:00", 1, ""},
		{"2026-02-01 06:00:00", 1, ""},
		{"2026-01-31 20:00:00", 1, "daily"},
		{"2026-02-01 07:00:00", 1, "daily, newest"},
		{"2026-01-30 23:59:59", 1, ""},
	}},
	{"daily across a leap day", {.keep_daily = 3}, "2028-03-02 00:00:00", {
		{"2028-02-28 01:00:00", 1, ""},
		{"2028-02-28 23:00:00", 1, "daily"},
		{"2028-02-29 00:00:00", 1, ""},
		{"2028-02-29 23:59:59", 1, "daily"},
		{"2028-03-01 00:00:00", 1, "daily, newest"},
		{"2028-02-27 12:00:00", 1, ""},
	}},
	{"daily across a year end", {.keep_daily = 2}, "2027-01-02 00:00:00", {
		{"2026-12-31 00:00:00", 1, ""},
		{"2027-01-01 00:00:00", 1, "daily, newest"},
		{"2026-12-31 23:59:59", 1, "daily"},
		{"2026-12-30 12:00:00", 1, ""},
	}},
	{"ISO week: 2026-12-31 and 2027-01-01 are both 2026-W53", {.keep_weekly = 1},
	 "2027-01-02 00:00:00", {
		{"2026-12-31 12:00:00", 1, ""},
		{"2027-01-01 12:00:00", 1, "weekly, newest"},
	}},
	{"ISO weeks around a year end", {.keep_weekly = 3}, "2027-01-05 00:00:00", {
		{"2026-12-28 03:00:00", 1, ""},           /* Mon, 2026-W53 */
		{"2027-01-03 03:00:00", 1, "weekly"},      /* Sun, 2026-W53 */
		{"2026-12-31 03:00:00", 1, ""},
		{"2027-01-04 03:00:00", 1, "weekly, newest"}, /* Mon, 2027-W01 */
		{"2026-12-27 03:00:00", 1, "weekly"},      /* Sun, 2026-W52 */
		{"2026-12-21 03:00:00", 1, ""},           /* Mon, 2026-W52 */
		{"2026-12-20 03:00:00", 1, ""},           /* Sun, 2026-W51: a 4th week */
		{"2027-01-01 03:00:00", 1, ""},
	}},
	{"monthly", {.keep_monthly = 3}, "2026-05-01 00:00:00", {
		{"2026-01-31 03:00:00", 1, ""},
		{"2026-02-28 03:00:00", 1, ""},
		{"2026-02-01 03:00:00", 1, ""},
		{"2026-03-31 23:59:59", 1, "monthly"},
		{"2026-04-02 03:00:00", 1, "monthly, newest"},
		{"2026-03-01 00:00:00", 1, ""},
		{"2026-04-01 03:00:00", 1, ""},
		/* February has a backup, so February is a period: March,
		 * April and February, not January. */
		{"2026-02-15 03:00:00", 1, ""},
		{"2026-02-28 23:00:00", 1, "monthly"},
	}},
	{"monthly skips months without a backup", {.keep_monthly = 2}, "2026-12-01 00:00:00", {
		{"2026-01-10 03:00:00", 1, ""},
		{"2026-06-10 03:00:00", 1, "monthly"},
		{"2026-11-10 03:00:00", 1, "monthly, newest"},
	}},
	{"yearly", {.keep_yearly = 2}, "2026-06-01 00:00:00", {
		{"2025-06-01 03:00:00", 1, ""},
		{"2026-01-01 00:00:00", 1, ""},
		{"2025-12-31 23:59:59", 1, "yearly"},
		{"2026-05-31 03:00:00", 1, "yearly, newest"},
		{"2024-12-31 03:00:00", 1, ""},
	}},
	{"several rules on one backup", {.keep_last = 1, .keep_daily = 2, .keep_monthly = 2},
	 "2026-02-02 00:00:00", {
		{"2026-01-31 20:00:00", 1, "daily, monthly"},
		{"2026-02-01 07:00:00", 1, "last, daily, monthly, newest"},
		{"2026-01-31 08:00:00", 1, ""},
	}},
	{"every rule 0: only the newest good backup", {0}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 1, ""},
		{"2026-01-03 03:00:00", 1, "newest"},
		{"2026-01-02 03:00:00", 1, ""},
	}},
	{"the newest is broken: the newest good one is protected", {0}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 1, ""},
		{"2026-01-03 03:00:00", 0, ""},
		{"2026-01-02 03:00:00", 1, "newest"},
	}},
	{"a broken newest still counts for the rules", {.keep_last = 1}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 1, ""},
		{"2026-01-03 03:00:00", 0, "last"},
		{"2026-01-02 03:00:00", 1, "newest"},
	}},
	{"nothing good: nothing protected", {0}, "2026-01-10 00:00:00", {
		{"2026-01-01 03:00:00", 0, ""},
		{"2026-01-03 03:00:00", 0, ""},
	}},
};
/* clang-format on */

static size_t row_len(const struct row *r)
{
	size_t n = 0;

	while (n < MAX_ITEMS && r->items[n].when)
		n++;
	return n;
}

static void test_table(void **state)
{
	(void)state;
	set_tz("UTC");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct dbk_retention_item items[MAX_ITEMS];
		size_t n = row_len(r);

		for (size_t k = 0; k < n; k++) {
			items[k].created = T(r->items[k].when);
			items[k].good = r->items[k].good;
			items[k].keep = 0xdead; /* must be overwritten */
		}
		dbk_retention_apply(&r->rules, T(r->now), items, n);
		for (size_t k = 0; k < n; k++) {
			char why[128];

			/* The caller's array is not reordered. */
			assert_int_equal((long long)items[k].created,
					 (long long)T(r->items[k].when));
			dbk_retention_reason(items[k].keep, why, sizeof(why));
			if (strcmp(why, r->items[k].want) != 0)
				fail_msg("%s: backup %s: kept for \"%s\", expected \"%s\"", r->what,
					 r->items[k].when, why, r->items[k].want);
		}
	}
}

static void test_empty_list(void **state)
{
	struct dbk_retention rules = {.keep_last = 3, .keep_daily = 7};
	struct dbk_retention_item none[1] = {{0, 1, 0}};

	(void)state;
	set_tz("UTC");
	dbk_retention_apply(&rules, T("2026-01-10 00:00:00"), NULL, 0);
	dbk_retention_apply(&rules, T("2026-01-10 00:00:00"), none, 0);
	assert_int_equal(none[0].keep, 0);
}

/* A year of nightly backups at 03:00 and every rule at once: the kept set is
 * the union of what each rule keeps. */
static void test_all_rules_nightly(void **state)
{
	static const struct {
		const char *day;
		const char *want;
	} kept[] = {
	    {"2026-03-15", "last, days, daily, weekly, monthly, yearly, newest"},
	    {"2026-03-14", "last, days, daily"},
	    {"2026-03-13", "last, days, daily"},
	    {"2026-03-12", "days, daily"},
	    {"2026-03-11", "days, daily"},
	    {"2026-03-10", "days, daily"},
	    {"2026-03-09", "days, daily"},
	    {"2026-03-08", "days, weekly"}, /* Sunday of 2026-W10 */
	    {"2026-03-07", "days"},
	    {"2026-03-06", "days"},
	    {"2026-03-01", "weekly"}, /* Sunday of 2026-W09 */
	    {"2026-02-28", "monthly"},
	    {"2026-02-22", "weekly"}, /* Sunday of 2026-W08 */
	    {"2026-01-31", "monthly"},
	    {"2025-12-31", "monthly, yearly"},
	    {"2025-11-30", "monthly"},
	    {"2025-10-31", "monthly"},
	};
	struct dbk_retention rules = {.keep_last = 3,
				      .keep_days = 10,
				      .keep_daily = 7,
				      .keep_weekly = 4,
				      .keep_monthly = 6,
				      .keep_yearly = 2};
	time_t first = T("2025-01-01 03:00:00"), last = T("2026-03-15 03:00:00");
	size_t n = (size_t)((last - first) / 86400) + 1, nkept = 0;
	struct dbk_retention_item *items = calloc(n, sizeof(*items));

	(void)state;
	set_tz("UTC");
	assert_non_null(items);
	/* Scrambled: a stride coprime with n visits every day once. */
	for (size_t k = 0; k < n; k++) {
		items[k].created = first + (time_t)((k * 7919) % n) * 86400;
		items[k].good = 1;
	}
	dbk_retention_apply(&rules, T("2026-03-15 12:00:00"), items, n);
	for (size_t k = 0; k < n; k++) {
		char day[16], why[128];
		struct tm tm;
		const char *want = "";

		gmtime_r(&items[k].created, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		for (size_t j = 0; j < sizeof(kept) / sizeof(kept[0]); j++)
			if (strcmp(kept[j].day, day) == 0)
				want = kept[j].want;
		dbk_retention_reason(items[k].keep, why, sizeof(why));
		if (strcmp(why, want) != 0)
			fail_msg("backup of %s: kept for \"%s\", expected \"%s\"", day, why, want);
		nkept += items[k].keep != 0;
	}
	assert_int_equal(nkept, sizeof(kept) / sizeof(kept[0]));
	free(items);
}

/* Periods are local days: at 22:00 in New York (UTC-5) it is already
 * tomorrow in UTC, and that must not split or merge days. */
static void test_local_time(void **state)
{
	struct dbk_retention rules = {.keep_daily = 2};
	struct dbk_retention_item items[3] = {
	    {T("2026-01-01 03:00:00"), 1, 0}, /* 2025-12-31 22:00 local */
	    {T("2025-12-31 15:00:00"), 1, 0}, /* 2025-12-31 10:00 local */
	    {T("2025-12-30 15:00:00"), 1, 0}, /* 2025-12-30 10:00 local */
	};

	(void)state;
	set_tz("EST5");
	dbk_retention_apply(&rules, T("2026-01-02 00:00:00"), items, 3);
	assert_int_equal(items[0].keep, DBK_KEEP_DAILY | DBK_KEEP_NEWEST);
	assert_int_equal(items[1].keep, 0);
	assert_int_equal(items[2].keep, DBK_KEEP_DAILY);
	set_tz("UTC");
}

static void test_empty_rules(void **state)
{
	struct dbk_retention r = {0};

	(void)state;
	assert_true(dbk_retention_empty(&r));
	r.keep_yearly = 1;
	assert_false(dbk_retention_empty(&r));
	r.keep_yearly = 0;
	r.keep_days = 30;
	assert_false(dbk_retention_empty(&r));
}

static void test_reason(void **state)
{
	char buf[64], tiny[8];

	(void)state;
	dbk_retention_reason(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	dbk_retention_reason(DBK_KEEP_NEWEST, buf, sizeof(buf));
	assert_string_equal(buf, "newest");
	dbk_retention_reason(DBK_KEEP_LAST | DBK_KEEP_DAILY | DBK_KEEP_MONTHLY, buf, sizeof(buf));
	assert_string_equal(buf, "last, daily, monthly");
	/* A short buffer holds a NUL-terminated prefix, never an overflow. */
	memset(tiny, 'x', sizeof(tiny));
	dbk_retention_reason(DBK_KEEP_LAST | DBK_KEEP_DAILY | DBK_KEEP_MONTHLY, tiny, sizeof(tiny));
	assert_true(memchr(tiny, '\0', sizeof(tiny)) != NULL);
	assert_true(strncmp(tiny, "last", 4) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_empty_list),
	    cmocka_unit_test(test_all_rules_nightly),
	    cmocka_unit_test(test_local_time),
	    cmocka_unit_test(test_empty_rules),
	    cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
