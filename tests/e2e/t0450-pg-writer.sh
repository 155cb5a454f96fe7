#!/usr/bin/env bash
# t0450-pg-writer.sh - PostgreSQL backups while a writer hammers the
# database: pgbench clients move amounts between accounts, each move one
# transaction that also counts the move on both accounts and logs it in
# another table.  In every committed state: the balances sum to 1,000,000,
# and sum(moves) = 2 * count(transfer).  Every backup taken meanwhile,
# restored into a new database (restore N --target X), must keep both: a
# copy whose tables came from different moments would break the second.
# (SQLite under a committing writer, WAL and rollback journal: t0120.)
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
need_pg
DB=dbkeep_t0450
pg_recreate "$DB"
pg -d "$DB" >/dev/null <<'SQL'
CREATE TABLE acct (id int PRIMARY KEY, balance bigint NOT NULL, moves bigint NOT NULL DEFAULT 0);
INSERT INTO acct (id, balance) SELECT g, 1000 FROM generate_series(1, 1000) g;
CREATE TABLE transfer (id bigserial PRIMARY KEY, a int, b int, x int, at timestamptz DEFAULT now());
-- some bulk, dumped between the two, so that a backup lasts a while
CREATE TABLE bulk (id int PRIMARY KEY, payload text);
INSERT INTO bulk SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 60000) g;
SQL
cat >move.sql <<'SQL'
\set a random(1, 1000)
\set b 1 + (:a + random(0, 998)) % 1000
\set x random(1, 100)
BEGIN;
UPDATE acct SET balance = balance + CASE WHEN id = :a THEN -:x ELSE :x END, moves = moves + 1
	WHERE id IN (:a, :b);
INSERT INTO transfer (a, b, x) VALUES (:a, :b, :x);
COMMIT;
SQL
invariant() { # prints "ok" when both invariants hold in database $1
	pg -d "$1" -c "SELECT CASE WHEN (SELECT sum(balance) FROM acct) = 1000000
		AND (SELECT sum(moves) FROM acct) = 2 * (SELECT count(*) FROM transfer) THEN 'ok'
		ELSE 'broken: sum ' || (SELECT sum(balance) FROM acct) || ', moves ' ||
		(SELECT sum(moves) FROM acct) || ', transfers ' || (SELECT count(*) FROM transfer) END"
}
transfers() { pg -d "$1" -c "SELECT count(*) FROM transfer"; }
same "(set-up) the invariants hold at the start" "$(invariant "$DB")" ok

pgbench -n -c 3 -T 120 --max-tries=20 -f move.sql "$DB" >pgbench.out 2>pgbench.err &
writer=$!
sleep 1
n0=$(transfers "$DB")
for i in 1 2 3; do
	run 0 "backup $i while the writer commits exits 0" "$DBKEEP" backup --db "$DB" -d bk -q --no-prune
	sleep 0.3
done
n1=$(transfers "$DB")
check "the writer is still running after the backups" kill -0 "$writer"
kill -TERM "$writer"
wait "$writer"
same "the writer saw no error" "$(grep -ciE 'error|abort' pgbench.err)" 0
sed 's/^/# pgbench: /' pgbench.err | head -5
if [ "$n1" -gt "$n0" ]; then ok "the writer committed during the backups ($n0 -> $n1 transfers)"; else
	not_ok "the writer committed during the backups ($n0 -> $n1 transfers)"; fi
same "the live database keeps the invariants" "$(invariant "$DB")" ok

prev=
for i in 1 2 3; do
	m=$(ls bk/*.json | sed -n "${i}p")
	want=$(manifest_get "$m" '$.tables."public.transfer"')
	[ -n "$want" ] || want=$(manifest_get "$m" '$.tables.transfer')
	pg_drop "${DB}_r$i"
	run 0 "backup $i restores into a new database" \
		"$DBKEEP" restore "$(basename "${m%.json}")" -d bk --target "${DB}_r$i" --force -q
	same "backup $i restored: balances sum to 1,000,000 and moves match transfers" \
		"$(invariant "${DB}_r$i")" ok
	got=$(transfers "${DB}_r$i")
	same "backup $i restored: the transfer count is the manifest's" "$got" "$want"
	if [ "$got" -gt "$n0" ] && [ "$got" -le "$n1" ]; then
		ok "backup $i is a moment inside the writer's run ($n0 < $got <= $n1)"
	else
		not_ok "backup $i is a moment inside the writer's run ($n0 < $got <= $n1)"
	fi
	[ -n "$prev" ] && [ "$got" = "$prev" ] && echo "# backups $((i - 1)) and $i saw the same state"
	prev=$got
	pg_drop "${DB}_r$i"
done
pg_drop "$DB"
echo "1..$tap_n"
