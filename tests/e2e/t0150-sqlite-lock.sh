#!/usr/bin/env bash
# t0150-sqlite-lock.sh - one dbkeep at a time per backup folder: a second
# run fails at once naming the holder and writes nothing, or with --wait
# waits for the holder to finish; a lock left by a dead process is free.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy chinook.db
mkdir -m 700 bk
folder() { ls -A bk | grep -vE '^\.dbkeep\.(lock|index)$'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- a slow dbkeep holds the folder -----------------------------------------
# The first backup waits for a database that another connection holds in an
# exclusive transaction, so it keeps the folder lock for a while.
chinook_copy slow.db
sql_open blocker slow.db
sql_do blocker "begin exclusive; insert into Genre(Name) values ('x');" >/dev/null
DBKEEP_BUSY_TIMEOUT_MS=20000 "$DBKEEP" backup --db slow.db -d bk -q </dev/null >slow.out 2>&1 &
slow=$!
for _ in $(seq 100); do grep -q "pid $slow" bk/.dbkeep.lock 2>/dev/null && break; sleep 0.05; done
check "(set-up) the slow backup holds the lock" grep -q "pid $slow" bk/.dbkeep.lock
before=$(folder)

t0=$(now_ms)
run 1 "a second backup while the folder is locked fails (exit 1)" "$DBKEEP" backup --db chinook.db -d bk
took=$(($(now_ms) - t0))
if [ "$took" -lt 5000 ]; then ok "it fails at once (${took} ms)"; else not_ok "it fails at once (${took} ms)"; fi
grep_in "the message says the folder is locked" "^dbkeep: .*locked" "$T/err"
grep_in "the message names the holder's pid and command" "pid $slow, backup" "$T/err"
grep_in "the message suggests --wait" "--wait" "$T/err"
same "the refused backup wrote nothing" "$(folder)" "$before"
run 1 "prune while locked fails at once (exit 1)" "$DBKEEP" prune -d bk --keep-last 1
grep_in "prune names the holder" "pid $slow" "$T/err"
run 1 "restore while locked fails at once (exit 1)" "$DBKEEP" restore 1 -d bk --db other.db --force
check "the refused restore created no database" test ! -e other.db
run 0 "list still works while a backup runs" "$DBKEEP" list -d bk

# --wait shorter than the holder: gives up after about that long.
t0=$(now_ms)
run 1 "--wait 1 gives up while the holder keeps the lock" "$DBKEEP" backup --db chinook.db -d bk --wait 1
took=$(($(now_ms) - t0))
if [ "$took" -ge 900 ] && [ "$took" -lt 6000 ]; then ok "it waited about 1 s (${took} ms)"; else
	not_ok "it waited about 1 s (${took} ms)"; fi
grep_in "the message says how long it waited" "1 second" "$T/err"
same "the backup that gave up wrote nothing" "$(folder)" "$before"

# --wait long enough: succeeds once the holder ends.
"$DBKEEP" backup --db chinook.db -d bk --wait 10 -q </dev/null >waiter.out 2>&1 &
waiter=$!
sleep 1
check "the waiting backup is still waiting" kill -0 "$waiter"
sql_do blocker "commit;" >/dev/null
wait "$slow"
same "the slow backup succeeded once its database was free" "$?" 0
wait "$waiter"
same "--wait 10 succeeds once the holder is done" "$?" 0
same "the waiting backup printed nothing with -q" "$(cat waiter.out)" ""
same "both backups are in the folder" "$(folder | grep -c '\.db\.gz$')" 2
sql_close blocker

# ---- a lock held by flock(1), then by a killed process ------------------------
flock bk/.dbkeep.lock sleep 3 &
holder=$!
sleep 0.3
before=$(folder)
run 1 "a lock held by another process refuses a backup" "$DBKEEP" backup --db chinook.db -d bk
grep_in "the message says locked" "locked" "$T/err"
same "nothing written" "$(folder)" "$before"
t0=$(now_ms)
run 0 "--wait 10 succeeds when that holder ends" "$DBKEEP" backup --db chinook.db -d bk --wait 10 -q
took=$(($(now_ms) - t0))
if [ "$took" -ge 1500 ]; then ok "it did wait for the holder (${took} ms)"; else
	not_ok "it did wait for the holder (${took} ms)"; fi
wait "$holder"

# -o: only flock(1) itself holds the lock (its sleep child does not), so
# killing it with -9 is a holder dying without any chance to clean up.
flock -o bk/.dbkeep.lock sleep 30 &
holder=$!
sleep 0.3
child=$(pgrep -P "$holder")
kill -9 "$holder"
wait "$holder" 2>/dev/null
[ -n "$child" ] && kill "$child" 2>/dev/null
sleep 0.2
check "(set-up) the lock file stays behind" test -e bk/.dbkeep.lock
t0=$(now_ms)
run 0 "a lock file left by a dead holder does not block" "$DBKEEP" backup --db chinook.db -d bk -q --no-prune
took=$(($(now_ms) - t0))
if [ "$took" -lt 5000 ]; then ok "and it did not wait (${took} ms)"; else not_ok "and it did not wait (${took} ms)"; fi

# ---- the database, not the folder, is locked --------------------------------
# A backup that cannot read the database gives up after the busy timeout,
# writes nothing and leaves the folder free for the next run.
chinook_copy held.db
sql_open holder held.db
sql_do holder "begin exclusive; delete from Track;" >/dev/null
before=$(folder)
DBKEEP_BUSY_TIMEOUT_MS=500 run 1 "a backup of an exclusively locked database fails (exit 1)" \
	timeout 60 "$DBKEEP" backup --db held.db -d bk
grep_in "the message names the database and says locked" "^dbkeep: .*held\.db.*locked" "$T/err"
same "it wrote nothing" "$(folder)" "$before"
same "it left no scratch copy" "$(ls -A bk | grep -c '^\.dbkeep-scratch')" 0
sql_do holder "rollback;" >/dev/null
sql_close holder
t0=$(now_ms)
run 0 "the folder is free at once for the next backup" "$DBKEEP" backup --db held.db -d bk -q --no-prune
same "that backup has every Track row (the rolled-back delete is not in it)" \
	"$(manifest_get "$(ls -t bk/held_*.json | head -1)" '$.tables.Track')" 3503
echo "1..$tap_n"
