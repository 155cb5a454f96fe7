#!/usr/bin/env bash
# t0400-kill-backup.sh - `kill -9` at random moments of a backup, SQLite and
# PostgreSQL.  After every kill: `dbkeep list` shows only complete backups,
# every listed backup verifies, no older backup is gone, the next backup
# succeeds and no .partial (or dump scratch file) survives it.  The kills
# are spread over the measured length of a backup (~0.5 s on a database of
# a few tens of MB), so they land before, during and after the data is
# written, and some after the manifest's commit point (rolled forward).
#
# Every check is counted over the trials and reported once (a TAP line per
# property, with "# N kill trials: ..." comments); the first few failures
# are printed in full.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
TRIALS=${DBKEEP_KILL_TRIALS:-50}

# fail_note TRIAL WHAT: remembers a failure (printed for the first few).
fail_note() {
	fails=$((fails + 1))
	[ "$fails" -le 8 ] && echo "# trial $1: $2"
	return 0
}

# trials NAME DB DIR: the kill trials for one engine.
trials() {
	local name=$1 db=$2 dir=$3 i t0 dur ms st before after listed f n_json
	local killed=0 finished=0 odd=0 early=0 mid=0 committed=0
	local bad_list=0 bad_shown=0 bad_verify=0 bad_gone=0 bad_next=0 bad_left=0 bad_clean=0
	local -A verified=()
	fails=0

	# The faster of two backups (the first one reads a cold cache).
	t0=$(ms_now)
	"$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune </dev/null
	dur=$(($(ms_now) - t0))
	t0=$(ms_now)
	"$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune </dev/null
	t0=$(($(ms_now) - t0))
	[ "$t0" -lt "$dur" ] && dur=$t0
	same "$name: (set-up) two backups to start with" "$(complete_sets "$dir" | wc -l)" 2
	echo "# $name: one backup takes ${dur} ms; kills fall in 0..$((dur * 11 / 10)) ms"

	for i in $(seq "$TRIALS"); do
		before=$(complete_sets "$dir")
		ms=$(rand_below $((dur * 11 / 10 + 1)))
		kill9_after "$ms" "$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune
		st=$?
		# Where the kill landed, from what it left (before any recovery).
		after=$(complete_sets "$dir")
		if [ "$st" -eq 0 ]; then
			finished=$((finished + 1))
		elif [ "$st" -eq 137 ]; then
			killed=$((killed + 1))
			if [ "$after" != "$before" ]; then
				committed=$((committed + 1))
			elif [ -n "$(leftovers "$dir")" ]; then
				mid=$((mid + 1))
			else
				early=$((early + 1))
			fi
		else
			odd=$((odd + 1))
			fail_note "$i" "the backup exited $st before the kill: $(head -c 300 "$T/kill.err")"
		fi

		# Half the trials look with list first (which tidies up when it can
		# take the lock), half run the next backup first.
		if [ $((i % 2)) -eq 0 ]; then
			if ! "$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune </dev/null >"$T/next.out" 2>&1; then
				bad_next=$((bad_next + 1))
				fail_note "$i" "the next backup failed: $(head -c 300 "$T/next.out")"
			fi
		fi
		if ! listed=$(list_entries "$dir"); then
			bad_list=$((bad_list + 1))
			fail_note "$i" "list failed: $(head -c 300 "$T/list.err")"
		fi
		# Only complete backups are shown, all of them, each marked ok.
		while read -r f okflag; do
			[ -n "$f" ] || continue
			if [ "$okflag" != 1 ] || [ ! -f "$dir/$f" ] || [ ! -f "$dir/$f.sha256" ] ||
				[ ! -f "$dir/$f.json" ]; then
				bad_shown=$((bad_shown + 1))
				fail_note "$i" "list shows '$f' (ok=$okflag) but the set is not complete: $(ls "$dir" | tr '\n' ' ')"
			fi
		done <<<"$listed"
		n_json=$(complete_sets "$dir" | wc -l)
		if [ "$(grep -c . <<<"$listed")" -ne "$n_json" ]; then
			bad_shown=$((bad_shown + 1))
			fail_note "$i" "list shows $(grep -c . <<<"$listed") backups, the folder holds $n_json manifests"
		fi
		# No older backup is gone.
		for f in $before; do
			if ! grep -qx "$f 1" <<<"$listed"; then
				bad_gone=$((bad_gone + 1))
				fail_note "$i" "older backup '$f' is no longer listed"
			fi
		done
		# Every listed backup verifies (each one once: they do not change).
		while read -r f okflag; do
			[ -n "$f" ] && [ -z "${verified[$f]:-}" ] || continue
			if "$DBKEEP" verify "$f" -d "$dir" </dev/null >"$T/verify.out" 2>&1; then
				verified[$f]=1
			else
				bad_verify=$((bad_verify + 1))
				fail_note "$i" "verify '$f' failed: $(head -c 300 "$T/verify.out")"
			fi
		done <<<"$listed"
		if [ $((i % 2)) -eq 1 ]; then
			if ! "$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune </dev/null >"$T/next.out" 2>&1; then
				bad_next=$((bad_next + 1))
				fail_note "$i" "the next backup failed: $(head -c 300 "$T/next.out")"
			fi
		fi
		# The next run (backup, or list and backup) left nothing behind.
		if [ -n "$(leftovers "$dir")" ]; then
			bad_left=$((bad_left + 1))
			fail_note "$i" "left after the next run: $(leftovers "$dir" | tr '\n' ' ')"
		fi
		# Keep the folder small: the two newest sets.
		"$DBKEEP" prune -d "$dir" --keep-last 2 -q </dev/null >/dev/null 2>&1 ||
			fail_note "$i" "prune failed"
		for f in "${!verified[@]}"; do [ -e "$dir/$f" ] || unset "verified[$f]"; done
	done

	echo "# $TRIALS kill trials ($name): $killed killed ($early before writing, $mid mid-write," \
		"$committed after the commit point), $finished finished first, $odd failed on their own"
	same "$name: no backup failed on its own before the kill" "$odd" 0
	same "$name: after each of $TRIALS kills, list works" "$bad_list" 0
	same "$name: list shows only complete backups, all of them ok" "$bad_shown" 0
	same "$name: every listed backup passes verify" "$bad_verify" 0
	same "$name: no older backup is gone" "$bad_gone" 0
	same "$name: the next backup succeeds" "$bad_next" 0
	same "$name: no .partial or scratch file survives the next run" "$bad_left" 0
	if [ $((killed * 5)) -ge $((TRIALS * 2)) ] && [ $((mid * 4)) -ge "$TRIALS" ]; then
		ok "$name: the kills hit running backups ($killed killed, $mid mid-write)"
	else
		not_ok "$name: the kills hit running backups ($killed killed, $mid mid-write)"
	fi
	[ "$fails" -eq 0 ] && echo "# $TRIALS kill trials ($name): $TRIALS clean"
	run 0 "$name: verify --all at the end" "$DBKEEP" verify --all -d "$dir"
}

