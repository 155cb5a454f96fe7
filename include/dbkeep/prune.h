/*
 * prune.h - applying retention to a backup folder.
 *
 * Rules apply to regular backups only, each database (backup label and
 * engine) on its own; safety and legacy files are never pruned.  A set is
 * deleted manifest first, so it stops being a backup before its data goes.
 */
#ifndef DBKEEP_PRUNE_H
#define DBKEEP_PRUNE_H

#include "dbkeep/catalog.h"
#include "dbkeep/retention.h"

/* Decides for every regular backup in cat and deletes the ones no rule keeps
 * (unless dry_run).  report: print one line a backup on stdout ("kept ...
 * (last, daily)" / "deleted ..."); otherwise only deletions under -v.
 * only: when not NULL, just the backups of only's database (a backup's own
 * retention leaves other databases' backups in the folder alone), and
 * never only itself, the backup just taken.
 * Call with the folder lock held. */
int dbk_prune(struct dbk_catalog *cat, const struct dbk_retention *r, int dry_run, int report,
	      const struct dbk_entry *only);

#endif
