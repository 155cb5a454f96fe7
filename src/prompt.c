/* src/prompt.c - not written yet */
typedef int dbk_placeholder_prompt;