# targeted NAME DB DIR: kills a backup at the entry of each of its fsync and
# rename calls in turn (strace fault injection), around the commit point that
# random kills rarely hit: the first renames are the manifest's (the commit),
# then the data file's and the checksum's.  Each time: list shows only
# complete sets (the set is rolled forward once its manifest is in place),
# they verify, older ones stay, and the next backup succeeds and tidies up.
targeted() {
	local name=$1 db=$2 dir=$3 sc n st before listed f forward=0 back=0 bad=0 runs=0
	for sc in fsync rename; do
		for n in 1 2 3 4 5; do
			[ "$sc" = rename ] && [ "$n" -gt 3 ] && break
			runs=$((runs + 1))
			before=$(complete_sets "$dir")
			strace -f -qq -o /dev/null -e trace="$sc" -e inject="$sc:signal=KILL:when=$n" \
				"$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune </dev/null >/dev/null 2>&1 &
			wait $! 2>/dev/null # (in the background: no "Killed" line from bash)
			st=$?
			if [ "$st" -ne 137 ]; then
				bad=$((bad + 1))
				echo "# $name: $sc #$n: not killed (exit $st)"
				continue
			fi
			listed=$(list_entries "$dir") || { bad=$((bad + 1)); echo "# $name: $sc #$n: list failed"; }
			if [ "$(grep -c . <<<"$listed")" -gt "$(grep -c . <<<"$before")" ]; then
				forward=$((forward + 1))
			else
				back=$((back + 1))
			fi
			while read -r f okflag; do
				[ -n "$f" ] || continue
				if [ "$okflag" != 1 ] || ! "$DBKEEP" verify "$f" -d "$dir" </dev/null >/dev/null 2>&1; then
					bad=$((bad + 1))
					echo "# $name: $sc #$n: '$f' is listed but not sound"
				fi
			done <<<"$listed"
			for f in $before; do
				grep -qx "$f 1" <<<"$listed" || { bad=$((bad + 1)); echo "# $name: $sc #$n: '$f' is gone"; }
			done
			if ! "$DBKEEP" backup --db "$db" -d "$dir" -q --no-prune </dev/null >/dev/null 2>&1 ||
				[ -n "$(leftovers "$dir")" ]; then
				bad=$((bad + 1))
				echo "# $name: $sc #$n: the next backup failed or left: $(leftovers "$dir" | tr '\n' ' ')"
			fi
			"$DBKEEP" prune -d "$dir" --keep-last 2 -q </dev/null >/dev/null 2>&1
		done
	done
	echo "# $name: $runs kills at fsync/rename: $forward rolled forward, $back rolled back"
	same "$name: kills at every fsync and rename leave only sound, complete sets" "$bad" 0
	if [ "$forward" -gt 0 ] && [ "$back" -gt 0 ]; then
		ok "$name: both sides of the commit point were hit"
	else
		not_ok "$name: both sides of the commit point were hit ($forward forward, $back back)"
	fi
}
have_strace=1
command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true 2>/dev/null || have_strace=0
[ "$have_strace" = 1 ] || echo "# strace is not usable here: the kills at fsync/rename are left out"

