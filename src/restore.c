/* src/restore.c - not written yet */
typedef int dbk_placeholder_restore;
