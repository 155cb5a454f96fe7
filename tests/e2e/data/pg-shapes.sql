-- pg-shapes.sql: table, constraint, index, trigger, rule, view and routine
-- shapes that real schemas hold and pg-odd-objects.sql lacks, for the
-- PostgreSQL dump/restore round trip (PostgreSQL 15+).  Load it as a
-- superuser into an empty database:
--   psql -X -v ON_ERROR_STOP=1 -d EMPTYDB -f pg-shapes.sql

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dbk_shape_owner') THEN
        CREATE ROLE dbk_shape_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'Shape "Reader"') THEN
        CREATE ROLE "Shape ""Reader""" NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA shapes;
-- a schema owned by another role, holding a table of the superuser
CREATE SCHEMA owned AUTHORIZATION dbk_shape_owner;
CREATE TABLE owned.su_table (id integer);
ALTER DEFAULT PRIVILEGES FOR ROLE dbk_shape_owner IN SCHEMA owned GRANT SELECT ON TABLES TO "Shape ""Reader""";
ALTER DEFAULT PRIVILEGES FOR ROLE dbk_shape_owner IN SCHEMA owned GRANT USAGE ON SEQUENCES TO "Shape ""Reader""";

-- dropped columns: the COPY column list must skip them
CREATE TABLE shapes.dropped (a integer, gone1 text, b text, gone2 integer[], c date);
ALTER TABLE shapes.dropped DROP COLUMN gone1;
ALTER TABLE shapes.dropped DROP COLUMN gone2;
ALTER TABLE shapes.dropped ADD COLUMN d numeric DEFAULT 1.5;
INSERT INTO shapes.dropped VALUES (1, 'x', '2024-02-29', 2), (NULL, NULL, NULL, NULL);
-- a composite type with a dropped attribute, in a table and an array
CREATE TYPE shapes.comp AS (x integer, gone text, y text);
ALTER TYPE shapes.comp DROP ATTRIBUTE gone;
ALTER TYPE shapes.comp ADD ATTRIBUTE z boolean;
CREATE TABLE shapes.comp_tab (c shapes.comp, cs shapes.comp[]);
INSERT INTO shapes.comp_tab VALUES (ROW(1, 'a', true), ARRAY[ROW(2, NULL, NULL)::shapes.comp, NULL]);

-- generated columns calling a function, identity with options
CREATE FUNCTION shapes.slug(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT RETURN lower(replace(t, ' ', '-'));
CREATE TABLE shapes.article (
    id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME shapes.article_ids START WITH -10 INCREMENT BY -2 MINVALUE -1000 MAXVALUE -1 CYCLE CACHE 3),
    title text NOT NULL,
    slug text GENERATED ALWAYS AS (shapes.slug(title)) STORED,
    body text COMPRESSION pglz,
    UNIQUE NULLS NOT DISTINCT (slug)
);
INSERT INTO shapes.article (title, body) VALUES ('Hello World', repeat('x', 5000)), ('Second One', NULL);
ALTER TABLE shapes.article ALTER COLUMN title SET STATISTICS 1000;
ALTER TABLE shapes.article ALTER COLUMN body SET STORAGE EXTERNAL;
COMMENT ON TABLE shapes.article IS E'an article\nwith a newline, a ''quote'' and a \\ backslash';
COMMENT ON COLUMN shapes.article.slug IS E'generated:\r\n from the title';

-- foreign keys: circular between two tables (deferrable), ON DELETE SET
-- NULL with a column list, NOT VALID, self-referencing, from a partitioned
-- table to another partitioned table
CREATE TABLE shapes.dept (id integer PRIMARY KEY, name text, manager integer, parent integer REFERENCES shapes.dept ON DELETE CASCADE);
CREATE TABLE shapes.emp (id integer PRIMARY KEY, dept integer, boss integer, tenant integer NOT NULL DEFAULT 1,
    CONSTRAINT emp_dept FOREIGN KEY (dept) REFERENCES shapes.dept DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (tenant, id));
ALTER TABLE shapes.dept ADD CONSTRAINT dept_manager FOREIGN KEY (manager) REFERENCES shapes.emp DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE shapes.assignment (tenant integer NOT NULL, emp integer, note text,
    FOREIGN KEY (tenant, emp) REFERENCES shapes.emp (tenant, id) ON DELETE SET NULL (emp) ON UPDATE CASCADE);
