/*
 * retention.h - the pure keep/delete decision, as restic's forget has it.
 *
 * A backup is deleted only when no rule keeps it.  Rules:
 *   keep_last N     the N newest
 *   keep_days D     every backup younger than D days (relative to now)
 *   keep_daily N    the newest backup of each of the N newest days that have one
 *   keep_weekly N   ... ISO weeks;  keep_monthly N ... months;  keep_yearly N ... years
 * Calendar periods are taken in local time (TZ).  The newest good backup is
 * always kept.  0 disables a rule.  The caller passes only regular backups
 * (no safety, no legacy); no I/O happens here.
 */
#ifndef DBKEEP_RETENTION_H
#define DBKEEP_RETENTION_H

#include <stddef.h>
#include <time.h>

struct dbk_retention {
	int keep_last;
	int keep_days;
	int keep_daily;
	int keep_weekly;
	int keep_monthly;
	int keep_yearly;
};

#define DBK_RETENTION_DEFAULT_KEEP_LAST 10

/* Reasons a backup is kept, as bits. */
#define DBK_KEEP_LAST    (1u << 0)
#define DBK_KEEP_DAYS    (1u << 1)
#define DBK_KEEP_DAILY   (1u << 2)
#define DBK_KEEP_WEEKLY  (1u << 3)
#define DBK_KEEP_MONTHLY (1u << 4)
#define DBK_KEEP_YEARLY  (1u << 5)
#define DBK_KEEP_NEWEST  (1u << 6) /* the newest good backup, always */

struct dbk_retention_item {
	time_t created; /* input */
	int good;       /* input: files present and matching */
	unsigned keep;  /* output: DBK_KEEP_* bits, 0 = delete */
};

/* True when no rule is set (every member 0). */
int dbk_retention_empty(const struct dbk_retention *r);

/* Decides for items[0..n) (any order).  now is the reference for keep_days. */
void dbk_retention_apply(const struct dbk_retention *r, time_t now,
			 struct dbk_retention_item *items, size_t n);

/* Writes a human reason such as "last 10, daily" for keep bits into buf. */
void dbk_retention_reason(unsigned keep, char *buf, size_t size);

#endif
