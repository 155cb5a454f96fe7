/*
 * prompt.c - confirmation from a person at a terminal (see prompt.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dbkeep/error.h"
#include "dbkeep/prompt.h"

int dbk_confirm(const char *what)
{
	char line[64];

	/* Scripts must never hang: without a terminal there is nobody to ask. */
	if (!isatty(STDIN_FILENO))
		return dbk_seterr(DBK_EREFUSED,
				  "refusing to proceed without confirmation: stdin is not a "
				  "terminal (use --force in scripts)");
	fprintf(stderr, "%s\nType 'yes' to proceed: ", what);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return dbk_seterr(DBK_EREFUSED, "cancelled: no answer");
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "yes") != 0)
		return dbk_seterr(DBK_EREFUSED, "cancelled: the answer was not 'yes'");
	return 0;
}
