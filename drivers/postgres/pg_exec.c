/*
 * pg_exec.c - the statement splitter and the streaming SQL executor of the
 * PostgreSQL driver (see pg_exec.h for the lexical rules).
 *
 * The splitter is a byte-at-a-time state machine so that any chunking of
 * the input gives the same items.  It never looks ahead: where psql's lexer
 * would, it looks back into the statement being buffered (a dollar quote's
 * closing tag, the word before a quote) or keeps one pending state (a '-'
 * that may open a comment, a quote that may be doubled).  COPY data never
 * enters the statement buffer: it is cut into chunks of PG_SPLIT_COPY_CHUNK
 * bytes, holding back only the first three bytes of a line that may be the
 * end marker "\.".
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/log.h"
#include "pg_exec.h"
#include "pg_internal.h"

enum {
	S_NORMAL,
	S_SQ,	  /* '...' with standard_conforming_strings on */
	S_SQ_END, /* a quote inside S_SQ: the end, or the first of '' */
	S_EQ,	  /* E'...' (or any '...' with standard_conforming_strings off) */
	S_EQ_BS,  /* after a backslash in S_EQ */
	S_EQ_END,
	S_DQ, /* "identifier" */
	S_DQ_END,
	S_LINE_COMMENT, /* -- ... up to the end of the line */
	S_BLOCK_COMMENT,
	S_DOLQ_OPEN,	/* after a '$' that may open a dollar quote */
	S_DOLQ,		/* inside a dollar quote */
	S_META,		/* a backslash command, up to the end of the line */
	S_COPY_EOL,	/* the rest of the line of a COPY ... FROM stdin */
	S_COPY_START,	/* COPY data, at the start of a line */
	S_COPY_BS,	/* a line that starts with a backslash */
	S_COPY_BSDOT,	/* a line that starts with "\." */
	S_COPY_BSDOTCR, /* a line that starts with "\.\r" */
	S_COPY_MID	/* COPY data, inside a line */
};

/* ---- the splitter --------------------------------------------------------- */

