#!/usr/bin/env bash
# t0610-security.sh - what a backup tool owes the people whose data it
# holds: private files whatever the umask, a warning on an open folder, no
# password anywhere (files, output, errors, command lines, a hook's
# environment), no link followed out of the folder by prune or restore, and
# every identifier quoted when it reaches PostgreSQL.
. "$(dirname "$0")/lib.sh"
need_pg
cd "$T" || exit 1
K=$DBKEEP
chinook_copy app.db

# ---- modes whatever the umask ----------------------------------------------
# modes DIR: "mode name" of the folder and of every file in it.
modes() { stat -c '%a %n' "$1"; find "$1" -mindepth 1 -printf '%m %p\n' | sort; }
for u in 000 022; do
	(umask $u && "$K" backup --db app.db -d m$u --log-file m$u.log -q && "$K" restore 1 -d m$u --force -q) </dev/null
	same "umask $u: backup and restore succeed" "$?" 0
	same "umask $u: the folder is 0700" "$(stat -c %a m$u)" 700
	same "umask $u: every file in it is 0600 (data, checksum, manifest, safety backup, lock)" \
		"$(find m$u -mindepth 1 ! -perm 600 -printf '%m %p\n')" ""
	same "umask $u: two sets of three files, and the lock" "$(find m$u -type f | wc -l)" 7
	same "umask $u: the log file is 0600" "$(stat -c %a m$u.log)" 600
done
pg_recreate bi_sec_modes
pg -d bi_sec_modes -c "CREATE TABLE t AS SELECT 1 AS a" >/dev/null
(umask 000 && "$K" backup --db bi_sec_modes -d mpg -q) </dev/null
same "umask 000: a PostgreSQL backup is 0700/0600 too" "$(modes mpg | awk '{print $1}' | sort -u | tr '\n' ' ')" "600 700 "
pg_drop bi_sec_modes

# ---- a warning on a folder others may write --------------------------------
for m in 777 770 702; do
	mkdir -m $m open$m && chmod $m open$m
	run 0 "backup into a folder of mode $m succeeds" "$K" backup --db app.db -d open$m
	grep_in "mode $m: a warning names the folder" "^dbkeep: warning: .*open$m.* writable by" "$T/err"
	run 0 "prune of a folder of mode $m" "$K" prune -d open$m
	grep_in "mode $m: prune warns too" "^dbkeep: warning: .*open$m.* writable by" "$T/err"
done
mkdir -m 750 closed
run 0 "backup into a folder of mode 0750" "$K" backup --db app.db -d closed
same "mode 750: no warning" "$(cat "$T/err")" ""

