/* src/backupset.c - not written yet */
typedef int dbk_placeholder_backupset;
