-- Many tables with foreign keys between them, partitioned tables with
-- indexes and keys, a matview with a unique index, an exclusion constraint.
CREATE SCHEMA shop;
CREATE TABLE shop.t_0 (id int PRIMARY KEY, code text UNIQUE, v text);
INSERT INTO shop.t_0 SELECT g, 'c' || g, md5(g::text) FROM generate_series(1, 2000) g;
DO $$
BEGIN
	FOR i IN 1..40 LOOP
		EXECUTE format('CREATE TABLE shop.t_%s (id int PRIMARY KEY, ref int NOT NULL REFERENCES shop.t_%s (id), ref0 int REFERENCES shop.t_0 (id), v text, n numeric CHECK (n >= 0))', i, i - 1);
		EXECUTE format('INSERT INTO shop.t_%s SELECT g, 1 + g %% 2000, 1 + (g * 7) %% 2000, md5(g::text), g FROM generate_series(1, 2000) g', i);
		EXECUTE format('CREATE INDEX t_%s_v ON shop.t_%s (v)', i, i);
		EXECUTE format('CREATE UNIQUE INDEX t_%s_vn ON shop.t_%s (v, n)', i, i);
	END LOOP;
END $$;
CREATE TABLE shop.ev (id bigint, at date, t_ref int REFERENCES shop.t_0 (id), payload text,
	PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE shop.ev_2020 PARTITION OF shop.ev FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE shop.ev_2021 PARTITION OF shop.ev FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
CREATE TABLE shop.ev_rest PARTITION OF shop.ev DEFAULT;
CREATE INDEX ev_t_ref ON shop.ev (t_ref);
CREATE INDEX ev_payload ON shop.ev (payload);
INSERT INTO shop.ev SELECT g, date '2020-01-01' + (g % 1000), 1 + g % 2000, repeat('x', g % 50) FROM generate_series(1, 30000) g;
CREATE TABLE shop.ev_note (id bigint, at date, note text, FOREIGN KEY (id, at) REFERENCES shop.ev (id, at));
INSERT INTO shop.ev_note SELECT id, at, 'note ' || id FROM shop.ev WHERE id % 10 = 0;
CREATE TABLE shop.booking (id int PRIMARY KEY, room int, during int4range,
	EXCLUDE USING gist (during WITH &&));
INSERT INTO shop.booking SELECT g, g % 10, int4range(g * 10, g * 10 + 5) FROM generate_series(1, 1000) g;
CREATE MATERIALIZED VIEW shop.ev_per_ref AS SELECT t_ref, count(*) AS n FROM shop.ev GROUP BY t_ref;
CREATE UNIQUE INDEX ev_per_ref_t ON shop.ev_per_ref (t_ref);
CREATE TABLE shop."Mixed Case" ("Id" int PRIMARY KEY, "Ref" int REFERENCES shop.t_1 (id));
INSERT INTO shop."Mixed Case" SELECT g, g FROM generate_series(1, 500) g;
CREATE TABLE shop.dups (id int, v text);
INSERT INTO shop.dups SELECT g, 'same' FROM generate_series(1, 10) g;
