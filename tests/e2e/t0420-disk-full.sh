#!/usr/bin/env bash
# t0420-disk-full.sh - the backup folder runs out of room, SQLite and
# PostgreSQL: on a small tmpfs (ENOSPC) where the machine allows mounting,
# and always under `ulimit -f` (RLIMIT_FSIZE: dbkeep ignores SIGXFSZ, so the
# write fails with EFBIG).  The backup fails with one clear line naming the
# file (or folder) that could not be written, exit 1, leaves no .partial or
# scratch file, keeps every older backup, and retention does not run
# (--keep-last 1, yet the older backups are all still there).  Once there is
# room again the next backup succeeds, and then retention does run.  A
# restore whose preRestore safety backup does not fit fails before it
# touches the live database.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
mounts=()
trap 'for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	jobs -p | xargs -r kill 2>/dev/null; rm -rf "$T"' EXIT

# small_fs DIR MB: a tmpfs of MB MiB at DIR; fails when mounting is not allowed.
small_fs() {
	mkdir -p "$1" && mount -t tmpfs -o "size=$2m,mode=0755" tmpfs "$1" 2>/dev/null || return 1
	mounts+=("$1")
}
can_mount=1
small_fs "$T/probe" 1 || can_mount=0
[ "$can_mount" = 1 ] && umount "$T/probe"
[ "$can_mount" = 1 ] || echo "# mounting a tmpfs is not allowed here: only the ulimit -f cases run"

# full_case NAME DIR WANT_RE NAMES_RE CMD...: CMD is a backup into DIR
# (with --keep-last 1) that must fail for want of room.
full_case() {
	local name=$1 dir=$2 want=$3 names=$4 before; shift 4
	before=$(complete_sets "$dir")
	[ "$(grep -c . <<<"$before")" -ge 2 ] || not_ok "$name: (set-up) two older backups"
	run 1 "$name: the backup fails (exit 1)" "$@"
	same "$name: one line on stderr" "$(wc -l <"$T/err")" 1
	grep_in "$name: it says why" "^dbkeep: .*($want)" "$T/err"
	grep_in "$name: it names what could not be written" "$names" "$T/err"
	same "$name: nothing on stdout" "$(cat "$T/out")" ""
	same "$name: no .partial or scratch file is left" "$(leftovers "$dir")" ""
	same "$name: every older backup is still there (retention did not run)" \
		"$(complete_sets "$dir")" "$before"
	run 0 "$name: the older backups verify" "$DBKEEP" verify --all -d "$dir"
}

# ---- SQLite ---------------------------------------------------------------------
chinook_copy app.db
# app.db grows by 5 MB of random (incompressible) data after the first backups.
grow_app() {
	sqlite3 app.db "create table filler(b blob);
	with recursive c(i) as (select 1 union all select i + 1 from c where i < 50)
	insert into filler select randomblob(100000) from c;"
}

if [ "$can_mount" = 1 ]; then
	# 2 MiB: the driver's scratch copy of the 6 MB database does not fit.
	small_fs "$T/fs1" 2
	for _ in 1 2; do "$DBKEEP" backup --db app.db -d fs1/bk -q </dev/null; done
	grow_app
	full_case "sqlite, tmpfs full at the scratch copy" fs1/bk "disk is full|No space left" \
		"fs1/bk" "$DBKEEP" backup --db app.db -d fs1/bk --keep-last 1

	# 9 MiB: the scratch copy fits, the compressed data file beside it does not.
	chinook_copy app.db
	small_fs "$T/fs2" 9
	for _ in 1 2; do "$DBKEEP" backup --db app.db -d fs2/bk -q </dev/null; done
	grow_app
	full_case "sqlite, tmpfs full at the data file" fs2/bk "No space left on device" \
		"fs2/bk/app_[0-9_]+\.db\.gz\.partial" "$DBKEEP" backup --db app.db -d fs2/bk --keep-last 1

	# A restore whose preRestore safety backup does not fit stops before it
	# touches the live database.
	sum=$(sqlite_content_sum app.db)
	run 1 "sqlite: a restore whose safety backup does not fit fails (exit 1)" \
		"$DBKEEP" restore 1 -d fs1/bk --db app.db --force
	grep_in "sqlite: it says the safety backup failed" "^dbkeep: .*safety backup" "$T/err"
	same "sqlite: the live database is untouched" "$(sqlite_content_sum app.db)" "$sum"
	same "sqlite: no .partial or scratch file is left" "$(leftovers fs1/bk)" ""
	same "sqlite: no restore scratch beside the database" "$(ls -A | grep -c dbkeep-restore)" 0

	mount -o remount,size=64m "$T/fs2"
	run 0 "sqlite: with room again the next backup succeeds" \
		"$DBKEEP" backup --db app.db -d fs2/bk --keep-last 1 -q
	same "sqlite: and then retention runs (--keep-last 1)" "$(complete_sets fs2/bk | wc -l)" 1
	chinook_copy app.db
