/*
 * driver.h - the contract between the dbkeep core and a database engine.
 *
 * A driver is one `static const struct dbk_driver` with designated
 * initialisers, the only exported symbol of its file(s).  The registry in
 * src/driver.c lists them.  The core never includes an engine's headers; a
 * driver never touches backup naming, retention, manifests, checksums,
 * compression, the backup folder or prompts, and never prints an error (it
 * records one with dbk_seterr and returns the code; dbk_verbose is fine).
 *
 * Checklist for a new driver: drivers/<engine>.c (or a folder) exporting
 * dbk_driver_<engine>; a row in src/driver.c behind HAVE_DRIVER_<ENGINE>;
 * its sources in Makefile.am; tests/e2e tests against the real engine; the
 * README and man page entries.
 */
#ifndef DBKEEP_DRIVER_H
#define DBKEEP_DRIVER_H

#include "dbkeep/stream.h"
#include "dbkeep/strbuf.h"
#include "dbkeep/tables.h"

/* Capability bits: the core asks these, never the driver's name. */
#define DBK_CAP_FILE_TARGET (1u << 0) /* the database is a file path (SQLite) */
#define DBK_CAP_SERVER      (1u << 1) /* host/port/user apply (PostgreSQL) */
#define DBK_CAP_ROLES       (1u << 2) /* --no-owner / --no-privileges apply */
/* swap renames the counted scratch into place (PostgreSQL): no row moves, so
 * the restore does not count them a second time. */
#define DBK_CAP_SWAP_RENAMES (1u << 3)

/* What to connect to, gathered by the core from options and environment.
 * The password is only ever handed to the engine's connect call. */
struct dbk_target {
	const char *db;       /* SQLite: a path.  PostgreSQL: a name or URI/conninfo */
	const char *host;     /* NULL: the engine's default (PG* variables) */
	const char *port;
	const char *user;
	const char *password; /* NULL: the engine's default (PGPASSWORD, ~/.pgpass) */
	int connect_timeout;  /* seconds; 0: the driver's default (10) */
};

/* A connection.  Each driver embeds this as the first member of its own
 * struct; the core only ever sees struct dbk_conn *. */
struct dbk_conn {
	const struct dbk_driver *drv;
	char *display;        /* safe to print: the path or the database name, never a password */
	char *label;          /* suggested backup name: file stem or database name */
	char *engine_version; /* e.g. "3.40.1" or "15.18" */
};

struct dbk_dump_opts {
	const char *scratch_dir;            /* a folder the driver may use for scratch files */
	int allow_partial;                  /* leave out objects it cannot write, listing them */
	int no_owner;                       /* PostgreSQL: no ALTER ... OWNER, no roles */
	int no_privileges;                  /* PostgreSQL: no GRANT/REVOKE */
	int lock_timeout_ms;                /* 0: the driver's default */
	const struct dbk_strlist *schemas;  /* only these schemas (empty: all) */
	const struct dbk_strlist *exclude_tables; /* tables whose data (and definition) is left out */
};

/* What a dump reports; the core writes it into the manifest.  Strings are
 * malloc()ed and owned by this struct (dbk_dump_info_release). */
struct dbk_dump_info {
	struct dbk_tables tables;      /* every table dumped, with its row count */
	char *integrity;               /* SQLite: PRAGMA integrity_check of the copy; else NULL */
	char *method;                  /* how the copy was taken, e.g. "wal-snapshot"; may be NULL */
	struct dbk_strlist omitted;    /* objects left out under allow_partial */
};

#define DBK_DUMP_INFO_INIT {DBK_TABLES_INIT, NULL, NULL, DBK_STRLIST_INIT}
void dbk_dump_info_release(struct dbk_dump_info *info);

struct dbk_restore_opts {
	const char *scratch_dir; /* a folder for scratch files; SQLite uses the target's own folder */
	int no_owner;
	int no_privileges;
	int keep_old;            /* PostgreSQL: keep the replaced database under another name */
	int terminate;           /* PostgreSQL: end other sessions on the target before the swap */
	int jobs;                /* PostgreSQL: connections that load at once; 1: one, in
	                          * order; 0: the number of online CPUs */
};

