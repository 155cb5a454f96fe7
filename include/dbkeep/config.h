/*
 * config.h - the configuration file (INI, read with inih).
 *
 *   [defaults]            settings for every command and job
 *   dir = /var/backups/dbkeep
 *   keep-daily = 7
 *
 *   [nightly-app]         a job: dbkeep backup --job nightly-app
 *   db = /srv/app/app.db
 *   keep-last = 30
 *
 * Keys are the long option names.  A command takes the keys its own options
 * know and ignores the rest (dir applies to list, keep-daily does not);
 * a key no command knows is an error naming file and line.  The settings act
 * as if given on the command line before the user's own options, so:
 * command line > job section > [defaults] > environment > built-in defaults.
 * File: --config FILE, else $DBKEEP_CONFIG, else /etc/dbkeep.conf if present.
 */
#ifndef DBKEEP_CONFIG_H
#define DBKEEP_CONFIG_H

#include <popt.h>

#include "dbkeep/tables.h"

#define DBK_CONFIG_DEFAULT_PATH "/etc/dbkeep.conf"
#define DBK_CONFIG_DEFAULTS "defaults"

struct dbk_config_entry {
	char *section;
	char *key;
	char *value;
	int line;
};

struct dbk_config {
	char *path;  /* NULL when no file was read */
	struct dbk_config_entry *items;
	size_t n;
	size_t alloc;
};

#define DBK_CONFIG_INIT {NULL, NULL, 0, 0}

/* Reads path (must_exist: a missing file is an error, else an empty
 * config).  known: NULL-terminated tables whose long names are the valid
 * keys. */
int dbk_config_load(const char *path, int must_exist, const struct poptOption *const *known,
		    struct dbk_config *cfg);
void dbk_config_release(struct dbk_config *cfg);

/* The job sections (every section but [defaults]), in file order. */
void dbk_config_jobs(const struct dbk_config *cfg, struct dbk_strlist *out);
int dbk_config_has_section(const struct dbk_config *cfg, const char *section);

/* Appends to out the arguments ("--key", "value") of section's keys that
 * table (with its included tables) knows.  Boolean options appear only when
 * their value is true (1, yes, true, on); other values are DBK_EUSAGE. */
int dbk_config_args(const struct dbk_config *cfg, const char *section,
		    const struct poptOption *table, struct dbk_strlist *out);

#endif
