/* src/catalog.c - not written yet */
typedef int dbk_placeholder_catalog;