fi

# ulimit -f 2000 (KiB): the scratch copy of the 6 MB database is too large.
for _ in 1 2; do "$DBKEEP" backup --db app.db -d bk-ul -q </dev/null; done
grow_app
full_case "sqlite, ulimit -f" bk-ul "File too large|disk is full|disk I/O error" "bk-ul" \
	bash -c 'ulimit -f 2000 && exec "$@"' - "$DBKEEP" backup --db app.db -d bk-ul --keep-last 1
run 0 "sqlite: without the limit the next backup succeeds" \
	"$DBKEEP" backup --db app.db -d bk-ul --keep-last 1 -q
same "sqlite: and then retention runs (--keep-last 1)" "$(complete_sets bk-ul | wc -l)" 1

# ---- PostgreSQL -----------------------------------------------------------------
need_pg
DB=dbkeep_t0420
pg_recreate "$DB"
pg -d "$DB" -c "CREATE TABLE a (i int PRIMARY KEY, s text);
	INSERT INTO a SELECT g, md5(g::text) FROM generate_series(1, 1000) g" >/dev/null
# 6 MB of random bytes, written as hex by the dump.
grow_pg() {
	pg -d "$DB" -c "CREATE TABLE filler (b bytea);
	INSERT INTO filler SELECT decode(string_agg(md5(random()::text), ''), 'hex')
		FROM generate_series(1, 375000) g GROUP BY g % 60" >/dev/null
}

if [ "$can_mount" = 1 ]; then
	small_fs "$T/fs3" 3
	for _ in 1 2; do "$DBKEEP" backup --db "$DB" -d fs3/bk -q </dev/null; done
	grow_pg
	full_case "postgres, tmpfs full at the data file" fs3/bk "No space left on device" \
		"fs3/bk/${DB}_[0-9_]+\.sql\.gz\.partial" "$DBKEEP" backup --db "$DB" -d fs3/bk --keep-last 1

	# Room for the data file to the byte, none for its checksum file: the
	# failure comes after the data is complete, before the commit point.
	# (The dump and its compression are deterministic: a backup elsewhere
	# tells the data file's size.)
	pg -d "$DB" -c "DROP TABLE filler" >/dev/null
	small_fs "$T/fs4" 16
	for _ in 1 2; do "$DBKEEP" backup --db "$DB" -d fs4/bk -q </dev/null; done
	grow_pg
	"$DBKEEP" backup --db "$DB" -d sizer -q --no-prune </dev/null
	size=$(stat -c %s sizer/*.sql.gz)
	avail=$(($(stat -f -c '%a * %S' "$T/fs4")))
	head -c $((avail - (size + 4095) / 4096 * 4096)) /dev/zero >"$T/fs4/filler"
	full_case "postgres, tmpfs full after the data file" fs4/bk "No space left on device" \
		"fs4/bk/${DB}_[0-9_]+\.sql\.gz\.sha256\.partial" \
		"$DBKEEP" backup --db "$DB" -d fs4/bk --keep-last 1
	rm -f "$T/fs4/filler"
	run 0 "postgres: with room again the next backup succeeds" \
		"$DBKEEP" backup --db "$DB" -d fs4/bk --keep-last 1 -q
	same "postgres: and then retention runs (--keep-last 1)" "$(complete_sets fs4/bk | wc -l)" 1
	pg -d "$DB" -c "DROP TABLE filler" >/dev/null
fi

for _ in 1 2; do "$DBKEEP" backup --db "$DB" -d bk-pg-ul -q </dev/null; done
grow_pg
full_case "postgres, ulimit -f" bk-pg-ul "File too large" \
	"bk-pg-ul/${DB}_[0-9_]+\.sql\.gz\.partial" \
	bash -c 'ulimit -f 2000 && exec "$@"' - "$DBKEEP" backup --db "$DB" -d bk-pg-ul --keep-last 1
sum=$(pg_content_sum "$DB")
run 1 "postgres: a restore whose safety backup is over the limit fails (exit 1)" \
	bash -c 'ulimit -f 2000 && exec "$@"' - "$DBKEEP" restore 1 -d bk-pg-ul --db "$DB" --force
grep_in "postgres: it says the safety backup failed" "^dbkeep: .*safety backup" "$T/err"
same "postgres: the live database is untouched" "$(pg_content_sum "$DB")" "$sum"
same "postgres: no .partial is left" "$(leftovers bk-pg-ul)" ""
same "postgres: no scratch database was made" "$(pg -d postgres -c \
	"select count(*) from pg_database where datname like '${DB}\\_dbkeep\\_%'")" 0
run 0 "postgres: without the limit the next backup succeeds" \
	"$DBKEEP" backup --db "$DB" -d bk-pg-ul --keep-last 1 -q
same "postgres: and then retention runs (--keep-last 1)" "$(complete_sets bk-pg-ul | wc -l)" 1
pg_drop "$DB"
echo "1..$tap_n"
