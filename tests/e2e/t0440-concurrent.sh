#!/usr/bin/env bash
# t0440-concurrent.sh - ten `dbkeep backup` started at once on one folder,
# SQLite and PostgreSQL.  Without --wait the folder lock lets one through
# and refuses the others cleanly (exit 1, the message names the holder's
# pid, which is one of the ten); with --wait 60 all ten succeed one at a
# time, giving ten distinct complete sets.  Both ways: never two writers
# at once (a watcher samples the folder for data .partial files and dump
# scratch files, not counting their -journal), never a torn manifest (every
# manifest parses and names its file), every listed backup verifies.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# watch DIR: samples DIR until $T/stop-watch exists; writes the largest
# number of data .partial (and scratch) files seen at once to $T/watch.max.
watch_folder() {
	local dir=$1 max=0 n
	rm -f "$T/stop-watch"
	while [ ! -e "$T/stop-watch" ]; do
		n=$(ls -A "$dir" 2>/dev/null | grep -cE '\.(db|sql)(\.gz)?\.partial$')
		[ "$n" -gt "$max" ] && max=$n
		n=$(ls -A "$dir" 2>/dev/null | grep -cE '^\.dbkeep-scratch-[A-Za-z0-9]+$')
		[ "$n" -gt "$max" ] && max=$n
		sleep 0.002
	done
	echo "$max" >"$T/watch.max"
}

# ten NAME DB DIR [--wait 60]: starts ten backups of DB into DIR at once.
ten() {
	local name=$1 db=$2 dir=$3 i w ok=0 refused=0 other=0 named=0 sets parsed=0; shift 3
	local -a pids=() sts=()
	mkdir -m 700 "$dir"
	watch_folder "$dir" &
	w=$!
	for i in 0 1 2 3 4 5 6 7 8 9; do
		"$DBKEEP" backup --db "$db" -d "$dir" --no-prune -q "$@" </dev/null \
			>"$T/c$i.out" 2>"$T/c$i.err" &
		pids[i]=$!
	done
	for i in 0 1 2 3 4 5 6 7 8 9; do
		wait "${pids[i]}"
		sts[i]=$?
	done
	touch "$T/stop-watch"
	wait "$w"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		case ${sts[i]} in
		0) ok=$((ok + 1)) ;;
		1) refused=$((refused + 1))
		   # The holder named must be one of the ten.
		   for p in "${pids[@]}"; do
			   grep -q "pid $p, backup" "$T/c$i.err" && named=$((named + 1)) && break
		   done
		   [ "$(wc -l <"$T/c$i.err")" = 1 ] || { other=$((other + 1)); sed 's/^/# /' "$T/c$i.err"; } ;;
		*) other=$((other + 1)); sed "s/^/# run $i (exit ${sts[i]}): /" "$T/c$i.err" ;;
		esac
	done
	sets=$(complete_sets "$dir" | wc -l)
	for f in "$dir"/*.json; do
		[ "$(sqlite3 :memory: "select json_valid(readfile('$f')) and
			json_extract(readfile('$f'), '\$.file') = '$(basename "${f%.json}")'")" = 1 ] &&
			parsed=$((parsed + 1))
	done
	echo "# $name: $ok succeeded, $refused refused, $other other; at most $(cat "$T/watch.max") writer(s) seen at once"
	same "$name: never two writers at once" "$(cat "$T/watch.max")" 1
	same "$name: every run either succeeded or was refused with one line" "$other" 0
	same "$name: one complete set per successful run" "$sets" "$ok"
	same "$name: every manifest parses and names its file" "$parsed" "$sets"
	run 0 "$name: every backup verifies" "$DBKEEP" verify --all -d "$dir"
	same "$name: no .partial or scratch file is left" "$(leftovers "$dir")" ""
	if [ $# -eq 0 ]; then
		check "$name: the lock let at least one through" test "$ok" -ge 1
		check "$name: and refused others (the runs overlapped)" test "$refused" -ge 1
		same "$name: every refusal names the holder, one of the ten" "$named" "$refused"
		grep -h '^dbkeep:' "$T"/c?.err | head -1 | sed 's/^/# e.g. /'
	else
		same "$name: with $* all ten succeed" "$ok" 10
		same "$name: ten distinct sets" "$(complete_sets "$dir" | sort -u | wc -l)" 10
	fi
}

# ---- SQLite: a backup of ~0.5 s, so that the ten overlap ---------------------
sqlite3 big.db "
create table t1(id integer primary key, name text, v real, b blob);
with recursive c(i) as (select 1 union all select i + 1 from c where i < 60000)
insert into t1 select i, 'name ' || i || ' ' || hex(randomblob(16)), random() / 1e9,
	randomblob(abs(random()) % 160) from c;"
ten "sqlite, no --wait" big.db bk1
ten "sqlite, --wait 60" big.db bk2 --wait 60

# ---- PostgreSQL ---------------------------------------------------------------
need_pg
DB=dbkeep_t0440
pg_recreate "$DB"
pg -d "$DB" >/dev/null <<'SQL'
CREATE TABLE acct (id int PRIMARY KEY, name text, balance bigint, note text);
INSERT INTO acct SELECT g, 'acct ' || g, 1000, md5(g::text) FROM generate_series(1, 20000) g;
CREATE TABLE ev (id bigint PRIMARY KEY, payload text);
INSERT INTO ev SELECT g, repeat(md5(g::text), 1 + g % 5) FROM generate_series(1, 40000) g;
SQL
ten "postgres, no --wait" "$DB" bk3
ten "postgres, --wait 60" "$DB" bk4 --wait 60
pg_drop "$DB"
echo "1..$tap_n"
