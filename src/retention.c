/*
 * retention.c - which backups to keep (see retention.h), following restic's
 * `forget`: walk the backups from newest to oldest; each calendar rule keeps
 * the first (newest) backup it meets in a period it has not seen yet, until
 * it has kept its N periods.  A backup is deleted only when no rule keeps it.
 *
 * The caller's array is never reordered: an index order is sorted on the
 * side.  Equal times are ordered by index (lower index counts as newer), so
 * the decision is deterministic whatever qsort does with equal keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbkeep/error.h"
#include "dbkeep/retention.h"

struct ret_order {
	time_t created;
	size_t idx;
};

/* Newest first; among equal times, lower index first. */
static int ret_cmp(const void *a, const void *b)
{
	const struct ret_order *x = a, *y = b;

	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

enum ret_period { RET_DAY, RET_WEEK, RET_MONTH, RET_YEAR, RET_NPERIODS };

/* A number naming the period that holds t, in local time: equal numbers,
 * same period.  Weeks are ISO 8601 weeks, whose year (%G) may differ from
 * the calendar year around New Year. */
static long ret_period_key(time_t t, enum ret_period p)
{
	struct tm tm;
	char buf[16];

	if (!localtime_r(&t, &tm))
		return (long)(t / 86400); /* out of range for struct tm */
	switch (p) {
	case RET_DAY:
		return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	case RET_WEEK:
		if (strftime(buf, sizeof(buf), "%G%V", &tm) == 0)
			return 0;
		return strtol(buf, NULL, 10);
	case RET_MONTH:
		return (tm.tm_year + 1900L) * 100 + tm.tm_mon + 1;
	default:
		return tm.tm_year + 1900L;
	}
}

int dbk_retention_empty(const struct dbk_retention *r)
{
	return r->keep_last == 0 && r->keep_days == 0 && r->keep_daily == 0 &&
	       r->keep_weekly == 0 && r->keep_monthly == 0 && r->keep_yearly == 0;
}

void dbk_retention_apply(const struct dbk_retention *r, time_t now,
			 struct dbk_retention_item *items, size_t n)
{
	static const unsigned period_bit[RET_NPERIODS] = {DBK_KEEP_DAILY, DBK_KEEP_WEEKLY,
							  DBK_KEEP_MONTHLY, DBK_KEEP_YEARLY};
	/* A negative count means "no limit", as restic's -1. */
	long left[RET_NPERIODS] = {r->keep_daily, r->keep_weekly, r->keep_monthly, r->keep_yearly};
	long last_key[RET_NPERIODS];
	int seen[RET_NPERIODS] = {0};
	long last_left = r->keep_last;
	int newest_done = 0;
	struct ret_order *order;

	for (size_t i = 0; i < n; i++)
		items[i].keep = 0;
	if (n == 0)
		return;
	order = dbk_calloc(n, sizeof(*order));
	if (!order) {
		/* Out of memory (recorded for the caller): deleting nothing is
		 * the only safe answer. */
		for (size_t i = 0; i < n; i++)
			items[i].keep = DBK_KEEP_NEWEST;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		order[i].created = items[i].created;
		order[i].idx = i;
	}
	qsort(order, n, sizeof(*order), ret_cmp);

	for (size_t k = 0; k < n; k++) {
		struct dbk_retention_item *it = &items[order[k].idx];

		if (last_left != 0) {
			it->keep |= DBK_KEEP_LAST;
			if (last_left > 0)
				last_left--;
		}
		/* Written as a subtraction from created, not now - days*86400,
		 * so a huge keep_days cannot overflow. */
		if (r->keep_days > 0 && now - it->created < (time_t)r->keep_days * 86400)
			it->keep |= DBK_KEEP_DAYS;
		else if (r->keep_days < 0)
			it->keep |= DBK_KEEP_DAYS;
		for (int p = 0; p < RET_NPERIODS; p++) {
			long key;

			if (left[p] == 0)
				continue;
			key = ret_period_key(it->created, (enum ret_period)p);
			if (seen[p] && key == last_key[p])
				continue;
			seen[p] = 1;
			last_key[p] = key;
			it->keep |= period_bit[p];
			if (left[p] > 0)
				left[p]--;
		}
		if (!newest_done && it->good) {
			it->keep |= DBK_KEEP_NEWEST;
			newest_done = 1;
		}
	}
	free(order);
}

void dbk_retention_reason(unsigned keep, char *buf, size_t size)
{
	static const struct {
		unsigned bit;
		const char *word;
	} words[] = {
	    {DBK_KEEP_LAST, "last"},	 {DBK_KEEP_DAYS, "days"},	{DBK_KEEP_DAILY, "daily"},
	    {DBK_KEEP_WEEKLY, "weekly"}, {DBK_KEEP_MONTHLY, "monthly"}, {DBK_KEEP_YEARLY, "yearly"},
	    {DBK_KEEP_NEWEST, "newest"},
	};
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		int w;

		if (!(keep & words[i].bit))
			continue;
		w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", words[i].word);
		if (w < 0 || (size_t)w >= size - used)
			return; /* truncated, still NUL-terminated */
		used += (size_t)w;
	}
}
