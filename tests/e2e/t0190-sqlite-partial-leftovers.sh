#!/usr/bin/env bash
# t0190-sqlite-partial-leftovers.sh - a backup killed at any moment never
# looks finished: afterwards list shows only complete sets, each of which
# verifies, the next run tidies the .partial files and scratch copies, and
# the next backup succeeds.  SIGTERM (Ctrl-C, systemd stop) cleans up at once.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
# 20 MB of random blobs: incompressible, so the backup takes a while.
sqlite3 big.db "create table b(id integer primary key, x blob);
	insert into b(x) select randomblob(100000) from generate_series(1, 200);"
leftovers() { ls -A bk 2>/dev/null | grep -E '\.partial$|^\.dbkeep-scratch' | tr '\n' ' '; }
complete_sets() { ls bk | grep -cE '^big_.*\.db\.gz\.json$'; }
ms() { echo $(($(date +%s%N) / 1000000)); }

t0=$(ms)
run 0 "(set-up) a full backup of 20 MB" "$DBKEEP" backup --db big.db -d bk -q --no-prune
full=$(($(ms) - t0))
echo "# a full backup takes $full ms"

trials=4
for i in $(seq $trials); do
	# Spread the kills over the whole run, with some jitter.
	delay=$((full * i / (trials + 1) + RANDOM % 100))
	"$DBKEEP" backup --db big.db -d bk -q --no-prune </dev/null >/dev/null 2>&1 &
	pid=$!
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "# trial $i: killed after ${delay} ms; left: $(leftovers)"
	run 0 "trial $i: list after kill -9 exits 0" "$DBKEEP" list -d bk
	listed=$(grep -cE '^[ !] *[0-9]+ ' "$T/out")
	same "trial $i: list shows only complete sets" "$listed" "$(complete_sets)"
	check "trial $i: no listed set is marked damaged" bash -c "! grep -q '^!' '$T/out'"
	run 0 "trial $i: every listed backup verifies" "$DBKEEP" verify --all -d bk
	same "trial $i: no .partial or scratch copy remains after the next run" "$(leftovers)" ""
done
same "nothing was left beside the source database" "$(ls -A "$T" | grep '^big' | tr '\n' ' ')" "big.db "
n=$(complete_sets)
run 0 "the next backup succeeds" "$DBKEEP" backup --db big.db -d bk -q --no-prune
same "it adds one set" "$(complete_sets)" $((n + 1))
run 0 "and everything verifies" "$DBKEEP" verify --all -d bk

# A backup killed by -9 and then the next *backup* (not list) tidies too.
"$DBKEEP" backup --db big.db -d bk -q --no-prune </dev/null >/dev/null 2>&1 &
pid=$!
sleep "$((full / 2 / 1000)).$(printf '%03d' $((full / 2 % 1000)))"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
run 0 "a backup right after a kill -9 succeeds" "$DBKEEP" backup --db big.db -d bk -q --no-prune
same "and it removed the leftovers" "$(leftovers)" ""

# SIGTERM: the handler removes what it wrote, no next run needed.
for frac in 3 6; do
	delay=$((full * frac / 10))
	"$DBKEEP" backup --db big.db -d bk -q --no-prune </dev/null >/dev/null 2>&1 &
	pid=$!
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	n=$(complete_sets)
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	st=$?
	if [ "$st" -ne 0 ]; then ok "SIGTERM after $delay ms: the backup did not report success ($st)"; else
		ok "# SIGTERM after $delay ms came after the backup finished"; fi
	same "SIGTERM after $delay ms: no .partial file is left" "$(ls -A bk | grep -c '\.partial$')" 0
	same "SIGTERM after $delay ms: no scratch copy of the database is left" \
		"$(ls -A bk | grep -c '^\.dbkeep-scratch')" 0
	"$DBKEEP" list -d bk </dev/null >/dev/null 2>&1
done
run 0 "after everything, all listed backups verify" "$DBKEEP" verify --all -d bk
echo "1..$tap_n"