BEGIN;
INSERT INTO shapes.dept VALUES (1, 'root', 10, NULL), (2, 'child', 11, 1);
INSERT INTO shapes.emp VALUES (10, 1, NULL, 1), (11, 2, 10, 1);
COMMIT;
INSERT INTO shapes.assignment VALUES (1, 10, 'a'), (1, NULL, 'orphan');
ALTER TABLE shapes.emp DROP CONSTRAINT emp_dept;
INSERT INTO shapes.emp VALUES (12, 99, NULL, 1);
ALTER TABLE shapes.emp ADD CONSTRAINT emp_dept FOREIGN KEY (dept) REFERENCES shapes.dept NOT VALID;
ALTER TABLE shapes.emp ADD CONSTRAINT emp_boss FOREIGN KEY (boss) REFERENCES shapes.emp ON DELETE SET NULL;
CREATE TABLE shapes.region (code text PRIMARY KEY) ;
INSERT INTO shapes.region VALUES ('eu'), ('us');
CREATE TABLE shapes.sales (id integer, region text NOT NULL REFERENCES shapes.region, sold date NOT NULL,
    PRIMARY KEY (id, sold, region)) PARTITION BY RANGE (sold);
CREATE TABLE shapes.sales_2024 PARTITION OF shapes.sales FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
CREATE TABLE shapes.sales_2024_eu PARTITION OF shapes.sales_2024 FOR VALUES IN ('eu');
CREATE TABLE shapes.sales_2024_other PARTITION OF shapes.sales_2024 DEFAULT;
CREATE TABLE shapes.sales_default PARTITION OF shapes.sales DEFAULT;
INSERT INTO shapes.sales VALUES (1, 'eu', '2024-03-01'), (2, 'us', '2024-04-01'), (3, 'us', '2030-01-01');
CREATE TABLE shapes.sale_line (sale integer, sold date, region text, qty integer CHECK (qty > 0),
    FOREIGN KEY (sale, sold, region) REFERENCES shapes.sales) PARTITION BY HASH (sale);
CREATE TABLE shapes.sale_line_0 PARTITION OF shapes.sale_line FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE shapes.sale_line_1 PARTITION OF shapes.sale_line FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO shapes.sale_line VALUES (1, '2024-03-01', 'eu', 2), (2, '2024-04-01', 'us', 5);
CREATE TABLE shapes.no_inherit_parent (v integer, CONSTRAINT v_pos CHECK (v > 0) NO INHERIT);
CREATE TABLE shapes.no_inherit_child (w integer) INHERITS (shapes.no_inherit_parent);
INSERT INTO shapes.no_inherit_child VALUES (-1, 1);
CREATE INDEX sales_region_idx ON shapes.sales (region) INCLUDE (sold) WHERE region <> 'x';

-- indexes: expression, partial, unique NULLS NOT DISTINCT, descending with
-- collation, on a matview, clustered
CREATE UNIQUE INDEX article_lower_title ON shapes.article (lower(title) COLLATE "C" DESC NULLS FIRST) NULLS NOT DISTINCT;
CREATE INDEX article_partial ON shapes.article (id) WHERE body IS NOT NULL;
CLUSTER shapes.article USING article_lower_title;
CREATE MATERIALIZED VIEW shapes.emp_count AS SELECT dept, count(*) AS n FROM shapes.emp GROUP BY dept;
CREATE UNIQUE INDEX emp_count_dept ON shapes.emp_count (dept);
CREATE MATERIALIZED VIEW shapes.emp_empty AS SELECT * FROM shapes.emp WITH NO DATA;
-- statistics objects on expressions
CREATE STATISTICS shapes.article_stx (ndistinct, mcv) ON lower(title), (id % 10) FROM shapes.article;
CREATE STATISTICS shapes.emp_stx ON dept, boss FROM shapes.emp;

-- views: column aliases, LOCAL CHECK OPTION, recursive, security_invoker,
-- INSTEAD OF trigger; rules: DO ALSO and INSTEAD with a statement
CREATE VIEW shapes.emp_names (emp_id, "Dept No") AS SELECT id, dept FROM shapes.emp WHERE dept IS NOT NULL WITH LOCAL CHECK OPTION;
CREATE RECURSIVE VIEW shapes.dept_tree (id, depth) AS
    SELECT id, 0 FROM shapes.dept WHERE parent IS NULL UNION ALL SELECT d.id, t.depth + 1 FROM shapes.dept d JOIN dept_tree t ON d.parent = t.id;
