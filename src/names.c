/* src/names.c - not written yet */
typedef int dbk_placeholder_names;