# ---- SQLite: ~20 MB of varied rows (random blobs, text, an index) -------------
sqlite3 big.db "
create table t1(id integer primary key, name text, v real, b blob);
with recursive c(i) as (select 1 union all select i + 1 from c where i < 60000)
insert into t1 select i, 'name ' || i || ' ' || hex(randomblob(16)), random() / 1e9,
	randomblob(abs(random()) % 160) from c;
create table t2(id integer primary key, note text);
with recursive c(i) as (select 1 union all select i + 1 from c where i < 100000)
insert into t2 select i, 'note number ' || i || ' lorem ipsum ' || (i * 7919 % 1000) from c;
create index t2_note on t2(note);"
trials sqlite big.db bk-sqlite
[ "$have_strace" = 1 ] && targeted sqlite big.db bk-sqlite

# ---- PostgreSQL: the same kind of database on the server ------------------------
need_pg
pg_recreate dbkeep_t0400
pg -d dbkeep_t0400 >/dev/null <<'SQL'
CREATE TABLE acct (id int PRIMARY KEY, name text, balance bigint, note text);
INSERT INTO acct SELECT g, 'acct ' || g, 1000, md5(g::text) FROM generate_series(1, 20000) g;
CREATE TABLE ev (id bigint PRIMARY KEY, at timestamptz, payload text, data bytea);
INSERT INTO ev SELECT g, '2026-01-01'::timestamptz - g * interval '1 second',
	repeat(md5(g::text), 1 + g % 5), decode(md5(random()::text) || md5(random()::text), 'hex')
	FROM generate_series(1, 40000) g;
CREATE INDEX ev_at ON ev (at);
SQL
trials postgres dbkeep_t0400 bk-pg
[ "$have_strace" = 1 ] && targeted postgres dbkeep_t0400 bk-pg
same "postgres: nothing of a killed backup is left on the server" "$(pg -d postgres -c \
	"select count(*) from pg_stat_activity where datname = 'dbkeep_t0400'")" 0
pg_drop dbkeep_t0400
echo "1..$tap_n"
