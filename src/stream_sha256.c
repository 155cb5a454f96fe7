/* src/stream_sha256.c - not written yet */
typedef int dbk_placeholder_stream_sha256;
