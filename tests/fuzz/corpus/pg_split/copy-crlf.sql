COPY t (a, b) FROM stdin;
1	x
\N	\\.
\.
SELECT 1;
