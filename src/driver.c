/*
 * driver.c - the registry of drivers and how one is chosen (see driver.h).
 */
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dbkeep/driver.h"

#ifdef HAVE_DRIVER_SQLITE
extern const struct dbk_driver dbk_driver_sqlite;
#endif
#ifdef HAVE_DRIVER_POSTGRES
extern const struct dbk_driver dbk_driver_postgres;
#endif

const struct dbk_driver *const dbk_drivers[] = {
#ifdef HAVE_DRIVER_SQLITE
	&dbk_driver_sqlite,
#endif
#ifdef HAVE_DRIVER_POSTGRES
	&dbk_driver_postgres,
#endif
	NULL,
};

const struct dbk_driver *dbk_driver_find(const char *name)
{
	for (size_t i = 0; dbk_drivers[i]; i++)
		if (strcmp(dbk_drivers[i]->name, name) == 0)
			return dbk_drivers[i];
	/* The names admins type for the same engines. */
	if (strcasecmp(name, "postgresql") == 0 || strcasecmp(name, "pg") == 0)
		return dbk_driver_find("postgres");
	if (strcasecmp(name, "sqlite3") == 0)
		return dbk_driver_find("sqlite");
	return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

const struct dbk_driver *dbk_driver_guess(const char *db)
{
	struct stat st;

	if (!db || !*db)
		return NULL;
	if (strncmp(db, "postgres://", 11) == 0 || strncmp(db, "postgresql://", 13) == 0)
		return dbk_driver_find("postgres");
	if (stat(db, &st) == 0 && S_ISREG(st.st_mode))
		return dbk_driver_find("sqlite");
	if (ends_with(db, ".db") || ends_with(db, ".sqlite") || ends_with(db, ".sqlite3") ||
	    ends_with(db, ".db3") || strchr(db, '/'))
		return dbk_driver_find("sqlite");
	return dbk_driver_find("postgres");
}
