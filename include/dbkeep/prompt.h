/*
 * prompt.h - asking the person at the terminal, and never anyone else.
 */
#ifndef DBKEEP_PROMPT_H
#define DBKEEP_PROMPT_H

/* Prints what (a sentence describing the action) and "Type 'yes' to
 * proceed: " on stderr and reads one line from the terminal.  Returns 0 when
 * the answer is "yes".  With no terminal on stdin it refuses at once
 * (DBK_EREFUSED naming --force) and never waits. */
int dbk_confirm(const char *what);

#endif
