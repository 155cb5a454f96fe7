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
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

struct exec_ctx {
	PGconn *conn;
	const struct pg_exec_opts *opts;
	struct pg_exec_result *res;
	struct pg_split *split;
	int first;		 /* no item seen yet */
	int in_copy;		 /* the server is in COPY FROM STDIN */
	unsigned long copy_line; /* the line of the COPY statement */
	struct dbk_strbuf sql;	 /* a statement rewritten before it is sent */
};

void pg_exec_result_release(struct pg_exec_result *res)
{
	free(res->created_db);
	res->created_db = NULL;
}

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
 * Which statements --no-owner and --no-privileges leave out, by their
 * leading words (the dump writes each kind of thing in its own statement):
 *
 *   no_owner       ALTER ... OWNER TO ...;  CREATE/ALTER/DROP ROLE|USER|GROUP
 *                  (not USER MAPPING);  SET SESSION AUTHORIZATION;  SET ROLE;
 *                  a DO block whose body says CREATE ROLE or OWNER TO
 *   no_privileges  GRANT;  REVOKE;  ALTER DEFAULT PRIVILEGES;  a DO block
 *                  whose body says GRANT or REVOKE
 *
 * Returns what was recognised, or NULL to run the statement.
 */
static const char *exec_skip_reason(const struct pg_split_item *it, const struct pg_exec_opts *o)
{
	int is_do = pg_split_tok_is(it, 0, "do");

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
		if (is_do && (exec_has_words(it->text, it->len, "create", "role") ||
			      exec_has_words(it->text, it->len, "owner", "to")))
			return "a DO block creating roles or setting owners";
	}
	if (o->no_privileges) {
		if (pg_split_tok_is(it, 0, "grant") || pg_split_tok_is(it, 0, "revoke"))
			return "GRANT / REVOKE";
		if (pg_split_tok_is(it, 0, "alter") && pg_split_tok_is(it, 1, "default") &&
		    pg_split_tok_is(it, 2, "privileges"))
			return "ALTER DEFAULT PRIVILEGES";
		if (is_do && (exec_has_words(it->text, it->len, "grant", NULL) ||
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

/* Records "line N: primary (detail)" from a failed result. */
static int exec_fail(struct exec_ctx *x, unsigned long line, PGresult *res, int with_context)
{
	struct dbk_strbuf msg = DBK_STRBUF_INIT;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *context = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	int rc;

	if (primary)
		dbk_strbuf_addstr(&msg, primary);
	else
		dbk_strbuf_addstr(&msg, PQerrorMessage(x->conn));
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

static int exec_stmt(struct exec_ctx *x, const struct pg_split_item *it)
{
	const char *why;

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
	return exec_send(x, it, exec_rewrite_dbrefs(x, it));
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
		    strncmp(it->text, PG_DUMP_MAGIC, strlen(PG_DUMP_MAGIC)) == 0)
			x->res->dbkeep_dump = 1;
		x->res->ended = strcmp(it->text, PG_DUMP_END) == 0;
		return 0;
	}
	x->res->ended = 0;
	switch (it->kind) {
	case PG_SPLIT_STMT:
		return exec_stmt(x, it);
	case PG_SPLIT_META:
		return exec_meta(x, it);
	case PG_SPLIT_COPY_DATA:
		if (x->in_copy && PQputCopyData(x->conn, it->text, (int)it->len) != 1)
			return dbk_seterr(DBK_EDB, "line %lu: %s", x->copy_line,
					  PQerrorMessage(x->conn));
		return 0;
	case PG_SPLIT_COPY_END:
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
	free(buf);
	pg_split_release(&split);
	dbk_strbuf_release(&x.sql);
	return rc;
}