CREATE VIEW shapes.invoker WITH (security_invoker = true, security_barrier) AS SELECT id, title FROM shapes.article;
CREATE TABLE shapes.audit (at timestamptz DEFAULT now(), what text);
CREATE FUNCTION shapes.emp_names_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO shapes.emp (id, dept) VALUES (NEW.emp_id, NEW."Dept No"); RETURN NEW; END $$;
CREATE TRIGGER emp_names_ins INSTEAD OF INSERT ON shapes.emp_names FOR EACH ROW EXECUTE FUNCTION shapes.emp_names_ins();
CREATE RULE log_dept_update AS ON UPDATE TO shapes.dept DO ALSO INSERT INTO shapes.audit (what) VALUES ('dept ' || OLD.id);
CREATE RULE protect_audit AS ON DELETE TO shapes.audit WHERE OLD.what LIKE 'keep%' DO INSTEAD NOTHING;
CREATE RULE ins_region AS ON INSERT TO shapes.region WHERE NEW.code = 'xx' DO INSTEAD INSERT INTO shapes.audit (what) VALUES ('xx refused');
-- constraint triggers, deferrable; triggers with WHEN and transition tables
CREATE FUNCTION shapes.check_emp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER emp_check AFTER INSERT OR UPDATE ON shapes.emp DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.boss IS NOT NULL) EXECUTE FUNCTION shapes.check_emp();
CREATE CONSTRAINT TRIGGER dept_check AFTER DELETE ON shapes.dept FROM shapes.emp FOR EACH ROW EXECUTE FUNCTION shapes.check_emp();
CREATE TRIGGER emp_changes AFTER UPDATE ON shapes.emp REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shapes.check_emp();
CREATE TRIGGER emp_upd BEFORE UPDATE OF dept, boss ON shapes.emp FOR EACH ROW
    WHEN (OLD.dept IS DISTINCT FROM NEW.dept) EXECUTE FUNCTION shapes.emp_names_ins();
ALTER TABLE shapes.emp ENABLE REPLICA TRIGGER emp_upd;
-- row level security for specific roles
ALTER TABLE shapes.article ENABLE ROW LEVEL SECURITY;
ALTER TABLE shapes.article FORCE ROW LEVEL SECURITY;
CREATE POLICY read_own ON shapes.article FOR SELECT TO "Shape ""Reader""", dbk_shape_owner USING (id < 0);
CREATE POLICY upd ON shapes.article FOR UPDATE TO dbk_shape_owner USING (true) WITH CHECK (title <> '');
-- publications with row filters and column lists
CREATE PUBLICATION shapes_pub FOR TABLE shapes.emp (id, dept) WHERE (dept > 0), TABLE shapes.region
    WITH (publish = 'insert', publish_via_partition_root = true);
CREATE PUBLICATION schema_pub FOR TABLES IN SCHEMA owned, TABLE shapes.dept WHERE (id > 1);
CREATE PUBLICATION all_pub FOR ALL TABLES WITH (publish = 'update, delete, truncate');

-- routines: OUT/INOUT/TABLE, variadic, defaults, window function, a
-- procedure that commits, aggregates with moving state and combine
CREATE FUNCTION shapes.divmod(a integer, b integer, OUT q integer, OUT r integer) LANGUAGE sql IMMUTABLE
    AS $$ SELECT a / b, a % b $$;
CREATE FUNCTION shapes.emps_of(d integer DEFAULT 1) RETURNS TABLE (id integer, "Boss" integer) LANGUAGE sql STABLE
    AS $$ SELECT id, boss FROM shapes.emp WHERE dept = d $$;