# ---- no secret leaks -------------------------------------------------------
secret="Pw-$(date +%s%N)-x'y\"z"
pg -d postgres -c "DROP ROLE IF EXISTS bi_keeper" >/dev/null
pg -d postgres -v pw="$secret" >/dev/null <<'SQL'
CREATE ROLE bi_keeper LOGIN SUPERUSER PASSWORD :'pw';
SQL
pg_recreate bi_vault
pg -d bi_vault -c "CREATE TABLE t (a int, b text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g" >/dev/null
# A hook that keeps its own command line and environment, and lingers so
# that /proc can be sampled while it runs.
cat >hook.sh <<'EOF'
#!/bin/sh
tr '\0' '\n' </proc/$$/cmdline >"$HOOK_OUT.cmdline"
tr '\0' '\n' </proc/$$/environ >"$HOOK_OUT.environ"
sleep 1
EOF
# procs PID: command lines of PID and of all its descendants, and the
# environment of the descendants, one line each, while PID lives.  A child
# caught between fork and exec still runs dbkeep's image, whose environment
# block is the caller's (the same as PID's own, which the caller filled):
# its environment is left out until it has exec'd what it runs.
procs() {
	local root=$1 p exe
	exe=$(readlink /proc/"$root"/exe)
	while kill -0 "$root" 2>/dev/null; do
		for p in $(ps -e -o pid=,ppid= | awk -v r="$root" '
			{ parent[$1] = $2 } END { for (p in parent) { q = p
				while (q && q != 1) { if (q == r) { print p; break } q = parent[q] } } }'); do
			[ -r /proc/$p/cmdline ] || continue
			echo "cmdline $p: $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)"
			[ "$p" = "$root" ] || [ "$(readlink /proc/"$p"/exe)" = "$exe" ] ||
				echo "environ $p: $(tr '\0' ' ' </proc/$p/environ 2>/dev/null)"
		done
		sleep 0.1
	done
}
# holdlock SECONDS: an ACCESS EXCLUSIVE lock on bi_vault.t, which makes a
# backup wait (its lock timeout is longer).
holdlock() {
	pg -d bi_vault >/dev/null <<SQL &
BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($1); COMMIT;
SQL
	sleep 0.5
}

mkdir -m 700 home
printf '*:*:*:bi_keeper:%s\n' "$(printf '%s' "$secret" | sed 's/[\\:]/\\&/g')" >home/.pgpass
chmod 600 home/.pgpass
# as HOW CMD...: runs CMD as bi_keeper, the password coming from DB_PASSWORD
# (env), PGPASSWORD (pgenv) or ~/.pgpass (pgpass).
as() {
	local how=$1
	shift
	case $how in
	env) env -u PGPASSWORD PGUSER=bi_keeper DB_PASSWORD="$secret" "$@" ;;
	pgenv) env PGUSER=bi_keeper PGPASSWORD="$secret" "$@" ;;
	pgpass) env -u PGPASSWORD HOME="$T/home" PGUSER=bi_keeper "$@" ;;
	esac
}
for how in env pgenv pgpass; do
	B=$T/sec-$how
	all=$T/all-$how.txt
	: >"$all"
	holdlock 2
	HOOK_OUT=$T/hook-$how as $how "$K" backup --db bi_vault -d "$B" -v --lock-timeout 20 \
		--on-success "sh $T/hook.sh" --log-file "$T/log-$how" </dev/null >"$T/out" 2>"$T/err" &
	job=$!
	# dbkeep itself (env execs it, a child of the background subshell):
	# its own environment holds what the caller put there, its command
	# line and its children must not.
	pid=
	for i in $(seq 200); do pid=$(pgrep -P $job -x dbkeep) && break; sleep 0.01; done
	procs "${pid:-$job}" >"$T/procs-$how"
	wait $job
	same "$how: the backup succeeds (after waiting for a lock, then its hook)" "$?" 0
	cat "$T/out" "$T/err" >>"$all"
	grep_in "$how: /proc was sampled while dbkeep ran" "^cmdline $pid: .*dbkeep backup" "$T/procs-$how"
	grep_in "$how: and while its hook ran" "cmdline [0-9]+: sh .*hook\.sh" "$T/procs-$how"
	same "$how: the password is in no command line of dbkeep or its children, nor in their environment" \
		"$(grep -cF -- "$secret" "$T/procs-$how")" 0
	same "$how: the hook's environment has no DB_PASSWORD or PGPASSWORD" \
		"$(grep -cE '^(DB_PASSWORD|PGPASSWORD)=' "$T/hook-$how.environ")" 0
	grep_in "$how: the hook's environment has the backup" "^DBKEEP_FILE=.*bi_vault_" "$T/hook-$how.environ"
	same "$how: the password is in no file under the backup folder" "$(grep -rlF -- "$secret" "$B")" ""
	same "$how: nor inside the data" "$(gunzip -c "$B"/*.sql.gz | grep -cF -- "$secret")" 0
	same "$how: nor in the log file" "$(grep -cF -- "$secret" "$T/log-$how")" 0
	for c in "list" "show 1" "show 1 --json" "verify 1" "verify 1 --deep" "status -v" "status --json" "compare 1 --db bi_vault"; do
		# shellcheck disable=SC2086
		as $how "$K" $c -d "$B" </dev/null >>"$all" 2>&1
	done
	pg_drop bi_vault_copy
	as $how "$K" restore 1 -d "$B" --target bi_vault_copy --force -v </dev/null >>"$all" 2>&1
	same "$how: the restore into a copy succeeds" "$?" 0
	as $how "$K" restore 1 -d "$B" --force -v --terminate </dev/null >>"$all" 2>&1
	same "$how: the restore over the database succeeds" "$?" 0
	same "$how: the password is in no output line of backup, list, show, verify, status, compare, restore" \
		"$(grep -cF -- "$secret" "$all")" 0
	same "$how: nor in any file the restore added" "$(grep -rlF -- "$secret" "$B")" ""
done
pg_drop bi_vault_copy

# Wrong passwords: the error says so and shows none.
wrong="Wrong-$secret"
env -u PGPASSWORD PGUSER=bi_keeper DB_PASSWORD="$wrong" "$K" backup --db bi_vault -d sec-wrong </dev/null >"$T/out" 2>"$T/err"
same "a wrong DB_PASSWORD fails (exit 1)" "$?" 1
grep_in "the error says the authentication failed" "^dbkeep: .*(password authentication failed|authentication)" "$T/err"
same "the wrong password is in no output" "$(cat "$T/out" "$T/err" | grep -cF -- "$wrong")" 0
printf '*:*:*:bi_keeper:%s\n' "$wrong" >home/.pgpass
env -u PGPASSWORD HOME="$T/home" PGUSER=bi_keeper "$K" backup --db bi_vault -d sec-wrong </dev/null >"$T/out" 2>"$T/err"
same "a wrong ~/.pgpass password fails (exit 1)" "$?" 1
same "that password is in no output" "$(cat "$T/out" "$T/err" | grep -cF -- "$wrong")" 0
same "no backup file was left by the failures" "$(find sec-wrong -type f ! -name .dbkeep.lock 2>/dev/null)" ""
pg_drop bi_vault
pg -d postgres -c "DROP ROLE bi_keeper" >/dev/null

