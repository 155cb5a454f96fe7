/* src/manifest.c - not written yet */
typedef int dbk_placeholder_manifest;
