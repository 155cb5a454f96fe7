/* src/fsutil.c - not written yet */
typedef int dbk_placeholder_fsutil;