struct dbk_driver {
	const char *name;       /* "sqlite", "postgres": selected by --engine and in manifests */
	const char *ext;        /* backup file extension without dot: "db", "sql" */
	unsigned caps;          /* DBK_CAP_* */

	/* ---- Required ------------------------------------------------- */

	/* Connects to an existing database.  Fails with DBK_ENOTFOUND when it
	 * does not exist (the SQLite driver never creates a file here).  On
	 * success *out is owned by the caller (disconnect). */
	int (*connect)(const struct dbk_target *t, struct dbk_conn **out);

	/* Closes and frees c; c may be NULL. */
	void (*disconnect)(struct dbk_conn *c);

	/* Writes a consistent copy of the database into w (the core owns w and
	 * finishes it).  Fills info.  Must fail, naming the objects, when it
	 * cannot write something, unless opts->allow_partial. */
	int (*dump)(struct dbk_conn *c, const struct dbk_dump_opts *opts, struct dbk_writer *w,
		    struct dbk_dump_info *info);

	/* Lists the user tables with exact row counts (sorted by name). */
	int (*count_tables)(struct dbk_conn *c, struct dbk_tables *out);

	/* Restore, before anything is touched or saved: sets *exists to
	 * whether the target database exists (no error when not), and fails,
	 * saying why, when this user could never complete a restore into t
	 * (PostgreSQL: a role that may not create the scratch database or
	 * rename the target), so that the refusal comes before a safety backup
	 * that would be wasted. */
	int (*restore_probe)(const struct dbk_target *t, int *exists);

	/* Restore, step 1: loads the backup read from r into a new scratch
	 * database beside the target (the live target is not touched) and
	 * returns a connection to it in *scratch (owned by the caller, who ends
	 * it with swap or discard). */
	int (*load_scratch)(const struct dbk_target *t, struct dbk_reader *r,
			    const struct dbk_restore_opts *opts, struct dbk_conn **scratch);

	/* Restore, step 2, after the core checked the scratch's counts: makes the
	 * scratch database the target, atomically for anyone looking at the
	 * target (creating the target if it does not exist).  Consumes scratch
	 * (frees it whatever the result).  On failure the target is unchanged. */
	int (*swap)(struct dbk_conn *scratch, const struct dbk_target *t,
		    const struct dbk_restore_opts *opts);

	/* Restore, abandoned: removes the scratch database and frees scratch. */
	void (*discard)(struct dbk_conn *scratch);

	/* ---- Optional ------------------------------------------------- */

	/* Returns 1 when head (the first bytes of a decompressed file) is a
	 * backup this driver can restore; for listing files of other tools. */
	int (*sniff)(const void *head, size_t n);

	/* verify --deep: checks the decompressed backup read from r without a
	 * live database (SQLite: integrity_check of a scratch copy in
	 * scratch_dir).  Sets result to a short human-readable outcome. */
	int (*check_copy)(struct dbk_reader *r, const char *scratch_dir, struct dbk_strbuf *result);

	/* Removes scratch files left behind by a killed restore of t, before
	 * the safety backup needs the space.  A driver may instead do this in
	 * load_scratch (PostgreSQL: on the connection that creates the new
	 * scratch database, saving one). */
	int (*cleanup)(const struct dbk_target *t);

	/* An estimate of the bytes dump will write (the file's size, the
	 * database's size), for the progress line's percent and ETA. */
	int (*size_hint)(struct dbk_conn *c, uint64_t *bytes);
};

/* The registry (src/driver.c). */
const struct dbk_driver *dbk_driver_find(const char *name);
/* NULL-terminated list of every built driver. */
extern const struct dbk_driver *const dbk_drivers[];
/* Guesses the engine of a target: an existing regular file, or a name
 * ending in .db, .sqlite* or .sqlite3 -> sqlite; a postgres:// or
 * postgresql:// URI or anything else -> postgres. */
const struct dbk_driver *dbk_driver_guess(const char *db);

#endif
