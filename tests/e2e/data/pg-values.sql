-- pg-values.sql: values at the edges of their types, for the PostgreSQL
-- dump/restore round trip (PostgreSQL 15+).  Load it as a superuser into
-- an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-values.sql

SET client_min_messages = warning;
CREATE SCHEMA vals;

CREATE TABLE vals.floats (id serial PRIMARY KEY, r real, d double precision, n numeric);
INSERT INTO vals.floats (r, d, n) VALUES
    ('NaN', 'NaN', 'NaN'), ('Infinity', 'Infinity', 'Infinity'), ('-Infinity', '-Infinity', '-Infinity'),
    ('-0', '-0', '-0'), (1.17549435e-38, 2.2250738585072014e-308, 1e-1000),
    (3.4028235e38, 1.7976931348623157e308, 123456789012345678901234567890123456789012345678901234567890.123456789012345678901234567890),
    (0.1, 0.1, '0.1000000000000000000000'), (NULL, 4.9e-324, -1e131071);

CREATE TABLE vals.times (id serial PRIMARY KEY, d date, ts timestamp, tstz timestamptz, t time, ttz timetz, iv interval);
INSERT INTO vals.times (d, ts, tstz, t, ttz, iv) VALUES
    ('infinity', 'infinity', 'infinity', '24:00:00', '00:00:00+15:59', '1 year 2 mons 3 days 04:05:06.000007'),
    ('-infinity', '-infinity', '-infinity', '00:00:00', '23:59:59.999999-15:59', '-1 mons +1 days -00:00:00.000001'),
    ('4713-01-01 BC', '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC', '12:34:56.789012', '12:00+05:30', '178000000 years'),
    ('0044-03-15 BC', '294276-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', NULL, NULL, '-178000000 years'),
    ('5874897-12-31', '2000-02-29 12:00', '2024-03-31 02:30:00+02', NULL, NULL, '0'),
    ('2000-01-01', NULL, NULL, NULL, NULL, '30 days 1000000 hours');

-- bytea with every byte value, text with every escape COPY knows
CREATE TABLE vals.bytes (id integer PRIMARY KEY, b bytea, t text, c "char", v varchar(3), ch char(5));
INSERT INTO vals.bytes VALUES
    (1, (SELECT string_agg(set_byte('\x00'::bytea, 0, g), ''::bytea ORDER BY g) FROM generate_series(0, 255) g),
     E'back\\slash\ttab\nnewline\rreturn\bbackspace\fformfeed\vvtab', 'x', 'abc', 'ab'),
    (2, '\x', '', '', '', ''),
    (3, NULL, E'\\.', E'\\', '\.', '\N'),
    (4, '\x5c2e0a', E'\\.\n\\.', '.', E'\n', E'a\tb'),
    (5, '\xdeadbeef', 'ünïcödé ☃ 𝄞 ‮rtl‬ 日本語 emoji 🎉 nbsp: ', 'é', '☃☃☃', 'ü'),
    (6, NULL, repeat('long ', 200000), NULL, NULL, NULL),
    (7, NULL, E'\\N', NULL, NULL, NULL),
    (8, NULL, 'NULL', NULL, NULL, NULL);

-- json, xml, text search, network, bit strings, money, uuid, geometry
CREATE TABLE vals.misc (id integer PRIMARY KEY, j json, jb jsonb, x xml, tsv tsvector, tsq tsquery,
    i inet, c cidr, m macaddr, m8 macaddr8, bits bit(8), vb bit varying(20), mo money, u uuid,
    p point, l line, bx box, pg polygon, ci circle, pl pg_lsn, oi oid, xi xid8);
INSERT INTO vals.misc VALUES
    (1, '{"a": null, "b": [null, {"c": null}], "d": "\u00e9\n"}', '{"z": {"y": [null, [], {}]}, "a": 1e300, "n": -0.0}',
     '<r a="&quot;"><![CDATA[x < y]]></r>', 'a:1A b:2,3B ''quote'':4', 'a & !(b <-> c) | d:*',
     '::ffff:1.2.3.4/128', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', B'10100101', B'',
     '-92233720368547758.08', '00000000-0000-0000-0000-000000000000', '(NaN,Infinity)', '{1,-1,0}',
     '((1,1),(0,0))', '((0,0),(1,0),(0,1))', '<(0,0),1e-300>', 'FFFFFFFF/FFFFFFFF', 4294967295, '18446744073709551615'),
    (2, 'null', 'null', 'just text', '', '', '2001:db8::1', '::/0', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00:00:00',
     B'00000000', B'11111111111111111111', '92233720368547758.07', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
     '(-0,0)', '{0,1,-5}', '((0,0),(0,0))', '((0,0))', '<(1,1),0>', '0/0', 0, '0'),
    (3, '[]', '[]', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- arrays: NULL elements, multi-dimensional, non-default lower bounds,
-- quoting of elements
CREATE TABLE vals.arrays (id integer PRIMARY KEY, ia integer[], ta text[], na numeric[], da date[], ba bytea[], ja jsonb[]);
INSERT INTO vals.arrays VALUES
    (1, '[0:1]={1,2}', '[-5:-4]={"a b","NULL"}', '[2:3][1:2]={{1.5,NaN},{NULL,-0}}', '{infinity,NULL}', '{"\\x00ff",NULL}', '{"{\"a\": null}",null}'),
    (2, '{{{1,2}},{{3,4}}}', '{"","\"",\\\\,"{}",",",NULL,"null"}', '{}', '{}', '{}', '{}'),
    (3, '{NULL}', ARRAY[E'tab\there', E'new\nline', 'back\slash'], NULL, NULL, NULL, NULL);

-- ranges and multiranges at the edges
CREATE TABLE vals.ranges (id integer PRIMARY KEY, i int4range, n numrange, t tstzrange, d daterange, m int8multirange);
INSERT INTO vals.ranges VALUES
    (1, 'empty', '(,)', '[-infinity,infinity]', '[4713-01-01 BC,)', '{}'),
    (2, '[-2147483648,2147483647)', '(NaN,NaN]', NULL, '(,2000-01-01]', '{[1,2),[3,4),(,0)}');
