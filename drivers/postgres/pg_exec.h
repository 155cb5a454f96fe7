/*
 * pg_exec.h - the streaming SQL executor of the PostgreSQL driver.
 *
 * Two layers:
 *
 *   pg_split   a pure, incremental statement splitter: it is fed bytes in
 *              chunks of any size (one byte at a time works) and reports
 *              items through a callback: whole SQL statements, psql
 *              backslash-command lines, "--" comment lines found between
 *              statements, and the data of COPY ... FROM stdin blocks.  It
 *              needs no server (verify --deep and the unit tests use it
 *              alone).
 *   pg_exec    drives the splitter over a struct dbk_reader and runs each
 *              item on a libpq connection (COPY data with PQputCopyData).
 *
 * Memory is constant apart from one statement's text, which is buffered
 * until its end is seen: COPY data goes out in chunks of PG_SPLIT_COPY_CHUNK
 * bytes, comment lines are kept up to PG_SPLIT_COMMENT_MAX bytes.
 *
 * The lexical rules follow psql's: single quotes ('' doubled), E'' strings
 * and, with standard_conforming_strings off, every '' string (backslash
 * escapes), dollar quotes ($$ and $tag$, not after an identifier character
 * nor a parameter such as $1), double-quoted identifiers, -- comments, nested
 * block comments, parentheses (a ';' inside them does not end a statement)
 * and BEGIN ... END bodies of CREATE FUNCTION/PROCEDURE (BEGIN ATOMIC).  A
 * statement whose first word is COPY and that holds the words FROM STDIN is
 * followed by data lines up to a line "\." (CRLF line ends are accepted).
 * "SET standard_conforming_strings = on|off" is tracked from the text.
 * A backslash outside quotes at the start of a statement begins a psql
 * command that runs to the end of the line; inside a statement it is an
 * error.
 */
#ifndef DBKEEP_PG_EXEC_H
#define DBKEEP_PG_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "dbkeep/driver.h"
#include "dbkeep/stream.h"
#include "dbkeep/strbuf.h"
#include "dbkeep/tables.h"

#define PG_SPLIT_COPY_CHUNK (256 * 1024)
#define PG_SPLIT_COMMENT_MAX (1024 * 1024)
#define PG_SPLIT_NTOK 6	  /* leading tokens remembered per statement */
#define PG_SPLIT_NDBREF 4 /* tokens after the word DATABASE remembered */

enum pg_split_kind {
	PG_SPLIT_STMT,	    /* text: one statement, with its ';' when it had one */
	PG_SPLIT_META,	    /* text: a backslash command line, without the line end */
	PG_SPLIT_COMMENT,   /* text: a "--" comment between statements, without the line end */
	PG_SPLIT_COPY_DATA, /* text: the next chunk of a COPY block's data */
	PG_SPLIT_COPY_END   /* the "\." line that ends a COPY block */
};

/* A token of a statement: its offset and length in the statement's text.
 * Words (identifiers and keywords, unquoted) and double-quoted identifiers
 * (with their quotes) are tokens; nothing else is recorded. */
struct pg_split_tok {
	size_t off;
	size_t len;
};

struct pg_split_item {
	enum pg_split_kind kind;
	const char *text; /* NUL-terminated; valid during the callback only */
	size_t len;
	unsigned long line; /* the line (from 1) where the item starts */
	/* PG_SPLIT_STMT only: */
	int copy_in;  /* COPY ... FROM stdin: data items follow */
	int owner_to; /* the words OWNER TO appear outside quotes */
	size_t ntok;  /* leading tokens recorded (at most PG_SPLIT_NTOK) */
	struct pg_split_tok tok[PG_SPLIT_NTOK];
	size_t ndbref; /* tokens that follow the word DATABASE */
	struct pg_split_tok dbref[PG_SPLIT_NDBREF];
};

/* Returns 0 to go on; anything else stops the splitter, which returns it. */
typedef int (*pg_split_fn)(void *arg, const struct pg_split_item *item);

/* The splitter's state; see pg_exec.c.  Fields are private. */
struct pg_split {
	pg_split_fn fn;
	void *arg;
	int state;
	int scs; /* standard_conforming_strings */
	unsigned long line;
	struct dbk_strbuf stmt;
	unsigned long stmt_line;
	int sig;	/* the statement holds more than whitespace and comments */
	int sig_before; /* sig before the last '-' or '/' (which may open a comment) */
	char prev;	/* the previous character seen in the normal state, or 0 */
	int paren;
	int begin_depth;
	int in_word;
	size_t word_start;
	int dq_start;
	size_t dq_off;
	int word_count;
	char first_words[4]; /* psql's CREATE [OR REPLACE] FUNCTION tracking */
	int is_copy;
	int prev_from;
	int prev_owner;
	int prev_database;
	int copy_in;
	int owner_to;
	struct pg_split_tok tok[PG_SPLIT_NTOK];
	size_t ntok;
	struct pg_split_tok dbref[PG_SPLIT_NDBREF];
	size_t ndbref;
	size_t dolq_start; /* offset of the '$' that opened the dollar quote */
	size_t dolq_len;   /* length of the whole delimiter, both '$' included */
	int comment_depth;
	char comment_prev;
	int comment_outside; /* a -- comment between statements (reported) */
	struct dbk_strbuf comment;
	unsigned long comment_line;
	char *copy_buf;
	size_t copy_len;
	unsigned long copy_line;
	struct dbk_strbuf err; /* the splitter's own error, when it failed */
};