# ---- links never followed by prune and restore -----------------------------
# A folder with three real backups of app.db, and links named like backups,
# manifests, checksums and legacy files that point at files outside it.
mkdir -m 700 ls
for i in 1 2 3; do "$K" backup --db app.db -d ls -q --no-prune </dev/null; done
mkdir outside
cp app.db outside/small.db && sqlite3 outside/small.db "delete from InvoiceLine"
"$K" backup --db outside/small.db -d outside/set -q --label app </dev/null
v=$(cd outside/set && ls | grep '\.db\.gz$')
cp outside/set/"$v" outside/victim2.db.gz && cp outside/set/"$v.sha256" outside/victim2.sha256
gzip -c outside/small.db >outside/plain.db.gz
echo "not a backup" >outside/notes.txt
for s in "" .json .sha256; do ln -s "../outside/set/$v$s" "ls/app_20200101_000000.db.gz$s"; done
# a set whose manifest is a real file but whose data and checksum are links
sqlite3 :memory: "select writefile('ls/app_20200102_000000.db.gz.json', json_set(readfile('outside/set/$v.json'), '\$.file', 'app_20200102_000000.db.gz'))" >/dev/null
chmod 600 ls/app_20200102_000000.db.gz.json
ln -s ../outside/victim2.db.gz ls/app_20200102_000000.db.gz
ln -s ../outside/victim2.sha256 ls/app_20200102_000000.db.gz.sha256
ln -s ../outside/plain.db.gz ls/legacy.db.gz
ln -s ../outside/notes.txt ls/app_20200103_000000.db.gz
ln -s ../outside ls/app_20200104_000000.db.gz
ln -s ../outside/set ls/sub
links() { find ls -type l -printf '%p -> %l\n' | sort; }
out_before=$(fs_state outside)
links_before=$(links)

run 0 "list of a folder with links" "$K" list -d ls
same "list shows the three real backups and none of the links" \
	"$(grep -cE '^ *[0-9]+ ' "$T/out")" 3
run 0 "prune --keep-last 1" "$K" prune -d ls --keep-last 1
same "prune --keep-last 1: the files outside are untouched" "$(fs_state outside)" "$out_before"
run 0 "prune --keep-last 0" "$K" prune -d ls --keep-last 0
same "prune --keep-last 0: the files outside are untouched" "$(fs_state outside)" "$out_before"
same "prune deleted no link (it never made one)" "$(links)" "$links_before"
same "the links' targets still exist" "$(find ls -xtype l)" ""
same "one real backup is left (the newest)" "$(ls ls | grep -c '^app_2026.*\.db\.gz$')" 1
run 0 "a backup with retention after that" "$K" backup --db app.db -d ls --keep-last 1
same "backup's retention: the files outside are untouched" "$(fs_state outside)" "$out_before"
same "backup's retention deleted no link" "$(links)" "$links_before"

cp app.db before.db
run 2 "restore of a link in the folder is refused" "$K" restore ls/app_20200101_000000.db.gz -d ls --db app.db --force
grep_in "the error says it is a link" "symbolic link" "$T/err"
run 2 "restore of a manifest link in the folder is refused" "$K" restore ls/app_20200101_000000.db.gz.json -d ls --db app.db --force
run 1 "restore by a link's name is not found" "$K" restore app_20200101_000000.db.gz -d ls --db app.db --force
run 1 "restore of the set whose data is a link fails" "$K" restore app_20200102_000000.db.gz -d ls --db app.db --force
run 2 "restore of a link to a folder is refused" "$K" restore ls/app_20200104_000000.db.gz -d ls --db app.db --force
run 2 "restore of a link to a legacy file is refused" "$K" restore ls/legacy.db.gz -d ls --db app.db --force
same "after all that, app.db is unchanged" "$(sha256sum <app.db)" "$(sha256sum <before.db)"
same "and the files outside too" "$(fs_state outside)" "$out_before"
run 0 "an explicit path outside the folder restores" "$K" restore "outside/set/$v" -d ls --db app.db --force -q
same "it restored the outside backup" "$(sqlite3 app.db 'select count(*) from InvoiceLine')" 0

