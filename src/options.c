/* src/options.c - not written yet */
typedef int dbk_placeholder_options;