void pg_split_init(struct pg_split *s, pg_split_fn fn, void *arg);
void pg_split_release(struct pg_split *s);
/* Sets standard_conforming_strings (on by default). */
void pg_split_set_scs(struct pg_split *s, int on);
/* Feeds len bytes.  Returns 0, the callback's non-zero result, or
 * DBK_ECORRUPT for a lexical error (pg_split_error() tells which). */
int pg_split_feed(struct pg_split *s, const char *buf, size_t len);
/* At the end of the input: reports a last statement that has no ';'.
 * Returns DBK_ECORRUPT for an unterminated quote, comment or COPY block. */
int pg_split_finish(struct pg_split *s);
/* The message of the last lexical error ("line N: ..."), or "". */
const char *pg_split_error(const struct pg_split *s);
/* Whether token i of a statement item is the word w (ASCII case-insensitive,
 * unquoted only). */
int pg_split_tok_is(const struct pg_split_item *it, size_t i, const char *w);

/* ---- the executor ------------------------------------------------------ */

struct pg_exec_opts {
	int no_owner;	    /* skip ALTER ... OWNER TO and role-creating statements */
	int no_privileges;  /* skip GRANT / REVOKE / ALTER DEFAULT PRIVILEGES */
	const char *dbname; /* the database being loaded: replaces the name of a
			     * CREATE DATABASE of the file where later statements
			     * name it (ALTER/COMMENT ON/GRANT ... DATABASE x) */
	int dry_run;	    /* split only, send nothing (conn may be NULL) */
	/* Parallel restore of a dbkeep dump (see "the parallel executor" in
	 * pg_exec.c): with jobs > 1 and target set, COPY blocks and the
	 * independent statements of post-data run on up to jobs extra
	 * connections to database dbname of target.  jobs <= 1, a file without
	 * the dbkeep header, or dry_run: everything on conn, in order. */
	int jobs;
	const struct dbk_target *target;
	const char *scratch_dir; /* where COPY data read ahead may spill (NULL: TMPDIR) */
};

struct pg_exec_result {
	uint64_t statements; /* run (or parsed), skipped ones not included */
	uint64_t skipped;
	uint64_t copies;
	int dbkeep_dump;  /* the first line was PG_DUMP_MAGIC */
	int ended;	  /* the last item was the PG_DUMP_END comment */
	char *created_db; /* the name token of the file's CREATE DATABASE, or NULL */
	/* The rows each table's COPY ... FROM stdin blocks loaded, as the
	 * server's command tags count them: one entry a table, named as
	 * pg_exec_table_name() writes it, sorted by name; rows -1 when a tag
	 * had no count.  copied_partial: a COPY named its table without its
	 * schema, so a table's entry may miss rows. */
	struct dbk_tables copied;
	int copied_partial;
};

#define PG_EXEC_RESULT_INIT                                                                        \
	{                                                                                          \
		0, 0, 0, 0, 0, NULL, DBK_TABLES_INIT, 0                                            \
	}
void pg_exec_result_release(struct pg_exec_result *res);

/* Runs the SQL of head (already read from the stream, may be empty) then
 * everything read from r, on conn.  Stops at the first error and records
 * DBK_EDB "line N: <message>".  Skips every CREATE DATABASE and DROP DATABASE
 * (the restore loads into a database it made itself); psql's \connect stays
 * on conn when the file created its database, \restrict, \unrestrict and
 * \set are ignored, any other backslash command is an error.  With
 * opts->no_owner / no_privileges some statements are skipped: see
 * pg_exec_skip_reason() in pg_exec.c. */
/* The name of table schema.table in pg_exec_result's copied list: each part
 * double-quoted, with its quotes doubled.  Writes into out (cleared first). */
void pg_exec_table_name(const char *schema, const char *table, struct dbk_strbuf *out);

int pg_exec_run(PGconn *conn, const char *head, size_t head_len, struct dbk_reader *r,
		const struct pg_exec_opts *opts, struct pg_exec_result *res);

#endif