static int split_is_ident_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static int split_is_ident_cont(unsigned char c)
{
	return split_is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int split_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int split_fail(struct pg_split *s, unsigned long line, const char *what)
{
	dbk_strbuf_reset(&s->err);
	dbk_strbuf_addf(&s->err, "line %lu: %s", line, what);
	return DBK_ECORRUPT;
}

void pg_split_init(struct pg_split *s, pg_split_fn fn, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->arg = arg;
	s->state = S_NORMAL;
	s->scs = 1;
	s->line = 1;
	dbk_strbuf_init(&s->stmt);
	dbk_strbuf_init(&s->comment);
	dbk_strbuf_init(&s->err);
}

void pg_split_release(struct pg_split *s)
{
	dbk_strbuf_release(&s->stmt);
	dbk_strbuf_release(&s->comment);
	dbk_strbuf_release(&s->err);
	free(s->copy_buf);
	s->copy_buf = NULL;
}

void pg_split_set_scs(struct pg_split *s, int on)
{
	s->scs = on;
}

const char *pg_split_error(const struct pg_split *s)
{
	return s->err.buf;
}

static int split_word_is(const char *p, size_t len, const char *w)
{
	size_t i;

	if (strlen(w) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (tolower((unsigned char)p[i]) != w[i])
			return 0;
	return 1;
}

int pg_split_tok_is(const struct pg_split_item *it, size_t i, const char *w)
{
	if (i >= it->ntok)
		return 0;
	return split_word_is(it->text + it->tok[i].off, it->tok[i].len, w);
}

static void split_stmt_reset(struct pg_split *s)
{
	dbk_strbuf_reset(&s->stmt);
	s->sig = 0;
	s->sig_before = 0;
	s->prev = 0;
	s->paren = 0;
	s->begin_depth = 0;
	s->in_word = 0;
	s->word_count = 0;
	memset(s->first_words, 0, sizeof(s->first_words));
	s->is_copy = 0;
	s->prev_from = 0;
	s->prev_owner = 0;
	s->prev_database = 0;
	s->copy_in = 0;
	s->owner_to = 0;
	s->ntok = 0;
	s->ndbref = 0;
}

/* A token ended: a word at [off, off+len) of the statement, or a quoted
 * identifier.  Keeps what the executor and the splitter itself need. */
static void split_token(struct pg_split *s, size_t off, size_t len, int quoted)
{
	const char *p = s->stmt.buf + off;

	if (s->ntok < PG_SPLIT_NTOK) {
		s->tok[s->ntok].off = off;
		s->tok[s->ntok].len = len;
		s->ntok++;
	}
	if (s->prev_database && s->ndbref < PG_SPLIT_NDBREF) {
		s->dbref[s->ndbref].off = off;
		s->dbref[s->ndbref].len = len;
		s->ndbref++;
	}
	if (quoted) {
		s->prev_from = s->prev_owner = s->prev_database = 0;
		return;
	}

	/* psql's heuristic for SQL-standard function bodies: within CREATE [OR
	 * REPLACE] FUNCTION|PROCEDURE, BEGIN ... END (and CASE ... END inside
	 * it) hold semicolons that do not end the statement. */
	if (s->word_count < (int)sizeof(s->first_words) &&
	    (split_word_is(p, len, "create") || split_word_is(p, len, "function") ||
	     split_word_is(p, len, "procedure") || split_word_is(p, len, "or") ||
	     split_word_is(p, len, "replace")))
		s->first_words[s->word_count] = (char)tolower((unsigned char)p[0]);
	if (s->first_words[0] == 'c' &&
	    (s->first_words[1] == 'f' || s->first_words[1] == 'p' ||
	     (s->first_words[1] == 'o' && s->first_words[2] == 'r' &&
	      (s->first_words[3] == 'f' || s->first_words[3] == 'p'))) &&
	    s->paren == 0) {
		if (split_word_is(p, len, "begin"))
			s->begin_depth++;
		else if (split_word_is(p, len, "case")) {
			if (s->begin_depth >= 1)
				s->begin_depth++;
		} else if (split_word_is(p, len, "end")) {
			if (s->begin_depth > 0)
				s->begin_depth--;
		}
	}

	if (s->word_count == 0 && split_word_is(p, len, "copy"))
		s->is_copy = 1;
	if (s->is_copy && s->prev_from && split_word_is(p, len, "stdin"))
		s->copy_in = 1;
	if (s->prev_owner && split_word_is(p, len, "to"))
		s->owner_to = 1;
	s->prev_from = split_word_is(p, len, "from");
	s->prev_owner = split_word_is(p, len, "owner");
	s->prev_database = split_word_is(p, len, "database");
	s->word_count++;
}

static void split_word_end(struct pg_split *s)
{
	if (!s->in_word)
		return;
	s->in_word = 0;
	split_token(s, s->word_start, s->stmt.len - s->word_start, 0);
}

/* "SET [SESSION|LOCAL] standard_conforming_strings {=|TO} value": the value
 * decides how the following '' strings are lexed. */
static void split_track_scs(struct pg_split *s, const struct pg_split_item *it)
{
	size_t i = 1, pos;
	const char *p;
	char val[8];
	size_t n = 0;

	if (!pg_split_tok_is(it, 0, "set"))
		return;
	if (pg_split_tok_is(it, 1, "session") || pg_split_tok_is(it, 1, "local"))
		i = 2;
	if (!pg_split_tok_is(it, i, "standard_conforming_strings"))
		return;
	pos = it->tok[i].off + it->tok[i].len;
	p = it->text;
	while (pos < it->len && split_is_space((unsigned char)p[pos]))
		pos++;
	if (pos < it->len && p[pos] == '=')
		pos++;
	else if (pos + 2 <= it->len && split_word_is(p + pos, 2, "to"))
		pos += 2;
	while (pos < it->len && (split_is_space((unsigned char)p[pos]) || p[pos] == '\''))
		pos++;
	while (pos < it->len && n < sizeof(val) - 1 && isalpha((unsigned char)p[pos]))
		val[n++] = (char)tolower((unsigned char)p[pos++]);
	val[n] = '\0';
	s->scs = !(strcmp(val, "off") == 0 || strcmp(val, "false") == 0);
}

static int split_emit_stmt(struct pg_split *s)
{
	struct pg_split_item it;
	int rc;

	split_word_end(s);
	while (s->stmt.len && split_is_space((unsigned char)s->stmt.buf[s->stmt.len - 1]))
		dbk_strbuf_setlen(&s->stmt, s->stmt.len - 1);
	if (!s->sig) {
		/* only comments and white space: nothing to run */
		split_stmt_reset(s);
		return 0;
	}
	memset(&it, 0, sizeof(it));
	it.kind = PG_SPLIT_STMT;
	it.text = s->stmt.buf;
	it.len = s->stmt.len;
	it.line = s->stmt_line;
	it.copy_in = s->copy_in;
	it.owner_to = s->owner_to;
	it.ntok = s->ntok;
	memcpy(it.tok, s->tok, sizeof(it.tok));
	it.ndbref = s->ndbref;
	memcpy(it.dbref, s->dbref, sizeof(it.dbref));
	split_track_scs(s, &it);
	rc = s->fn(s->arg, &it);
	if (s->copy_in) {
		s->state = S_COPY_EOL;
		s->copy_line = s->line + 1;
	}
	split_stmt_reset(s);
	return rc;
}

static int split_emit_text(struct pg_split *s, enum pg_split_kind kind, struct dbk_strbuf *sb,
			   unsigned long line)
{
	struct pg_split_item it;

	if (sb->len && sb->buf[sb->len - 1] == '\r')
		dbk_strbuf_setlen(sb, sb->len - 1);
	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.text = sb->buf;
	it.len = sb->len;
	it.line = line;
	return s->fn(s->arg, &it);
}

static int split_copy_flush(struct pg_split *s)
{
	struct pg_split_item it;

	if (s->copy_len == 0)
		return 0;
	memset(&it, 0, sizeof(it));
	it.kind = PG_SPLIT_COPY_DATA;
	it.text = s->copy_buf;
	it.len = s->copy_len;
	it.line = s->copy_line;
	s->copy_len = 0;
	return s->fn(s->arg, &it);
}

static int split_copy_add(struct pg_split *s, const char *p, size_t n)
{
	int rc;

	if (!s->copy_buf) {
		s->copy_buf = malloc(PG_SPLIT_COPY_CHUNK + 1);
		if (!s->copy_buf)
			return dbk_oom();
	}
	while (n) {
		size_t room = PG_SPLIT_COPY_CHUNK - s->copy_len;
		size_t take = n < room ? n : room;

		memcpy(s->copy_buf + s->copy_len, p, take);
		s->copy_len += take;
		p += take;
		n -= take;
		if (s->copy_len == PG_SPLIT_COPY_CHUNK) {
			s->copy_buf[s->copy_len] = '\0';
			rc = split_copy_flush(s);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int split_copy_end(struct pg_split *s)
{
	struct pg_split_item it;
	int rc;

	if (s->copy_buf)
		s->copy_buf[s->copy_len] = '\0';
	rc = split_copy_flush(s);
	if (rc)
		return rc;
	s->state = S_NORMAL;
	memset(&it, 0, sizeof(it));
	it.kind = PG_SPLIT_COPY_END;
	it.text = "\\.";
	it.len = 2;
	it.line = s->line;
	return s->fn(s->arg, &it);
}

/* One character in the normal state (outside quotes and comments). */
static int split_normal(struct pg_split *s, char c)
{
	unsigned char u = (unsigned char)c;
	char prev = s->prev;

	if (s->stmt.len == 0) {
		if (split_is_space(u))
			return 0;
		s->stmt_line = s->line;
		if (c == '\\') {
			s->state = S_META;
			dbk_strbuf_addch(&s->stmt, c);
			return 0;
		}
	}
	/* a statement's line is that of its first character that is not in a
	 * comment (leading comments stay in its text) */
	if (!s->sig && !split_is_space(u))
		s->stmt_line = s->line;
	if (s->in_word) {
		if (split_is_ident_cont(u)) {
			dbk_strbuf_addch(&s->stmt, c);
			return 0;
		}
		split_word_end(s);
	}
	s->prev = c;
	if (split_is_ident_start(u)) {
		s->in_word = 1;
		s->word_start = s->stmt.len;
		dbk_strbuf_addch(&s->stmt, c);
		s->sig = 1;
		return 0;
	}
	if (split_is_space(u)) {
		dbk_strbuf_addch(&s->stmt, c);
		return 0;
	}
	/* a quoted identifier is a token too; comments are not tokens */
	if (c != '-' && c != '/' && c != '*' && c != '"')
		s->prev_from = s->prev_owner = s->prev_database = 0;

	switch (c) {
	case '\'': {
		/* E'...' : the word just before the quote is a lone E */
		size_t len = s->stmt.len;
		int e = len >= 1 && (s->stmt.buf[len - 1] == 'E' || s->stmt.buf[len - 1] == 'e') &&
			(len == 1 || !split_is_ident_cont((unsigned char)s->stmt.buf[len - 2]));

		s->state = (e || !s->scs) ? S_EQ : S_SQ;
		s->prev = 0;
		break;
	}
	case '"':
		s->state = S_DQ;
		s->dq_off = s->stmt.len;
		s->prev = 0;
		break;
	case '$':
		s->state = S_DOLQ_OPEN;
		s->dolq_start = s->stmt.len;
		s->prev = 0;
		break;
	case '-':
		if (prev == '-') {
			s->sig = s->sig_before;
			s->prev = 0;
			if (s->stmt.len == 1) {
				/* a comment between statements: reported, not kept */
				dbk_strbuf_reset(&s->stmt);
				s->comment_outside = 1;
				s->comment_line = s->stmt_line;
				dbk_strbuf_reset(&s->comment);
				dbk_strbuf_addstr(&s->comment, "--");
				s->state = S_LINE_COMMENT;
				return 0;
			}
			s->comment_outside = 0;
			s->state = S_LINE_COMMENT;
			dbk_strbuf_addch(&s->stmt, c);
			return 0;
		}
		s->sig_before = s->sig;
		break;
	case '/':
		s->sig_before = s->sig;
		break;
	case '*':
		if (prev == '/') {
			s->sig = s->sig_before;
			s->state = S_BLOCK_COMMENT;
			s->comment_depth = 1;
			s->comment_prev = 0;
			s->prev = 0;
			dbk_strbuf_addch(&s->stmt, c);
			return 0;
		}
		break;
	case '(':
		s->paren++;
		break;
	case ')':
		if (s->paren > 0)
			s->paren--;
		break;
	case ';':
		if (s->paren == 0 && s->begin_depth == 0) {
			dbk_strbuf_addch(&s->stmt, c);
			s->sig = 1;
			return split_emit_stmt(s);
		}
		break;
	case '\\':
		return split_fail(s, s->line, "backslash command inside an SQL statement");
	default:
		break;
	}
	dbk_strbuf_addch(&s->stmt, c);
	s->sig = 1; /* for '-' and '/', undone if the next character opens a comment */
	return 0;
}

/* One character in any state but the COPY ones. */
static int split_char(struct pg_split *s, char c)
{
	unsigned char u = (unsigned char)c;

again:
	switch (s->state) {
	case S_NORMAL:
		return split_normal(s, c);
	case S_SQ:
		dbk_strbuf_addch(&s->stmt, c);
		if (c == '\'')
			s->state = S_SQ_END;
		return 0;
	case S_EQ:
		dbk_strbuf_addch(&s->stmt, c);
		if (c == '\\')
			s->state = S_EQ_BS;
		else if (c == '\'')
			s->state = S_EQ_END;
		return 0;
	case S_EQ_BS:
		dbk_strbuf_addch(&s->stmt, c);
		s->state = S_EQ;
		return 0;
	case S_SQ_END:
	case S_EQ_END:
		if (c == '\'') {
			dbk_strbuf_addch(&s->stmt, c);
			s->state = s->state == S_SQ_END ? S_SQ : S_EQ;
			return 0;
		}
		s->state = S_NORMAL;
		goto again;
	case S_DQ:
		dbk_strbuf_addch(&s->stmt, c);
		if (c == '"')
			s->state = S_DQ_END;
		return 0;
	case S_DQ_END:
		if (c == '"') {
			dbk_strbuf_addch(&s->stmt, c);
			s->state = S_DQ;
			return 0;
		}
		split_token(s, s->dq_off, s->stmt.len - s->dq_off, 1);
		s->state = S_NORMAL;
		goto again;
	case S_LINE_COMMENT:
		if (s->comment_outside) {
			if (c == '\n') {
				s->state = S_NORMAL;
				s->comment_outside = 0;
				return split_emit_text(s, PG_SPLIT_COMMENT, &s->comment,
						       s->comment_line);
			}
			if (s->comment.len < PG_SPLIT_COMMENT_MAX)
				dbk_strbuf_addch(&s->comment, c);
			return 0;
		}
		dbk_strbuf_addch(&s->stmt, c);
		if (c == '\n')
			s->state = S_NORMAL;
		return 0;
	case S_BLOCK_COMMENT:
		dbk_strbuf_addch(&s->stmt, c);
		if (s->comment_prev == '/' && c == '*') {
			s->comment_depth++;
			s->comment_prev = 0;
		} else if (s->comment_prev == '*' && c == '/') {
			s->comment_prev = 0;
			if (--s->comment_depth == 0)
				s->state = S_NORMAL;
		} else {
			s->comment_prev = c;
		}
		return 0;
	case S_DOLQ_OPEN:
		if (c == '$') {
			dbk_strbuf_addch(&s->stmt, c);
			s->dolq_len = s->stmt.len - s->dolq_start;
			s->state = S_DOLQ;
			return 0;
		}
		if (u != '$' && (s->stmt.len - s->dolq_start == 1 ? split_is_ident_start(u)
								  : split_is_ident_cont(u))) {
			dbk_strbuf_addch(&s->stmt, c);
			return 0;
		}
		/* not a dollar quote ($1, or a lone $): plain text */
		s->state = S_NORMAL;
		goto again;
	case S_DOLQ: {
		size_t len;

		dbk_strbuf_addch(&s->stmt, c);
		len = s->stmt.len;
		if (c == '$' && len >= s->dolq_start + 2 * s->dolq_len &&
		    memcmp(s->stmt.buf + len - s->dolq_len, s->stmt.buf + s->dolq_start,
			   s->dolq_len) == 0) {
			s->state = S_NORMAL;
			s->prev = 0;
		}
		return 0;
	}
	case S_META:
		if (c == '\n') {
			int rc;

			s->state = S_NORMAL;
			rc = split_emit_text(s, PG_SPLIT_META, &s->stmt, s->stmt_line);
			split_stmt_reset(s);
			return rc;
		}
		dbk_strbuf_addch(&s->stmt, c);
		return 0;
	case S_COPY_EOL:
		if (c == '\n') {
			s->state = S_COPY_START;
			return 0;
		}
		if (!split_is_space(u))
			return split_fail(s, s->line, "unexpected text after COPY ... FROM stdin");
		return 0;
	case S_COPY_START:
		if (c == '\\') {
			s->state = S_COPY_BS;
			return 0;
		}
		/* an empty row (a zero-column table, a one-column table holding
		 * '') ends where it starts: the next line starts a row too */
		if (c != '\n')
			s->state = S_COPY_MID;
		return split_copy_add(s, &c, 1);
	case S_COPY_BS:
		if (c == '.') {
			s->state = S_COPY_BSDOT;
			return 0;
		}
		s->state = S_COPY_MID;
		if (split_copy_add(s, "\\", 1))
			return DBK_ENOMEM;
		return split_copy_add(s, &c, 1);
	case S_COPY_BSDOT:
		if (c == '\n')
			return split_copy_end(s);
		if (c == '\r') {
			s->state = S_COPY_BSDOTCR;
			return 0;
		}
		s->state = S_COPY_MID;
		if (split_copy_add(s, "\\.", 2))
			return DBK_ENOMEM;
		return split_copy_add(s, &c, 1);
	case S_COPY_BSDOTCR:
		if (c == '\n')
			return split_copy_end(s);
		s->state = S_COPY_MID;
		if (split_copy_add(s, "\\.\r", 3))
			return DBK_ENOMEM;
		return split_copy_add(s, &c, 1);
	case S_COPY_MID:
		if (c == '\n')
			s->state = S_COPY_START;
		return split_copy_add(s, &c, 1);
	}
	return 0;
}

int pg_split_feed(struct pg_split *s, const char *buf, size_t len)
{
	size_t i = 0;
	int rc;

	while (i < len) {
		if (s->state == S_COPY_MID) {
			/* the bulk of a dump: whole lines of COPY data at once */
			const char *nl = memchr(buf + i, '\n', len - i);
			size_t n = nl ? (size_t)(nl - (buf + i)) + 1 : len - i;

			rc = split_copy_add(s, buf + i, n);
			if (rc)
				return rc;
			i += n;
			if (nl) {
				s->line++;
				s->state = S_COPY_START;
			}
			continue;
		}
		rc = split_char(s, buf[i]);
		if (buf[i] == '\n')
			s->line++;
		i++;
		if (rc)
			return rc;
	}
	return 0;
}

int pg_split_finish(struct pg_split *s)
{
	switch (s->state) {
	case S_SQ_END:
	case S_EQ_END:
		s->state = S_NORMAL;
		break;
	case S_DQ_END:
		split_token(s, s->dq_off, s->stmt.len - s->dq_off, 1);
		s->state = S_NORMAL;
		break;
	case S_DOLQ_OPEN:
		s->state = S_NORMAL;
		break;
	case S_SQ:
	case S_EQ:
	case S_EQ_BS:
		return split_fail(s, s->stmt_line, "unterminated quoted string");
	case S_DQ:
		return split_fail(s, s->stmt_line, "unterminated quoted identifier");
	case S_DOLQ:
		return split_fail(s, s->stmt_line, "unterminated dollar-quoted string");
	case S_BLOCK_COMMENT:
		return split_fail(s, s->stmt_line, "unterminated /* comment");
	case S_LINE_COMMENT:
		if (s->comment_outside) {
			s->state = S_NORMAL;
			s->comment_outside = 0;
			return split_emit_text(s, PG_SPLIT_COMMENT, &s->comment, s->comment_line);
		}
		s->state = S_NORMAL;
		break;
	case S_META: {
		int rc;

		s->state = S_NORMAL;
		rc = split_emit_text(s, PG_SPLIT_META, &s->stmt, s->stmt_line);
		split_stmt_reset(s);
		return rc;
	}
	case S_COPY_BSDOT:
	case S_COPY_BSDOTCR:
		return split_copy_end(s);
	case S_COPY_EOL:
	case S_COPY_START:
	case S_COPY_BS:
	case S_COPY_MID:
		return split_fail(s, s->copy_line > 1 ? s->copy_line - 1 : 1,
				  "COPY data not terminated by \\.");
	default:
		break;
	}
	return split_emit_stmt(s);
}

/* ---- the executor --------------------------------------------------------- */

struct px;

/* The sections of a dbkeep dump, from its "-- dbkeep:section" lines. */
enum { EXEC_PRE, EXEC_DATA, EXEC_POST };

struct px_dial;

struct exec_ctx {
	PGconn *conn;
	const struct pg_exec_opts *opts;
	struct pg_exec_result *res;
	struct pg_split *split;
	int first;		      /* no item seen yet */
	int in_copy;		      /* the server is in COPY FROM STDIN */
	unsigned long copy_line;      /* the line of the COPY statement */
	struct dbk_strbuf sql;	      /* a statement rewritten before it is sent */
	int section;		      /* EXEC_*: where the file is */
	struct px *px;		      /* the parallel executor, once started */
	struct px_dial *dials;	      /* its workers' connections, being made */
	int px_off;		      /* it could not start: never try again */
	int px_copy;		      /* the COPY block being read goes to px */
	struct dbk_strbuf session;    /* session settings run on conn so far */
	struct dbk_strbuf copy_table; /* the COPY in progress: its table's name */
	int copy_counted;	      /* and that name is schema-qualified */
};

void pg_exec_result_release(struct pg_exec_result *res)
{
	free(res->created_db);
	res->created_db = NULL;
	dbk_tables_release(&res->copied);
}

void pg_exec_table_name(const char *schema, const char *table, struct dbk_strbuf *out)
{
	const char *parts[2] = {schema, table};

	dbk_strbuf_reset(out);
	for (int i = 0; i < 2; i++) {
		if (i)
			dbk_strbuf_addch(out, '.');
		dbk_strbuf_addch(out, '"');
		for (const char *c = parts[i]; *c; c++) {
			if (*c == '"')
				dbk_strbuf_addch(out, '"');
			dbk_strbuf_addch(out, *c);
		}
		dbk_strbuf_addch(out, '"');
	}
}

/* A COPY ... FROM stdin is over and res (its command tag) says how many
 * rows it loaded into table (NULL: a name without its schema).  Entries are
 * summed per table at the end of the run (exec_copied_merge). */
static void exec_copied(struct pg_exec_result *out, const char *table, PGresult *res)
{
	const char *n = PQcmdTuples(res);
	char *end;
	long long rows;

	if (!table) {
		out->copied_partial = 1;
		return;
	}
	errno = 0;
	rows = strtoll(n, &end, 10);
	if (!*n || *end || errno || rows < 0)
		rows = -1;
	dbk_tables_add(&out->copied, table, rows);
}

/* Sorts res->copied and sums the entries of a table into one. */
static void exec_copied_merge(struct pg_exec_result *res)
{
	struct dbk_tables *t = &res->copied;
	size_t k = 0;

	dbk_tables_sort(t);
	for (size_t i = 0; i < t->n; i++) {
		if (k > 0 && strcmp(t->items[k - 1].name, t->items[i].name) == 0) {
			struct dbk_table_count *to = &t->items[k - 1];

			to->rows =
			    to->rows < 0 || t->items[i].rows < 0 ? -1 : to->rows + t->items[i].rows;
			free(t->items[i].name);
			continue;
		}
		t->items[k++] = t->items[i];
	}
	t->n = k;
}

static int exec_copy_table(const char *sql, struct dbk_strbuf *out);

/* Whether text holds word a then word b (ASCII case-insensitive, white
 * space between), each at word boundaries; b may be NULL for word a alone. */
static int exec_has_words(const char *text, size_t len, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0, i, j;

	for (i = 0; i + la <= len; i++) {
		if (i > 0 && split_is_ident_cont((unsigned char)text[i - 1]))
			continue;
		if (!split_word_is(text + i, la, a))
			continue;
		j = i + la;
		if (j < len && split_is_ident_cont((unsigned char)text[j]))
			continue;
		if (!b)
			return 1;
		if (j >= len || !split_is_space((unsigned char)text[j]))
			continue;
		while (j < len && split_is_space((unsigned char)text[j]))
			j++;
		if (j + lb <= len && split_word_is(text + j, lb, b) &&
		    (j + lb == len || !split_is_ident_cont((unsigned char)text[j + lb])))
			return 1;
	}
	return 0;
}

/*
 * The class a dbkeep dump gives a DO block it writes (see pgd_add_do): the
 * "-- dbkeep:do <class>" line right after the opening dollar-quote tag,
 * where none of the user's text can be.  Returns whether it has one, with
 * the class in *cls (not NUL-terminated) and its length in *clen.
 */
static int exec_do_class(const struct pg_split_item *it, const char **cls, size_t *clen)
{
	static const char mark[] = "\n-- dbkeep:do ";
	const size_t mlen = sizeof(mark) - 1;
	const char *end = it->text + it->len;
	const char *p, *tag_end, *e;

	if (it->ntok < 1)
		return 0;
	p = it->text + it->tok[0].off + it->tok[0].len;
	while (p < end && split_is_space((unsigned char)*p))
		p++;
	if (p >= end || *p != '$')
		return 0;
	tag_end = memchr(p + 1, '$', (size_t)(end - p - 1));
	if (!tag_end)
		return 0;
	p = tag_end + 1;
	if ((size_t)(end - p) < mlen || memcmp(p, mark, mlen) != 0)
		return 0;
	p += mlen;
	for (e = p; e < end && *e != '\n'; e++)
		;
	*cls = p;
	*clen = (size_t)(e - p);
	return 1;
}

static int exec_class_is(const char *cls, size_t clen, const char *w)
{
	return clen == strlen(w) && memcmp(cls, w, clen) == 0;
}

/*
 * Which statements --no-owner and --no-privileges leave out, by their
 * leading words (the dump writes each kind of thing in its own statement):
 *
 *   no_owner       ALTER ... OWNER TO ...;  CREATE/ALTER/DROP ROLE|USER|GROUP
 *                  (not USER MAPPING);  SET SESSION AUTHORIZATION;  SET ROLE;
 *                  a DO block classed "roles" or "owner", or, without a
 *                  class, whose body says CREATE ROLE or OWNER TO
 *   no_privileges  GRANT;  REVOKE;  ALTER DEFAULT PRIVILEGES;  a DO block
 *                  classed "privileges", or, without a class, whose body
 *                  says GRANT or REVOKE
 *
 * Returns what was recognised, or NULL to run the statement.
 */
static const char *exec_skip_reason(const struct pg_split_item *it, const struct pg_exec_opts *o)
{
	int is_do = pg_split_tok_is(it, 0, "do");
	const char *cls = NULL;
	size_t clen = 0;
	/* a DO block a dbkeep dump classed goes by its class; others (older
	 * dumps) by the words of their body, which the user's text in them
	 * can fool */
	int classed = is_do && exec_do_class(it, &cls, &clen);

	if (o->no_owner) {
		if (pg_split_tok_is(it, 0, "alter") && it->owner_to)
			return "ALTER ... OWNER TO";
		if ((pg_split_tok_is(it, 0, "create") || pg_split_tok_is(it, 0, "alter") ||
		     pg_split_tok_is(it, 0, "drop")) &&
		    (pg_split_tok_is(it, 1, "role") || pg_split_tok_is(it, 1, "group") ||
		     (pg_split_tok_is(it, 1, "user") && !pg_split_tok_is(it, 2, "mapping"))))
			return "a role statement";
		if (pg_split_tok_is(it, 0, "set") &&
		    (pg_split_tok_is(it, 1, "role") || (pg_split_tok_is(it, 1, "session") &&
							pg_split_tok_is(it, 2, "authorization"))))
			return "SET ROLE / SET SESSION AUTHORIZATION";
		if (classed &&
		    (exec_class_is(cls, clen, "roles") || exec_class_is(cls, clen, "owner")))
			return "a DO block creating roles or setting owners";
		if (is_do && !classed &&
		    (exec_has_words(it->text, it->len, "create", "role") ||
		     exec_has_words(it->text, it->len, "owner", "to")))
			return "a DO block creating roles or setting owners";
	}
	if (o->no_privileges) {
		if (pg_split_tok_is(it, 0, "grant") || pg_split_tok_is(it, 0, "revoke"))
			return "GRANT / REVOKE";
		if (pg_split_tok_is(it, 0, "alter") && pg_split_tok_is(it, 1, "default") &&
		    pg_split_tok_is(it, 2, "privileges"))
			return "ALTER DEFAULT PRIVILEGES";
		if (classed && exec_class_is(cls, clen, "privileges"))
			return "a DO block granting privileges";
		if (is_do && !classed &&
		    (exec_has_words(it->text, it->len, "grant", NULL) ||
		     exec_has_words(it->text, it->len, "revoke", NULL)))
			return "a DO block granting privileges";
	}
	return NULL;
}

static void exec_trim(struct dbk_strbuf *sb)
{
	while (sb->len && split_is_space((unsigned char)sb->buf[sb->len - 1]))
		dbk_strbuf_setlen(sb, sb->len - 1);
}

/* Records "line N: primary (detail)" from a failed result on pg. */
static int exec_fail_pg(PGconn *pg, unsigned long line, PGresult *res, int with_context)
{
	struct dbk_strbuf msg = DBK_STRBUF_INIT;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *context = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	int rc;

	if (primary)
		dbk_strbuf_addstr(&msg, primary);
	else
		dbk_strbuf_addstr(&msg, PQerrorMessage(pg));
	exec_trim(&msg);
	if (detail && *detail)
		dbk_strbuf_addf(&msg, " (%s)", detail);
	if (with_context && context && *context) {
		size_t n = strcspn(context, "\n");

		dbk_strbuf_addf(&msg, "; %.*s", (int)n, context);
	}
	rc = dbk_seterr(DBK_EDB, "line %lu: %s", line, msg.buf);
	dbk_strbuf_release(&msg);
	return rc;
}

static int exec_fail(struct exec_ctx *x, unsigned long line, PGresult *res, int with_context)
{
	return exec_fail_pg(x->conn, line, res, with_context);
}

/* Runs one statement; a COPY FROM STDIN leaves the server waiting for data. */
static int exec_send(struct exec_ctx *x, const struct pg_split_item *it, const char *sql)
{
	PGresult *res = PQexec(x->conn, sql);
	int rc = 0;

	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		if (it->copy_in)
			rc = dbk_seterr(DBK_EDB, "line %lu: COPY did not start", it->line);
		break;
	case PGRES_COPY_IN:
		if (!it->copy_in) {
			/* only COPY ... FROM stdin is followed by data in the file */
			PQputCopyEnd(x->conn, "dbkeep: unexpected COPY FROM STDIN");
			PQclear(res);
			while ((res = PQgetResult(x->conn)))
				PQclear(res);
			return dbk_seterr(DBK_EDB, "line %lu: unexpected COPY FROM STDIN",
					  it->line);
		}
		x->in_copy = 1;
		x->copy_counted = exec_copy_table(sql, &x->copy_table) == 2;
		x->copy_line = it->line;
		break;
	case PGRES_COPY_OUT:
		rc = dbk_seterr(DBK_EDB, "line %lu: COPY TO STDOUT is not supported in a restore",
				it->line);
		break;
	default:
		rc = exec_fail(x, it->line, res, 0);
		break;
	}
	PQclear(res);
	return rc;
}

/* Replaces, in a statement naming the database the file created, that
 * name with the database being loaded (ALTER DATABASE x SET ..., COMMENT ON
 * DATABASE x, GRANT ... ON DATABASE x), so that they apply to it and not to
 * a live database of the same name. */
static const char *exec_rewrite_dbrefs(struct exec_ctx *x, const struct pg_split_item *it)
{
	const char *name = x->res->created_db;
	size_t i, at = 0;
	char *quoted;
	int changed = 0;

	if (!name || !x->opts->dbname || !it->ndbref || !x->conn)
		return it->text;
	quoted = PQescapeIdentifier(x->conn, x->opts->dbname, strlen(x->opts->dbname));
	if (!quoted)
		return it->text;
	dbk_strbuf_reset(&x->sql);
	for (i = 0; i < it->ndbref; i++) {
		const char *p = it->text + it->dbref[i].off;
		size_t n = it->dbref[i].len;
		/* an unquoted name folds to lower case: compare those without case */
		int same = n == strlen(name) &&
			   (memcmp(p, name, n) == 0 ||
			    (*p != '"' && *name != '"' && strncasecmp(p, name, n) == 0));

		if (!same)
			continue;
		dbk_strbuf_add(&x->sql, it->text + at, it->dbref[i].off - at);
		dbk_strbuf_addstr(&x->sql, quoted);
		at = it->dbref[i].off + n;
		changed = 1;
	}
	PQfreemem(quoted);
	if (!changed)
		return it->text;
	dbk_strbuf_add(&x->sql, it->text + at, it->len - at);
	return x->sql.buf;
}

/* ---- the parallel executor ------------------------------------------------ */

/*
 * A dbkeep dump read once, in order, restored on several connections (like
 * pg_restore -j, without a table of contents to seek in).  Pre-data runs on
 * conn as it is read.  From the data section on, the file goes on being read
 * while:
 *
 *   - each COPY block goes to one of the workers (extra connections to the
 *     same database, given the session settings conn ran so far), to the one
 *     with the least data queued.  Its data is queued per worker: in memory
 *     up to PX_MEM_MAX bytes, beyond that, while another worker is free
 *     for what lies ahead, in an unlinked scratch file (up to PX_SPILL_MAX
 *     bytes in all and half the disk's free space); otherwise, or when the
 *     disk is full, the reader waits.  So the reader runs ahead of the
 *     server and several COPYs load at once, with memory bounded whatever
 *     the file's size;
 *   - in post-data, CREATE INDEX and ALTER TABLE ... ADD CONSTRAINT (PRIMARY
 *     KEY, UNIQUE, EXCLUDE, CHECK: one action) become jobs that start as soon
 *     as the COPY blocks of their table are loaded (of every table, when
 *     their table had no COPY block: a partitioned table, a matview), and
 *     ADD CONSTRAINT ... FOREIGN KEY once every COPY and every earlier job is
 *     done.  Jobs that name the same table start in file order and never run
 *     together (two CREATE INDEX may: SHARE locks do not conflict), so no job
 *     waits for another's lock; a foreign key on a table without a COPY block
 *     (maybe partitioned: its partitions are locked too) runs alone;
 *   - any other statement (session settings, ALTER INDEX ... ATTACH
 *     PARTITION, triggers, grants, sequence values, large objects, REFRESH,
 *     DO blocks...) waits until everything before it is done, then runs on
 *     conn, in order: when unsure, in order.
 *
 * All of it runs on the calling thread: workers are non-blocking libpq
 * connections driven by poll().  The first failure anywhere is recorded as
 * "line N: message" (the line of the statement) and stops everything; the
 * other workers' statements are cancelled.  Statements are classified from
 * their text, so any dump whose post-data holds other things still restores,
 * only less in parallel.
 */

#define PX_MEM_MAX (4u * 1024 * 1024)	 /* COPY data queued in memory per worker */
#define PX_SPILL_MAX ((uint64_t)8 << 30) /* COPY data queued on disk, all workers */
#define PX_WINDOW 256			 /* open jobs looked at when starting one */
#define PX_BUCKETS 1024			 /* of the table names' hash */
#define PX_POLL_MS 1000

enum px_kind { PXJ_MAIN, PXJ_COPY, PXJ_SESSION, PXJ_INDEX, PXJ_CONSTRAINT, PXJ_FK };

/* A table named by a COPY block or a post-data job; interned, so that jobs
 * compare tables by pointer. */
struct px_table {
	struct px_table *next; /* hash chain */
	int copies;	       /* COPY blocks read for it */
	int copies_open;       /* of which not loaded yet */
	char name[];	       /* canonical: "schema"."table" */
};

struct px_job {
	struct px_job *next, *prev; /* the open list (post-data jobs, file order) */
	enum px_kind kind;
	unsigned long line;
	struct px_table *t1, *t2; /* the table; a foreign key's referenced table */
	int exclusive;		  /* runs alone */
	int running;
	int counted;		  /* PXJ_COPY: t1 is schema-qualified (exec_copied) */
	char sql[];
};

enum px_el_kind { PXE_SQL, PXE_DATA, PXE_SPILL, PXE_END };

/* What a worker is to do next: a statement, COPY data (in memory or the
 * next len bytes of the spill file), the end of the COPY. */
struct px_el {
	struct px_el *next;
	enum px_el_kind kind;
	struct px_job *job; /* PXE_SQL */
	size_t len;	    /* PXE_DATA, PXE_SPILL */
	char data[];	    /* PXE_DATA */
};

enum { W_IDLE, W_RESULT, W_COPY };

struct px_worker {
	struct pg_conn *c;
	int state;	    /* W_*: W_RESULT waits for results, W_COPY sends data */
	struct px_job *cur; /* the job in flight (W_RESULT, W_COPY) */
	int copy_started;   /* cur's COPY FROM STDIN was accepted */
	struct px_el *head, *tail;
	size_t mem;	   /* bytes of PXE_DATA queued */
	uint64_t backlog;  /* bytes of COPY data queued, memory and disk */
	int want_write;	   /* libpq holds output the socket did not take */
	int readable;	   /* poll() saw input */
	int spill_fd;	   /* -1 until the first spill */
	uint64_t spill_wr; /* the spill file's end */
	uint64_t spill_rd; /* the next byte to read back */
	char *spill_buf;   /* PG_SPLIT_COPY_CHUNK bytes read back */
};

struct px {
	const struct pg_exec_opts *opts;
	struct pg_exec_result *res;
	struct px_worker *w;
	struct pollfd *pfd;
	int nw;
	struct px_table *tables[PX_BUCKETS];
	struct px_job *open_head, *open_tail; /* post-data jobs not done */
	int copies_open;		      /* COPY blocks not loaded */
	int running_exclusive;
	struct px_worker *copy_w; /* where the COPY block being read goes */
	uint64_t spilled;	  /* bytes in spill files now */
	uint64_t spilled_total;
	uint64_t spill_max; /* PX_SPILL_MAX, or less when the disk is fuller */
	int spill_off;	    /* spilling failed: memory only */
	int rc;		    /* the first failure */
};

/* ---- statements, from their text ---- */

enum { PXT_END, PXT_WORD, PXT_QUOTED, PXT_PUNCT };

struct px_lex {
	const char *p, *end;
};

struct px_tok {
	int type;
	const char *s;
	size_t n;
};

/* Skips a '...' string at p (escapes: backslashes too), returns its end. */
static const char *px_skip_string(const char *p, const char *end, int escapes)
{
	for (p++; p < end; p++) {
		if (escapes && *p == '\\' && p + 1 < end) {
			p++;
		} else if (*p == '\'') {
			if (p + 1 < end && p[1] == '\'')
				p++;
			else
				return p + 1;
		}
	}
	return end;
}

/* The next token: a word, a "quoted identifier" or one other character;
 * comments, strings and dollar quotes are skipped (a string is one PUNCT
 * token). */
static void px_next(struct px_lex *l, struct px_tok *t)
{
	const char *p = l->p, *end = l->end;

	for (;;) {
		while (p < end && split_is_space((unsigned char)*p))
			p++;
		if (p + 1 < end && p[0] == '-' && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			int depth = 1;

			for (p += 2; p < end && depth; p++) {
				if (p + 1 < end && p[0] == '/' && p[1] == '*')
					depth++, p++;
				else if (p + 1 < end && p[0] == '*' && p[1] == '/')
					depth--, p++;
			}
			continue;
		}
		break;
	}
	t->s = p;
	if (p >= end) {
		t->type = PXT_END;
		t->n = 0;
	} else if (split_is_ident_start((unsigned char)*p)) {
		while (p < end && split_is_ident_cont((unsigned char)*p))
			p++;
		t->type = PXT_WORD;
		if (p - t->s == 1 && (*t->s == 'E' || *t->s == 'e') && p < end && *p == '\'') {
			p = px_skip_string(p, end, 1);
			t->type = PXT_PUNCT;
		}
	} else if (*p == '"') {
		for (p++; p < end; p++) {
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"')
					p++;
				else
					break;
			}
		}
		p = p < end ? p + 1 : end;
		t->type = PXT_QUOTED;
	} else if (*p == '\'') {
		p = px_skip_string(p, end, 0);
		t->type = PXT_PUNCT;
	} else if (*p == '$') {
		const char *q = p + 1;

		while (q < end && split_is_ident_cont((unsigned char)*q) && *q != '$')
			q++;
		if (q < end && *q == '$' &&
		    (q == p + 1 || split_is_ident_start((unsigned char)p[1]))) {
			size_t tag = (size_t)(q + 1 - p);
			const char *c = q + 1;

			while (c + tag <= end && memcmp(c, p, tag) != 0)
				c++;
			p = c + tag <= end ? c + tag : end;
		} else {
			p++;
		}
		t->type = PXT_PUNCT;
	} else {
		p++;
		t->type = PXT_PUNCT;
	}
	t->n = (size_t)(p - t->s);
	l->p = p;
}

static int px_is(const struct px_tok *t, const char *w)
{
	return t->type == PXT_WORD && split_word_is(t->s, t->n, w);
}

static int px_is_punct(const struct px_tok *t, char c)
{
	return t->type == PXT_PUNCT && t->n == 1 && *t->s == c;
}

/* Reads a possibly qualified name starting at *t into out, in a canonical
 * form (each part double-quoted, unquoted parts folded to lower case as the
 * server does: pg_exec_table_name's form); *t is left on the token after it.
 * Returns the number of parts, or -1: not a name. */
static int px_qname(struct px_lex *l, struct px_tok *t, struct dbk_strbuf *out)
{
	int parts = 0;

	dbk_strbuf_reset(out);
	for (;;) {
		if (t->type == PXT_WORD) {
			size_t i;

			dbk_strbuf_addch(out, '"');
			for (i = 0; i < t->n; i++)
				dbk_strbuf_addch(out, (char)tolower((unsigned char)t->s[i]));
			dbk_strbuf_addch(out, '"');
		} else if (t->type == PXT_QUOTED) {
			dbk_strbuf_add(out, t->s, t->n);
		} else {
			return -1;
		}
		parts++;
		px_next(l, t);
		if (!px_is_punct(t, '.'))
			return parts;
		dbk_strbuf_addch(out, '.');
		px_next(l, t);
	}
}

/* The table a COPY statement names, in px_qname's form: the number of its
 * name's parts, or -1. */
static int exec_copy_table(const char *sql, struct dbk_strbuf *out)
{
	struct px_lex l = {sql, sql + strlen(sql)};
	struct px_tok t;

	px_next(&l, &t); /* COPY */
	px_next(&l, &t);
	return px_qname(&l, &t, out);
}

/* Whether the rest of a statement holds a ',' outside parentheses: ALTER
 * TABLE with several actions. */
static int px_has_top_comma(struct px_lex *l, struct px_tok *t)
{
	int depth = 0;

	for (; t->type != PXT_END; px_next(l, t)) {
		if (px_is_punct(t, '('))
			depth++;
		else if (px_is_punct(t, ')'))
			depth--;
		else if (depth == 0 && px_is_punct(t, ','))
			return 1;
	}
	return 0;
}

/*
 * What a post-data statement is, and the tables it names (t1: the table;
 * t2: the table a foreign key references):
 *
 *   CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON [ONLY] t ...     INDEX
 *   ALTER TABLE [IF EXISTS] [ONLY] t ADD CONSTRAINT c
 *       PRIMARY KEY | UNIQUE | EXCLUDE | CHECK ...                   CONSTRAINT
 *       FOREIGN KEY (...) REFERENCES t2 ...                          FK
 *
 * Anything else (CONCURRENTLY, several actions) is PXJ_MAIN.
 */
static enum px_kind px_classify(const char *sql, struct dbk_strbuf *t1, struct dbk_strbuf *t2)
{
	struct px_lex l = {sql, sql + strlen(sql)};
	struct px_tok t;
	enum px_kind kind;

	px_next(&l, &t);
	if (px_is(&t, "create")) {
		px_next(&l, &t);
		if (px_is(&t, "unique"))
			px_next(&l, &t);
		if (!px_is(&t, "index"))
			return PXJ_MAIN;
		px_next(&l, &t);
		if (px_is(&t, "if")) {
			px_next(&l, &t);
			if (!px_is(&t, "not"))
				return PXJ_MAIN;
			px_next(&l, &t);
			if (!px_is(&t, "exists"))
				return PXJ_MAIN;
			px_next(&l, &t);
		}
		if (!px_is(&t, "on")) {
			/* the index's name; CONCURRENTLY cannot run as a job */
			if ((t.type != PXT_WORD && t.type != PXT_QUOTED) ||
			    px_is(&t, "concurrently"))
				return PXJ_MAIN;
			px_next(&l, &t);
		}
		if (!px_is(&t, "on"))
			return PXJ_MAIN;
		px_next(&l, &t);
		if (px_is(&t, "only"))
			px_next(&l, &t);
		return px_qname(&l, &t, t1) < 0 ? PXJ_MAIN : PXJ_INDEX;
	}
	if (!px_is(&t, "alter"))
		return PXJ_MAIN;
	px_next(&l, &t);
	if (!px_is(&t, "table"))
		return PXJ_MAIN;
	px_next(&l, &t);
	if (px_is(&t, "if")) {
		px_next(&l, &t);
		if (!px_is(&t, "exists"))
			return PXJ_MAIN;
		px_next(&l, &t);
	}
	if (px_is(&t, "only"))
		px_next(&l, &t);
	if (px_qname(&l, &t, t1) < 0)
		return PXJ_MAIN;
	if (px_is_punct(&t, '*'))
		px_next(&l, &t);
	if (!px_is(&t, "add"))
		return PXJ_MAIN;
	px_next(&l, &t);
	if (!px_is(&t, "constraint"))
		return PXJ_MAIN;
	px_next(&l, &t);
	if (t.type != PXT_WORD && t.type != PXT_QUOTED)
		return PXJ_MAIN;
	px_next(&l, &t);
	if (px_is(&t, "primary") || px_is(&t, "unique") || px_is(&t, "exclude") ||
	    px_is(&t, "check")) {
		kind = PXJ_CONSTRAINT;
	} else if (px_is(&t, "foreign")) {
		int depth = 0;

		kind = PXJ_FK;
		for (px_next(&l, &t); t.type != PXT_END; px_next(&l, &t)) {
			if (px_is_punct(&t, '('))
				depth++;
			else if (px_is_punct(&t, ')'))
				depth--;
			else if (depth == 0 && px_is(&t, "references"))
				break;
		}
		if (t.type == PXT_END)
			return PXJ_MAIN;
		px_next(&l, &t);
		if (px_qname(&l, &t, t2) < 0)
			return PXJ_MAIN;
	} else {
		return PXJ_MAIN;
	}
	return px_has_top_comma(&l, &t) ? PXJ_MAIN : kind;
}

/* Statements that change the session, which the workers must share: SET
 * (not LOCAL, TRANSACTION or CONSTRAINTS), RESET, SELECT ... set_config. */
static int px_is_session(const struct pg_split_item *it)
{
	if (pg_split_tok_is(it, 0, "set"))
		return !pg_split_tok_is(it, 1, "local") && !pg_split_tok_is(it, 1, "transaction") &&
		       !pg_split_tok_is(it, 1, "constraints");
	if (pg_split_tok_is(it, 0, "reset"))
		return 1;
	return pg_split_tok_is(it, 0, "select") &&
	       exec_has_words(it->text, it->len, "set_config", NULL);
}

/* ---- bookkeeping ---- */

static int px_failed(struct px *px, int rc)
{
	if (!px->rc)
		px->rc = rc;
	return px->rc;
}

/* A failure of worker w's job, from its result (or the connection). */
static int px_fail_res(struct px *px, struct px_worker *w, PGresult *res)
{
	return px_failed(px, exec_fail_pg(w->c->pg, w->cur ? w->cur->line : 0, res,
					  w->cur && w->cur->kind == PXJ_COPY));
}

static struct px_table *px_table(struct px *px, const char *name)
{
	unsigned h = 2166136261u;
	const char *p;
	struct px_table *t;
	size_t n = strlen(name);

	for (p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (t = px->tables[h % PX_BUCKETS]; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	t = dbk_calloc(1, sizeof(*t) + n + 1);
	if (!t)
		return NULL;
	memcpy(t->name, name, n + 1);
	t->next = px->tables[h % PX_BUCKETS];
	px->tables[h % PX_BUCKETS] = t;
	return t;
}

static struct px_job *px_job_new(enum px_kind kind, unsigned long line, const char *sql)
{
	size_t n = strlen(sql);
	struct px_job *j = dbk_calloc(1, sizeof(*j) + n + 1);

	if (!j)
		return NULL;
	j->kind = kind;
	j->line = line;
	memcpy(j->sql, sql, n + 1);
	return j;
}

static void px_push(struct px_worker *w, struct px_el *el)
{
	el->next = NULL;
	if (w->tail)
		w->tail->next = el;
	else
		w->head = el;
	w->tail = el;
}

static void px_pop(struct px_worker *w)
{
	struct px_el *el = w->head;

	w->head = el->next;
	if (!w->head)
		w->tail = NULL;
	free(el);
}

static int px_push_sql(struct px_worker *w, struct px_job *job)
{
	struct px_el *el = dbk_calloc(1, sizeof(*el));

	if (!el)
		return DBK_ENOMEM;
	el->kind = PXE_SQL;
	el->job = job;
	px_push(w, el);
	return 0;
}

/* A job is over (its results all read): what waited for it may start. */
static void px_job_done(struct px *px, struct px_worker *w)
{
	struct px_job *j = w->cur;

	w->cur = NULL;
	w->state = W_IDLE;
	if (!j)
		return;
	if (j->kind == PXJ_COPY) {
		if (j->t1)
			j->t1->copies_open--;
		px->copies_open--;
	} else if (j->kind != PXJ_SESSION) {
		if (j->exclusive)
			px->running_exclusive--;
		if (j->prev)
			j->prev->next = j->next;
		else
			px->open_head = j->next;
		if (j->next)
			j->next->prev = j->prev;
		else
			px->open_tail = j->prev;
	}
	free(j);
}

/* ---- spilling COPY data read ahead ---- */

static int px_spill_open(struct px *px, struct px_worker *w)
{
	struct dbk_strbuf path = DBK_STRBUF_INIT;
	const char *dir = px->opts->scratch_dir;

	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	dbk_strbuf_addf(&path, "%s/.dbkeep-scratch-XXXXXX", dir);
	w->spill_fd = mkstemp(path.buf);
	if (w->spill_fd >= 0) {
		struct statvfs vfs;

		/* nothing to clean up, whatever happens to this process */
		unlink(path.buf);
		/* leave at least half the free space to others (backups) */
		if (fstatvfs(w->spill_fd, &vfs) == 0) {
			uint64_t half = (uint64_t)vfs.f_bavail * vfs.f_frsize / 2;

			if (half < px->spill_max)
				px->spill_max = half;
		}
		w->spill_buf = malloc(PG_SPLIT_COPY_CHUNK);
		if (!w->spill_buf) {
			close(w->spill_fd);
			w->spill_fd = -1;
		}
	}
	if (w->spill_fd < 0)
		dbk_verbose("parallel restore: cannot read ahead into '%s' (%s): reading in step",
			    path.buf, strerror(errno));
	dbk_strbuf_release(&path);
	return w->spill_fd >= 0 ? 0 : -1;
}

/* Queues COPY data for w in its spill file; -1 when it cannot (the reader
 * then waits for the server instead). */
static int px_spill(struct px *px, struct px_worker *w, const char *data, size_t len)
{
	size_t done = 0;
	struct px_el *el;

	if (px->spill_off || px->spilled + len > px->spill_max)
		return -1;
	if (w->spill_fd < 0 && px_spill_open(px, w)) {
		px->spill_off = 1;
		return -1;
	}
	while (done < len) {
		ssize_t n =
		    pwrite(w->spill_fd, data + done, len - done, (off_t)(w->spill_wr + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* a full disk must not fail the restore: stop reading ahead */
			dbk_verbose("parallel restore: reading ahead stopped: %s",
				    n < 0 ? strerror(errno) : "short write");
			if (ftruncate(w->spill_fd, (off_t)w->spill_wr) != 0)
				dbk_verbose("parallel restore: %s", strerror(errno));
			px->spill_off = 1;
			return -1;
		}
		done += (size_t)n;
	}
	w->spill_wr += len;
	px->spilled += len;
	px->spilled_total += len;
	w->backlog += len;
	if (w->tail && w->tail->kind == PXE_SPILL) {
		w->tail->len += len;
		return 0;
	}
	el = dbk_calloc(1, sizeof(*el));
	if (!el)
		return px_failed(px, DBK_ENOMEM);
	el->kind = PXE_SPILL;
	el->len = len;
	px_push(w, el);
	return 0;
}

/* ---- driving the workers ---- */

/* PQputCopyData failed: the server ended the COPY (an error) or the
 * connection broke. */
static int px_copy_failed(struct px *px, struct px_worker *w)
{
	PGresult *res = PQgetResult(w->c->pg);
	int rc = px_fail_res(px, w, res);

	PQclear(res);
	return rc;
}

/* Sends the next piece of COPY data; 1 when the socket is full. */
static int px_send_copy(struct px *px, struct px_worker *w)
{
	PGconn *pg = w->c->pg;
	struct px_el *el = w->head;
	int r;

	switch (el->kind) {
	case PXE_DATA:
		r = PQputCopyData(pg, el->data, (int)el->len);
		if (r < 0)
			return px_copy_failed(px, w);
		if (r == 0)
			return 1;
		w->mem -= el->len;
		w->backlog -= el->len;
		px_pop(w);
		return 0;
	case PXE_SPILL: {
		size_t n = el->len < PG_SPLIT_COPY_CHUNK ? el->len : PG_SPLIT_COPY_CHUNK, got = 0;

		while (got < n) {
			ssize_t k = pread(w->spill_fd, w->spill_buf + got, n - got,
					  (off_t)(w->spill_rd + got));

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return px_failed(px, dbk_seterr(DBK_EIO,
								"could not read back COPY data "
								"read ahead: %s",
								k < 0 ? strerror(errno)
								      : "unexpected end of file"));
			got += (size_t)k;
		}
		r = PQputCopyData(pg, w->spill_buf, (int)n);
		if (r < 0)
			return px_copy_failed(px, w);
		if (r == 0)
			return 1;
		w->spill_rd += n;
		w->backlog -= n;
		px->spilled -= n;
		el->len -= n;
		if (el->len == 0)
			px_pop(w);
		if (w->spill_rd == w->spill_wr) {
			/* all read back: give the disk space back */
			w->spill_rd = w->spill_wr = 0;
			if (ftruncate(w->spill_fd, 0) != 0)
				dbk_verbose("parallel restore: %s", strerror(errno));
		}
		return 0;
	}
	case PXE_END:
		r = PQputCopyEnd(pg, NULL);
		if (r < 0)
			return px_copy_failed(px, w);
		if (r == 0)
			return 1;
		px_pop(w);
		w->state = W_RESULT;
		return 0;
	default:
		return px_failed(px, dbk_seterr(DBK_EFAIL, "parallel restore: a statement "
							   "inside a COPY block"));
	}
}

/* Takes worker w as far as it goes without waiting.  Returns 0 or the
 * first failure. */
static int px_progress(struct px *px, struct px_worker *w)
{
	PGconn *pg = w->c->pg;
	PGresult *res;
	int f, rc;

	while (!px->rc) {
		switch (w->state) {
		case W_IDLE:
			if (!w->head)
				return 0;
			if (w->head->kind != PXE_SQL)
				return px_failed(px, dbk_seterr(DBK_EFAIL, "parallel restore: COPY "
									   "data outside a COPY"));
			w->cur = w->head->job;
			w->head->job = NULL;
			px_pop(w);
			w->copy_started = 0;
			w->state = W_RESULT;
			if (!PQsendQuery(pg, w->cur->sql))
				return px_fail_res(px, w, NULL);
			break;
		case W_RESULT:
			f = PQflush(pg);
			if (f < 0)
				return px_fail_res(px, w, NULL);
			w->want_write = f == 1;
			w->readable = 0;
			if (!PQconsumeInput(pg))
				return px_fail_res(px, w, NULL);
			while (!PQisBusy(pg)) {
				res = PQgetResult(pg);
				if (!res) {
					if (w->cur && w->cur->kind == PXJ_COPY && !w->copy_started)
						return px_failed(
						    px, dbk_seterr(DBK_EDB,
								   "line %lu: COPY did not start",
								   w->cur->line));
					px_job_done(px, w);
					break;
				}
				switch (PQresultStatus(res)) {
				case PGRES_COMMAND_OK:
					if (w->cur && w->cur->kind == PXJ_COPY && w->copy_started)
						exec_copied(px->res,
							    w->cur->counted ? w->cur->t1->name : NULL,
							    res);
					PQclear(res);
					continue;
				case PGRES_TUPLES_OK:
				case PGRES_EMPTY_QUERY:
					PQclear(res);
					continue;
				case PGRES_COPY_IN:
					PQclear(res);
					if (!w->cur || w->cur->kind != PXJ_COPY) {
						PQputCopyEnd(pg,
							     "dbkeep: unexpected COPY FROM STDIN");
						return px_failed(
						    px, dbk_seterr(
							    DBK_EDB,
							    "line %lu: unexpected COPY FROM STDIN",
							    w->cur ? w->cur->line : 0));
					}
					w->copy_started = 1;
					w->state = W_COPY;
					break;
				default:
					rc = px_fail_res(px, w, res);
					PQclear(res);
					return rc;
				}
				break;
			}
			if (w->state == W_RESULT)
				return 0; /* waiting for the server */
			break;
		case W_COPY:
			if (w->readable) {
				/* an error ends the COPY early: see it at once */
				w->readable = 0;
				if (!PQconsumeInput(pg))
					return px_fail_res(px, w, NULL);
				res = PQgetResult(pg);
				if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
					rc = px_fail_res(px, w, res);
					PQclear(res);
					return rc;
				}
				PQclear(res);
			}
			/* one chunk in libpq's buffer at most: memory stays bounded */
			f = PQflush(pg);
			if (f < 0)
				return px_fail_res(px, w, NULL);
			w->want_write = f == 1;
			if (f == 1 || !w->head)
				return 0;
			rc = px_send_copy(px, w);
			if (rc == 1) {
				w->want_write = 1;
				return 0;
			}
			if (rc)
				return rc;
			break;
		}
	}
	return px->rc;
}

static int px_worker_free(const struct px_worker *w)
{
	return w->state == W_IDLE && !w->head;
}

/* Whether job j may start now (see the block comment above). */
static int px_job_ready(struct px *px, struct px_job *j)
{
	struct px_job *k;
	int n = 0, earlier = 1;

	if (px->running_exclusive)
		return 0;
	if (j->kind == PXJ_FK) {
		if (px->copies_open)
			return 0;
	} else if (j->t1 && j->t1->copies ? j->t1->copies_open : px->copies_open) {
		return 0;
	}
	for (k = px->open_head; k && n < PX_WINDOW; k = k->next, n++) {
		int shared;

		if (k == j) {
			earlier = 0;
			continue;
		}
		if (!earlier && !k->running)
			continue;
		if (j->exclusive && k->running)
			return 0;
		/* a foreign key needs the unique indexes made before it */
		if (earlier && j->kind == PXJ_FK && k->kind != PXJ_FK)
			return 0;
		shared = (j->t1 && (j->t1 == k->t1 || j->t1 == k->t2)) ||
			 (j->t2 && (j->t2 == k->t1 || j->t2 == k->t2));
		/* CREATE INDEX takes a SHARE lock, which does not conflict with itself */
		if (shared && !(j->kind == PXJ_INDEX && k->kind == PXJ_INDEX))
			return 0;
	}
	return 1;
}

/* Starts the open jobs that may start, on free workers. */
static int px_dispatch(struct px *px)
{
	struct px_job *j;
	int n = 0, i;

	for (j = px->open_head; j && n < PX_WINDOW && !px->rc;
	     j = j ? j->next : px->open_head, n++) {
		struct px_worker *w = NULL;

		if (j->running)
			continue;
		for (i = 0; i < px->nw && !w; i++)
			if (px_worker_free(&px->w[i]))
				w = &px->w[i];
		if (!w)
			return 0;
		if (!px_job_ready(px, j))
			continue;
		if (px_push_sql(w, j))
			return px_failed(px, DBK_ENOMEM);
		j->running = 1;
		if (j->exclusive)
			px->running_exclusive++;
		px_progress(px, w);
		/* px_progress may have finished and freed j (px_job_done):
		 * the scan goes on from the head, skipping running jobs */
		j = NULL;
	}
	return px->rc;
}

/* Moves every worker on; with wait, first waits (a while) for a socket. */
static int px_pump(struct px *px, int wait)
{
	int i, n = 0;

	for (i = 0; i < px->nw && !px->rc; i++)
		px_progress(px, &px->w[i]);
	px_dispatch(px);
	if (px->rc || !wait)
		return px->rc;
	for (i = 0; i < px->nw; i++) {
		struct px_worker *w = &px->w[i];

		if (w->state == W_IDLE)
			continue;
		px->pfd[n].fd = PQsocket(w->c->pg);
		px->pfd[n].events = (short)(POLLIN | (w->want_write ? POLLOUT : 0));
		px->pfd[n].revents = 0;
		n++;
	}
	if (n == 0)
		return px->rc;
	if (poll(px->pfd, (nfds_t)n, PX_POLL_MS) < 0 && errno != EINTR)
		return px_failed(
		    px, dbk_seterr(DBK_EIO, "parallel restore: poll: %s", strerror(errno)));
	n = 0;
	for (i = 0; i < px->nw; i++) {
		struct px_worker *w = &px->w[i];

		if (w->state == W_IDLE)
			continue;
		if (px->pfd[n++].revents & (POLLIN | POLLERR | POLLHUP))
			w->readable = 1;
	}
	for (i = 0; i < px->nw && !px->rc; i++)
		px_progress(px, &px->w[i]);
	return px_dispatch(px);
}

static int px_busy(const struct px *px)
{
	int i;

	if (px->open_head)
		return 1;
	for (i = 0; i < px->nw; i++)
		if (!px_worker_free(&px->w[i]))
			return 1;
	return 0;
}

/* Waits until everything handed to the workers is done. */
static int px_barrier(struct px *px)
{
	int idle_rounds = 0;

	while (!px->rc && px_busy(px)) {
		int i, working = 0;

		px_pump(px, 1);
		for (i = 0; i < px->nw; i++)
			if (!px_worker_free(&px->w[i]))
				working = 1;
		/* open jobs that no worker runs nor can start: a bug, not a hang */
		idle_rounds = working ? 0 : idle_rounds + 1;
		if (idle_rounds > 2)
			return px_failed(px, dbk_seterr(DBK_EFAIL, "parallel restore: jobs left "
								   "that cannot start"));
	}
	return px->rc;
}

static void px_free(struct px *px)
{
	int i, b;

	if (!px)
		return;
	for (i = 0; i < px->nw; i++) {
		struct px_worker *w = &px->w[i];

		if (w->c && w->state != W_IDLE) {
			/* stop what it runs: the scratch database is dropped next */
			PGcancel *cancel = PQgetCancel(w->c->pg);
			char buf[256];

			if (cancel) {
				PQcancel(cancel, buf, sizeof(buf));
				PQfreeCancel(cancel);
			}
		}
		pg_conn_free(w->c);
		if (w->cur && (w->cur->kind == PXJ_COPY || w->cur->kind == PXJ_SESSION))
			free(w->cur);
		while (w->head) {
			struct px_el *el = w->head;

			if (el->job && (el->job->kind == PXJ_COPY || el->job->kind == PXJ_SESSION))
				free(el->job);
			px_pop(w);
		}
		if (w->spill_fd >= 0)
			close(w->spill_fd);
		free(w->spill_buf);
	}
	while (px->open_head) {
		struct px_job *j = px->open_head;

		px->open_head = j->next;
		free(j);
	}
	for (b = 0; b < PX_BUCKETS; b++) {
		while (px->tables[b]) {
			struct px_table *t = px->tables[b];

			px->tables[b] = t->next;
			free(t);
		}
	}
	free(px->w);
	free(px->pfd);
	free(px);
}

/* The workers' connections are made on threads of their own as soon as the
 * file's head shows a dbkeep dump: beside each other, and beside the
 * pre-data statements the main connection runs meanwhile, instead of one
 * after the other when the data begins.  Each thread only connects (libpq
 * connections are independent, the error slot is per thread) and keeps
 * what went wrong for px_start to report. */
struct px_dial {
	pthread_t tid;
	int started;
	const struct pg_exec_opts *opts;
	struct pg_conn *c;
	char err[512];
};

static void *px_dial_run(void *arg)
{
	struct px_dial *d = arg;

	if (pg_connect_db(d->opts->target, d->opts->dbname, &d->c) != 0) {
		snprintf(d->err, sizeof(d->err), "%s", dbk_errmsg());
		dbk_clearerr();
	}
	return NULL;
}

/* Starts dialing when the restore is to run in parallel (see px_wanted):
 * called on the file's first line. */
static void px_dial_start(struct exec_ctx *x)
{
	const struct pg_exec_opts *o = x->opts;

	if (o->jobs <= 1 || !o->target || !o->dbname || o->dry_run || !x->res->dbkeep_dump ||
	    !x->conn || x->dials)
		return;
	x->dials = dbk_calloc((size_t)o->jobs, sizeof(*x->dials));
	if (!x->dials)
		return; /* px_start connects them itself */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* signals are the main thread's */
	for (int i = 0; i < o->jobs; i++) {
		x->dials[i].opts = o;
		x->dials[i].started = pthread_create(&x->dials[i].tid, NULL, px_dial_run,
						     &x->dials[i]) == 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Waits for dial i (or connects now when it never started); the connection
 * is the caller's.  Returns 0, or -1 with the reason in the error slot. */
static int px_dial_take(struct exec_ctx *x, int i, struct pg_conn **out)
{
	struct px_dial *d = x->dials ? &x->dials[i] : NULL;

	if (!d || !d->started)
		return pg_connect_db(x->opts->target, x->opts->dbname, out) ? -1 : 0;
	pthread_join(d->tid, NULL);
	d->started = 0;
	*out = d->c;
	d->c = NULL;
	if (!*out) {
		dbk_seterr(DBK_EDB, "%s", d->err);
		return -1;
	}
	return 0;
}

/* Joins and closes the dials px_start did not take (a failure before the
 * data, or fewer workers kept). */
static void px_dial_free(struct exec_ctx *x)
{
	if (!x->dials)
		return;
	for (int i = 0; i < x->opts->jobs; i++) {
		if (x->dials[i].started)
			pthread_join(x->dials[i].tid, NULL);
		pg_conn_free(x->dials[i].c);
	}
	free(x->dials);
	x->dials = NULL;
}

/* Opens the workers, each given the session settings run on conn so far.
 * Fewer than asked (the server's connection limit) is fine; none means no
 * parallel restore. */
static int px_start(struct exec_ctx *x)
{
	const struct pg_exec_opts *o = x->opts;
	struct px *px;
	int i;

	px = dbk_calloc(1, sizeof(*px));
	if (!px)
		return DBK_ENOMEM;
	px->opts = o;
	px->res = x->res;
	px->spill_max = PX_SPILL_MAX;
	px->w = dbk_calloc((size_t)o->jobs, sizeof(*px->w));
	px->pfd = dbk_calloc((size_t)o->jobs, sizeof(*px->pfd));
	if (!px->w || !px->pfd) {
		px_free(px);
		return DBK_ENOMEM;
	}
	for (i = 0; i < o->jobs; i++) {
		struct px_worker *w = &px->w[px->nw];
		PGresult *res = NULL;

		w->spill_fd = -1;
		if (px_dial_take(x, i, &w->c) != 0) {
			dbk_verbose("parallel restore: %s", dbk_errmsg());
			dbk_clearerr();
			break;
		}
		if (x->session.len) {
			res = PQexec(w->c->pg, x->session.buf);
			if (PQresultStatus(res) != PGRES_COMMAND_OK &&
			    PQresultStatus(res) != PGRES_TUPLES_OK) {
				dbk_verbose("parallel restore: the session settings failed: %s",
					    PQerrorMessage(w->c->pg));
				PQclear(res);
				pg_conn_free(w->c);
				w->c = NULL;
				break;
			}
			PQclear(res);
		}
		if (PQsetnonblocking(w->c->pg, 1) != 0) {
			pg_conn_free(w->c);
			w->c = NULL;
			break;
		}
		px->nw++;
	}
	px_dial_free(x);
	if (px->nw == 0) {
		px_free(px);
		x->px_off = 1;
		dbk_verbose("parallel restore: no extra connection: loading on one");
		return 0;
	}
	dbk_verbose("parallel restore: %d connections beside the main one", px->nw);
	x->px = px;
	return 0;
}

/* Whether the item may go to the workers: a dbkeep dump, jobs > 1, and
 * conn outside a transaction (the workers see only what is committed).
 * Starts the workers the first time. */
static int px_wanted(struct exec_ctx *x, int *rc)
{
	const struct pg_exec_opts *o = x->opts;

	*rc = 0;
	if (x->px_off || o->jobs <= 1 || !o->target || !o->dbname || o->dry_run ||
	    !x->res->dbkeep_dump || !x->conn)
		return 0;
	if (PQtransactionStatus(x->conn) != PQTRANS_IDLE)
		return 0;
	if (!x->px) {
		*rc = px_start(x);
		if (*rc || !x->px)
			return 0;
	}
	return 1;
}

static int px_copy_begin(struct exec_ctx *x, const struct pg_split_item *it, const char *sql)
{
	struct px *px = x->px;
	struct dbk_strbuf name = DBK_STRBUF_INIT;
	struct px_worker *w = NULL;
	struct px_job *j;
	int i, parts;

	j = px_job_new(PXJ_COPY, it->line, sql);
	if (!j)
		return px_failed(px, DBK_ENOMEM);
	parts = exec_copy_table(sql, &name);
	j->counted = parts == 2;
	if (parts > 0) {
		j->t1 = px_table(px, name.buf);
		if (!j->t1) {
			free(j);
			dbk_strbuf_release(&name);
			return px_failed(px, DBK_ENOMEM);
		}
		j->t1->copies++;
		j->t1->copies_open++;
	}
	dbk_strbuf_release(&name);
	px->copies_open++;
	/* the least loaded worker; a free one first */
	for (i = 0; i < px->nw; i++) {
		struct px_worker *c = &px->w[i];

		if (!w || (px_worker_free(c) && !px_worker_free(w)) ||
		    (px_worker_free(c) == px_worker_free(w) && c->backlog < w->backlog))
			w = c;
	}
	if (px_push_sql(w, j)) {
		free(j);
		return px_failed(px, DBK_ENOMEM);
	}
	px->copy_w = w;
	x->px_copy = 1;
	return px_pump(px, 0);
}

/* Whether reading past the COPY block being read, by spilling the rest of
 * it, can get another worker going: only when one is free.  When every
 * worker is busy, what lies ahead could not start anyway, and spilling would
 * only copy the data through the disk twice; the reader waits instead, and
 * the block goes straight from the file to its worker. */
static int px_read_ahead_helps(const struct px *px, const struct px_worker *w)
{
	for (int i = 0; i < px->nw; i++)
		if (&px->w[i] != w && px_worker_free(&px->w[i]))
			return 1;
	return 0;
}

static int px_copy_data(struct px *px, const char *data, size_t len)
{
	struct px_worker *w = px->copy_w;

	while (!px->rc) {
		if (w->mem == 0 || w->mem + len <= PX_MEM_MAX) {
			struct px_el *el = dbk_malloc(sizeof(*el) + len);

			if (!el)
				return px_failed(px, DBK_ENOMEM);
			memset(el, 0, sizeof(*el));
			el->kind = PXE_DATA;
			el->len = len;
			memcpy(el->data, data, len);
			px_push(w, el);
			w->mem += len;
			w->backlog += len;
			break;
		}
		if (px_read_ahead_helps(px, w) && px_spill(px, w, data, len) == 0)
			break;
		px_pump(px, 1);
	}
	return px_pump(px, 0);
}

static int px_copy_end(struct px *px)
{
	struct px_el *el = dbk_calloc(1, sizeof(*el));

	if (!el)
		return px_failed(px, DBK_ENOMEM);
	el->kind = PXE_END;
	px_push(px->copy_w, el);
	px->copy_w = NULL;
	return px_pump(px, 0);
}

/* A post-data statement that may run beside others: queued as a job. */
static int px_post(struct px *px, enum px_kind kind, const char *t1, const char *t2,
		   unsigned long line, const char *sql)
{
	struct px_job *j = px_job_new(kind, line, sql);

	if (!j)
		return px_failed(px, DBK_ENOMEM);
	j->t1 = px_table(px, t1);
	j->t2 = kind == PXJ_FK ? px_table(px, t2) : NULL;
	if (!j->t1 || (kind == PXJ_FK && !j->t2)) {
		free(j);
		return px_failed(px, DBK_ENOMEM);
	}
	/* a table without a COPY block may be partitioned: a foreign key on it
	 * (or to it) locks partitions no other job names */
	j->exclusive = kind == PXJ_FK && (!j->t1->copies || !j->t2->copies);
	j->prev = px->open_tail;
	if (px->open_tail)
		px->open_tail->next = j;
	else
		px->open_head = j;
	px->open_tail = j;
	return px_pump(px, 0);
}

/* A session setting that ran on conn: the workers run it too, before
 * their next job (they are idle: conn ran it after a barrier). */
static int px_session(struct exec_ctx *x, const char *sql)
{
	int i;

	dbk_strbuf_addstr(&x->session, sql);
	dbk_strbuf_addch(&x->session, '\n');
	if (!x->px)
		return 0;
	for (i = 0; i < x->px->nw; i++) {
		struct px_job *j = px_job_new(PXJ_SESSION, 0, sql);

		if (!j || px_push_sql(&x->px->w[i], j)) {
			free(j);
			return px_failed(x->px, DBK_ENOMEM);
		}
	}
	return px_pump(x->px, 0);
}

/* Runs item it's statement sql in parallel when it may; *done says whether
 * it was taken. */
static int px_stmt(struct exec_ctx *x, const struct pg_split_item *it, const char *sql, int *done)
{
	struct dbk_strbuf t1 = DBK_STRBUF_INIT, t2 = DBK_STRBUF_INIT;
	enum px_kind kind;
	int rc = 0;

	*done = 0;
	if (x->section == EXEC_PRE || !px_wanted(x, &rc))
		return rc;
	if (it->copy_in) {
		if (x->section != EXEC_DATA)
			return 0;
		*done = 1;
		return px_copy_begin(x, it, sql);
	}
	if (x->section != EXEC_POST)
		return 0;
	kind = px_classify(sql, &t1, &t2);
	if (kind != PXJ_MAIN) {
		*done = 1;
		rc = px_post(x->px, kind, t1.buf, t2.buf, it->line, sql);
	}
	dbk_strbuf_release(&t1);
	dbk_strbuf_release(&t2);
	return rc;
}

static int exec_stmt(struct exec_ctx *x, const struct pg_split_item *it)
{
	const char *why, *sql;
	int rc, done;

	if (pg_split_tok_is(it, 0, "create") && pg_split_tok_is(it, 1, "database")) {
		/* pg_dump --create: the restore made the database already */
		if (x->res->created_db)
			return dbk_seterr(
			    DBK_EDB, "line %lu: the file creates more than one database", it->line);
		if (it->ntok >= 3)
			x->res->created_db = strndup(it->text + it->tok[2].off, it->tok[2].len);
		x->res->skipped++;
		dbk_verbose("line %lu: skipped CREATE DATABASE", it->line);
		return 0;
	}
	if (pg_split_tok_is(it, 0, "drop") && pg_split_tok_is(it, 1, "database")) {
		/* never drop a database from a backup file */
		x->res->skipped++;
		dbk_verbose("line %lu: skipped DROP DATABASE", it->line);
		return 0;
	}
	why = exec_skip_reason(it, x->opts);
	if (why) {
		x->res->skipped++;
		dbk_verbose("line %lu: skipped %s", it->line, why);
		return 0;
	}
	x->res->statements++;
	if (it->copy_in)
		x->res->copies++;
	if (x->opts->dry_run)
		return 0;
	sql = exec_rewrite_dbrefs(x, it);
	rc = px_stmt(x, it, sql, &done);
	if (rc || done)
		return rc;
	/* in order: after everything before it */
	if (x->px && (rc = px_barrier(x->px)))
		return rc;
	rc = exec_send(x, it, sql);
	if (!rc && x->opts->jobs > 1 && px_is_session(it))
		rc = px_session(x, sql);
	return rc;
}

static int exec_meta(struct exec_ctx *x, const struct pg_split_item *it)
{
	size_t n = 1;
	const char *cmd = it->text + 1;

	while (n < it->len && !split_is_space((unsigned char)it->text[n]))
		n++;
	n--;
	if ((n == 7 && strncmp(cmd, "connect", 7) == 0) || (n == 1 && *cmd == 'c')) {
		if (!x->res->created_db)
			return dbk_seterr(
			    DBK_EDB, "line %lu: \\connect to another database is not supported",
			    it->line);
		dbk_verbose("line %lu: \\connect: staying on the database being loaded", it->line);
		return 0;
	}
	if ((n == 8 && strncmp(cmd, "restrict", 8) == 0) ||
	    (n == 10 && strncmp(cmd, "unrestrict", 10) == 0) ||
	    (n == 3 && strncmp(cmd, "set", 3) == 0))
		return 0;
	return dbk_seterr(DBK_EDB, "line %lu: unsupported psql command '\\%.*s'", it->line, (int)n,
			  cmd);
}

static int exec_copy_end(struct exec_ctx *x)
{
	PGresult *res;
	int rc = 0;

	if (!x->in_copy)
		return 0;
	x->in_copy = 0;
	if (PQputCopyEnd(x->conn, NULL) != 1)
		return dbk_seterr(DBK_EDB, "line %lu: %s", x->copy_line, PQerrorMessage(x->conn));
	while ((res = PQgetResult(x->conn))) {
		if (!rc && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = exec_fail(x, x->copy_line, res, 1);
		else if (!rc)
			exec_copied(x->res, x->copy_counted ? x->copy_table.buf : NULL, res);
		PQclear(res);
	}
	return rc;
}

static int exec_item(void *arg, const struct pg_split_item *it)
{
	struct exec_ctx *x = arg;
	int first = x->first;

	x->first = 0;
	if (it->kind == PG_SPLIT_COMMENT) {
		if (first && it->line == 1 &&
		    strncmp(it->text, PG_DUMP_MAGIC, strlen(PG_DUMP_MAGIC)) == 0) {
			x->res->dbkeep_dump = 1;
			px_dial_start(x);
		}
		x->res->ended = strcmp(it->text, PG_DUMP_END) == 0;
		if (strcmp(it->text, "-- dbkeep:section pre-data") == 0)
			x->section = EXEC_PRE;
		else if (strcmp(it->text, "-- dbkeep:section data") == 0)
			x->section = EXEC_DATA;
		else if (strcmp(it->text, "-- dbkeep:section post-data") == 0)
			x->section = EXEC_POST;
		return 0;
	}
	x->res->ended = 0;
	switch (it->kind) {
	case PG_SPLIT_STMT:
		return exec_stmt(x, it);
	case PG_SPLIT_META:
		return exec_meta(x, it);
	case PG_SPLIT_COPY_DATA:
		if (x->px_copy)
			return px_copy_data(x->px, it->text, it->len);
		if (x->in_copy && PQputCopyData(x->conn, it->text, (int)it->len) != 1)
			return dbk_seterr(DBK_EDB, "line %lu: %s", x->copy_line,
					  PQerrorMessage(x->conn));
		return 0;
	case PG_SPLIT_COPY_END:
		if (x->px_copy) {
			x->px_copy = 0;
			return px_copy_end(x->px);
		}
		return exec_copy_end(x);
	default:
		return 0;
	}
}

int pg_exec_run(PGconn *conn, const char *head, size_t head_len, struct dbk_reader *r,
		const struct pg_exec_opts *opts, struct pg_exec_result *res)
{
	struct pg_split split;
	struct exec_ctx x;
	char *buf = NULL;
	const size_t bufsize = 256 * 1024;
	ssize_t n;
	int rc;

	memset(&x, 0, sizeof(x));
	x.conn = opts->dry_run ? NULL : conn;
	x.opts = opts;
	x.res = res;
	x.split = &split;
	x.first = 1;
	dbk_strbuf_init(&x.sql);
	dbk_strbuf_init(&x.session);
	dbk_strbuf_init(&x.copy_table);
	pg_split_init(&split, exec_item, &x);
	if (x.conn) {
		const char *scs = PQparameterStatus(conn, "standard_conforming_strings");

		pg_split_set_scs(&split, !(scs && strcmp(scs, "off") == 0));
	}

	rc = pg_split_feed(&split, head, head_len);
	if (rc)
		goto out;
	buf = malloc(bufsize);
	if (!buf) {
		rc = dbk_oom();
		goto out;
	}
	while (r && (n = dbk_read(r, buf, bufsize)) != 0) {
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		rc = pg_split_feed(&split, buf, (size_t)n);
		if (rc)
			goto out;
	}
	if (res->dbkeep_dump && !(split.state == S_NORMAL && !split.sig) &&
	    !(split.state == S_LINE_COMMENT && split.comment_outside)) {
		/* our dumps end with a whole line: anything pending was cut off */
		rc = dbk_seterr(DBK_ECORRUPT, "backup is truncated (no end marker)");
		goto out;
	}
	rc = pg_split_finish(&split);
	if (!rc && x.px)
		rc = px_barrier(x.px);
	if (!rc && x.px && x.px->spilled_total)
		dbk_verbose("parallel restore: %llu bytes of COPY data read ahead through disk",
			    (unsigned long long)x.px->spilled_total);
	if (!rc)
		exec_copied_merge(res);
out:
	if (rc == DBK_ECORRUPT && *pg_split_error(&split))
		dbk_seterr(rc, "%s", pg_split_error(&split));
	if (x.in_copy && x.conn) {
		/* leave the connection usable: abort the COPY */
		PGresult *pr;

		PQputCopyEnd(x.conn, "dbkeep: restore stopped");
		while ((pr = PQgetResult(x.conn)))
			PQclear(pr);
	}
	/* workers still running are cancelled (after a failure) */
	px_free(x.px);
	px_dial_free(&x);
	free(buf);
	pg_split_release(&split);
	dbk_strbuf_release(&x.sql);
	dbk_strbuf_release(&x.session);
	dbk_strbuf_release(&x.copy_table);
	return rc;
}