# ---- identifiers quoted on the way to PostgreSQL ---------------------------
# Names with double and single quotes, backslashes, semicolons, $$ and
# spaces, for the database, a schema, tables, columns, a sequence, an
# index, a view, a function (whose body holds $$), a type and a role.
odd='q"uo'"'"'te\; $$db'
role='r"o'"'"'le\; $$x'
pg_drop "$odd"
pg_drop "$odd rt"
pg -d postgres -v r="$role" >/dev/null <<'SQL'
SELECT format('DROP ROLE IF EXISTS %I', :'r') \gexec
SELECT format('CREATE ROLE %I', :'r') \gexec
SQL
pg -d postgres -v n="$odd" <<<'CREATE DATABASE :"n"' >/dev/null
pg -d "$odd" -v r="$role" >"$T/odd.log" 2>&1 <<'SQL'
\set ON_ERROR_STOP 1
CREATE SCHEMA "s""c'h\; $$e";
SET search_path = "s""c'h\; $$e";
CREATE TYPE "ty""pe'; $$" AS ENUM ('a''b', 'c"d', '$$');
CREATE TABLE "ta""ble'\; $$ t" (
	"i""d'\;$$" serial PRIMARY KEY,
	"va""l'; $$" text,
	"e$$" "ty""pe'; $$"
);
INSERT INTO "ta""ble'\; $$ t" ("va""l'; $$", "e$$")
	SELECT E'x\\y''z"; $$' || g, (ARRAY['a''b', 'c"d', '$$']::"ty""pe'; $$"[])[1 + g % 3] FROM generate_series(1, 300) g;
CREATE INDEX "in""dex'; $$" ON "ta""ble'\; $$ t" ("va""l'; $$");
CREATE VIEW "vi""ew'; $$" AS SELECT "i""d'\;$$", "va""l'; $$" FROM "ta""ble'\; $$ t" WHERE "i""d'\;$$" < 10;
CREATE FUNCTION "fu""nc'; $$"(x int) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN RETURN '$$' || x || $q$'"\;$q$; END $f$;
CREATE TABLE public."a;b" ("c""d" int);
INSERT INTO public."a;b" VALUES (1), (2);
COMMENT ON TABLE "ta""ble'\; $$ t" IS 'com''ment "; $$';
SELECT format('ALTER TABLE %I OWNER TO %I', 'ta"ble''\; $$ t', :'r') \gexec
SELECT format('GRANT SELECT ON %I TO %I', 'vi"ew''; $$', :'r') \gexec
SELECT format('ALTER SCHEMA %I OWNER TO %I', 's"c''h\; $$e', :'r') \gexec
SQL
same "set-up: the odd database is created" "$?" 0 || sed 's/^/# /' "$T/odd.log"
run 0 "backup of the database with odd names" "$K" backup --db "$odd" -d odd -q
rows_of() { pg -d "$1" -c "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM \"s\"\"c'h\\; \$\$e\".\"ta\"\"ble'\\; \$\$ t\" t"; }
pg_drop "$odd copy"
run 0 "restore --target of the database with odd names" "$K" restore 1 -d odd --target "$odd copy" --force -q
same "the rows came back" "$(rows_of "$odd copy")" "$(rows_of "$odd")"
same "the function came back" "$(pg -d "$odd copy" -c "SELECT \"s\"\"c'h\\; \$\$e\".\"fu\"\"nc'; \$\$\"(7)")" "\$\$7'\"\\;"
same "the owner came back" "$(pg -d "$odd copy" -c "SELECT tableowner FROM pg_tables WHERE tablename LIKE 'ta%'")" "$role"
pg_drop "$odd copy"
if [ -x "$TOOLS/pg-roundtrip" ]; then
	# The names go through the environment, not {db}/{newdb}: the oracle's
	# substitution (bash 5.2 patsub_replacement) drops their backslashes.
	ODD=$odd NEWDB="$odd rt" K=$K "$TOOLS/pg-roundtrip" "$odd" \
		'"$K" backup --db "$ODD" -d {dir}/bk -q && cp "$(ls {dir}/bk/*.gz)" {file}' \
		'"$K" restore 1 -d {dir}/bk --target "$NEWDB" --force -q' >"$T/oracle.log" 2>&1
	st=$?
	if [ $st -eq 0 ]; then ok "the round-trip oracle passes on the odd names"; else
		not_ok "the round-trip oracle passes on the odd names (exit $st)"
		sed 's/^/# /' "$T/oracle.log" | tail -30
	fi
else
	not_ok "the round-trip oracle is at $TOOLS/pg-roundtrip"
fi
pg_drop "$odd"
pg_drop "$odd rt"
pg -d postgres -v r="$role" >/dev/null <<'SQL'
SELECT format('DROP ROLE IF EXISTS %I', :'r') \gexec
SQL
echo "1..$tap_n"