CREATE FUNCTION shapes.total(VARIADIC nums numeric[] DEFAULT ARRAY[]::numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE
    AS $$ SELECT coalesce(sum(n), 0) FROM unnest(nums) n $$;
CREATE FUNCTION shapes.bump(INOUT x integer, step integer DEFAULT 1) LANGUAGE sql AS $$ SELECT x + step $$;
CREATE FUNCTION shapes.my_rank() RETURNS bigint LANGUAGE internal WINDOW IMMUTABLE AS 'window_rank';
CREATE FUNCTION shapes.secure() RETURNS text LANGUAGE sql SECURITY DEFINER
    SET search_path = shapes, pg_temp SET work_mem = '2MB' AS $$ SELECT current_user::text $$;
CREATE FUNCTION shapes.costly(integer) RETURNS SETOF integer LANGUAGE sql STABLE LEAKPROOF PARALLEL SAFE COST 1000 ROWS 3
    AS $$ SELECT generate_series(1, $1) $$;
CREATE PROCEDURE shapes.batch(n integer) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..n LOOP
        INSERT INTO shapes.audit (what) VALUES ('batch ' || i);
        COMMIT;
    END LOOP;
END $$;
CREATE FUNCTION shapes.avg_acc(numeric[], numeric) RETURNS numeric[] LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT ARRAY[$1[1] + $2, $1[2] + 1] $$;
CREATE FUNCTION shapes.avg_inv(numeric[], numeric) RETURNS numeric[] LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT ARRAY[$1[1] - $2, $1[2] - 1] $$;
CREATE FUNCTION shapes.avg_comb(numeric[], numeric[]) RETURNS numeric[] LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT ARRAY[$1[1] + $2[1], $1[2] + $2[2]] $$;
CREATE FUNCTION shapes.avg_fin(numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT CASE WHEN $1[2] = 0 THEN NULL ELSE $1[1] / $1[2] END $$;
CREATE AGGREGATE shapes.my_avg(numeric) (SFUNC = shapes.avg_acc, STYPE = numeric[], FINALFUNC = shapes.avg_fin,
    INITCOND = '{0,0}', COMBINEFUNC = shapes.avg_comb, MSFUNC = shapes.avg_acc, MINVFUNC = shapes.avg_inv,
    MSTYPE = numeric[], MFINALFUNC = shapes.avg_fin, MINITCOND = '{0,0}', PARALLEL = SAFE);
CREATE AGGREGATE shapes.cnt(*) (SFUNC = int8inc, STYPE = bigint, INITCOND = '0');
CREATE AGGREGATE shapes.hyp_rank(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi,
    STYPE = internal, FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL);
GRANT EXECUTE ON FUNCTION shapes.hyp_rank("any") TO dbk_shape_owner;
REVOKE EXECUTE ON FUNCTION shapes.cnt() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shapes.my_avg(numeric) TO "Shape ""Reader""" WITH GRANT OPTION;
REVOKE EXECUTE ON PROCEDURE shapes.batch(integer) FROM PUBLIC;
CREATE VIEW shapes.uses_routines AS
    SELECT shapes.my_avg(id::numeric) OVER (ORDER BY id ROWS 1 PRECEDING) AS mavg, shapes.my_rank() OVER (ORDER BY id) AS rk,
           (shapes.divmod(id, 3)).q, shapes.total(1, 2, 3) AS t
    FROM shapes.emp;

-- sequences: owned by a column, cycling negative, never used
CREATE SEQUENCE shapes.down AS smallint INCREMENT BY -1 MINVALUE -5 MAXVALUE 5 START WITH 0 CYCLE;
DO $$BEGIN PERFORM nextval('shapes.down') FROM generate_series(1, 8); END$$;
CREATE SEQUENCE shapes.unused START WITH 1000;
CREATE TABLE shapes.counter (n bigint);
CREATE SEQUENCE shapes.counter_n OWNED BY shapes.counter.n;
ALTER TABLE shapes.counter ALTER COLUMN n SET DEFAULT nextval('shapes.counter_n');
INSERT INTO shapes.counter DEFAULT VALUES;

-- domains over domains, NOT NULL, several checks
CREATE DOMAIN shapes.pos AS numeric(12, 2) CONSTRAINT pos_positive CHECK (VALUE > 0);
CREATE DOMAIN shapes.small_pos AS shapes.pos NOT NULL DEFAULT 1 CONSTRAINT small CHECK (VALUE < 1000) CONSTRAINT not_13 CHECK (VALUE <> 13);
CREATE TABLE shapes.prices (p shapes.small_pos, q shapes.pos[]);
INSERT INTO shapes.prices VALUES (12.5, '{1,2.25}'), (DEFAULT, NULL);

-- an enum grown with ADD VALUE BEFORE / AFTER (non-integer sort orders)
CREATE TYPE shapes.level AS ENUM ('low', 'high');
ALTER TYPE shapes.level ADD VALUE 'medium' BEFORE 'high';
ALTER TYPE shapes.level ADD VALUE 'lowest' BEFORE 'low';
ALTER TYPE shapes.level ADD VALUE 'med-high' AFTER 'medium';
ALTER TYPE shapes.level RENAME VALUE 'high' TO 'highest';
CREATE TABLE shapes.levels (l shapes.level, ls shapes.level[]);
INSERT INTO shapes.levels VALUES ('medium', '{lowest,med-high}'), ('highest', NULL);

-- columns with reserved, quoted, odd names; a table with only a dropped column
CREATE TABLE shapes."Odd ""Cols""" ("select" integer, "from" text, "a""b" text, "line
two" text, "tab	col" integer, "ünï" text, " " integer);
INSERT INTO shapes."Odd ""Cols""" VALUES (1, 'f', 'q', 'l', 2, 'u', 3);
CREATE TABLE shapes.only_dropped (x integer);
ALTER TABLE shapes.only_dropped DROP COLUMN x;
INSERT INTO shapes.only_dropped DEFAULT VALUES;
-- rows that are empty lines in COPY text format, each followed by another table
CREATE TABLE shapes.one_text (t text);
INSERT INTO shapes.one_text VALUES ('');

-- privileges: columns, grant options, ownership
GRANT SELECT (id, title), UPDATE (title) ON shapes.article TO "Shape ""Reader""";
GRANT ALL ON shapes.emp TO dbk_shape_owner WITH GRANT OPTION;
GRANT USAGE ON SCHEMA shapes TO dbk_shape_owner WITH GRANT OPTION;
-- grants made by a role holding the grant option keep it as their grantor
SET ROLE dbk_shape_owner;
GRANT SELECT, DELETE ON shapes.emp TO "Shape ""Reader""";
GRANT UPDATE (boss) ON shapes.emp TO "Shape ""Reader""";
GRANT USAGE ON SCHEMA shapes TO "Shape ""Reader""";
RESET ROLE;
ALTER TABLE shapes.region OWNER TO dbk_shape_owner;
ALTER FUNCTION shapes.secure() OWNER TO dbk_shape_owner;
ALTER SEQUENCE shapes.unused OWNER TO dbk_shape_owner;

ANALYZE;

-- a foreign table as a partition, RLS on a partitioned table, generated
-- columns and identity under partitioning, a NOT VALID check inherited by
-- a child holding a violating row, a sequence shared by two tables, replica
-- identity by index, a rule that notifies, an sql_drop event trigger, a
-- clustered matview index
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER shapes_srv FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'none');
CREATE TABLE shapes.events (id int, at date NOT NULL, note text DEFAULT 'n', total int GENERATED ALWAYS AS (id * 2) STORED) PARTITION BY RANGE (at);
CREATE TABLE shapes.events_2024 PARTITION OF shapes.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FOREIGN TABLE shapes.events_old PARTITION OF shapes.events FOR VALUES FROM (MINVALUE) TO ('2024-01-01')
    SERVER shapes_srv OPTIONS (table_name 'old_events');
ALTER TABLE shapes.events ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_all ON shapes.events TO PUBLIC USING (at > '2000-01-01');
INSERT INTO shapes.events (id, at) VALUES (1, '2024-05-05');
CREATE TABLE shapes.ident_part (id int GENERATED BY DEFAULT AS IDENTITY, k int) PARTITION BY LIST (k);
CREATE TABLE shapes.ident_part_1 PARTITION OF shapes.ident_part FOR VALUES IN (1);
INSERT INTO shapes.ident_part (k) VALUES (1);
CREATE TABLE shapes.p (a int CHECK (a > 0), b int);
CREATE TABLE shapes.c () INHERITS (shapes.p);
INSERT INTO shapes.c VALUES (1, NULL);
ALTER TABLE shapes.p ADD CONSTRAINT b_nn CHECK (b IS NOT NULL) NOT VALID;
CREATE SEQUENCE shapes.shared_seq;
CREATE TABLE shapes.t1 (id int DEFAULT nextval('shapes.shared_seq'));
CREATE TABLE shapes.t2 (id int DEFAULT nextval('shapes.shared_seq'));
ALTER SEQUENCE shapes.shared_seq OWNED BY shapes.t1.id;
INSERT INTO shapes.t2 DEFAULT VALUES;
CREATE TABLE shapes.ri (id int NOT NULL, CONSTRAINT ri_u UNIQUE (id));
ALTER TABLE shapes.ri REPLICA IDENTITY USING INDEX ri_u;
CREATE TABLE shapes.tt (x int);
CREATE RULE "_rule with space" AS ON INSERT TO shapes.tt DO ALSO NOTIFY tt_changed;
CREATE FUNCTION shapes.evt() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
CREATE EVENT TRIGGER shapes_drop_trg ON sql_drop EXECUTE FUNCTION shapes.evt();
CREATE TABLE shapes.gen_parent (a int, b int GENERATED ALWAYS AS (a + 1) STORED) PARTITION BY RANGE (a);
CREATE TABLE shapes.gen_child PARTITION OF shapes.gen_parent FOR VALUES FROM (0) TO (100);
INSERT INTO shapes.gen_parent (a) VALUES (5);
CREATE MATERIALIZED VIEW shapes.mv_idx AS SELECT generate_series(1, 3) AS g;
CREATE INDEX mv_idx_g ON shapes.mv_idx (g);
ALTER MATERIALIZED VIEW shapes.mv_idx CLUSTER ON mv_idx_g;
