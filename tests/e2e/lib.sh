# tests/e2e/lib.sh - sourced by every end-to-end script.
#
# Each assertion prints one TAP line ("ok N - what" / "not ok N - what")
# that tests/run counts.  Every script works in its own scratch folder $T,
# removed at exit.  $DBKEEP is the binary under test; $CORPUS and $TOOLS
# are the shared sample databases and round-trip oracles, from ../shared
# beside the source tree or $DBKEEP_SHARED (make distcheck: set it).
set -u
: "${DBKEEP:?set by tests/run}"
: "${DBKEEP_SRC:?set by tests/run}"
SHARED=${DBKEEP_SHARED:-$DBKEEP_SRC/../shared}
CORPUS=${CORPUS:-$SHARED/corpus}
TOOLS=${TOOLS:-$SHARED/tools}
T=$(mktemp -d "${TMPDIR:-/tmp}/dbkeep-e2e.XXXXXX")
trap 'jobs -p | xargs -r kill 2>/dev/null; rm -rf "$T"' EXIT
export TZ=UTC
tap_n=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n - $*"; }

# check DESC CMD...: passes when CMD succeeds.
check() {
	local desc=$1; shift
	if "$@" >"$T/.check.out" 2>&1; then ok "$desc"; else
		not_ok "$desc"; sed 's/^/# /' "$T/.check.out" | head -20; fi
}

# run WANT_STATUS DESC CMD...: runs CMD with stdin closed, output in $T/out
# and $T/err, and passes when its exit status is WANT_STATUS.
run() {
	local want=$1 desc=$2 got; shift 2
	"$@" </dev/null >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc"; else
		not_ok "$desc (exit $got, wanted $want)"
		sed 's/^/# out: /' "$T/out" | head -10; sed 's/^/# err: /' "$T/err" | head -10
	fi
}

# grep_out DESC REGEX FILE: passes when FILE matches REGEX.
grep_in() {
	local desc=$1 re=$2 f=$3
	if grep -qE -- "$re" "$f"; then ok "$desc"; else
		not_ok "$desc (no /$re/ in $(basename "$f"))"; sed 's/^/# /' "$f" | head -10; fi
}

# same DESC A B: passes when the strings are equal.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 ('$2' != '$3')"; fi
}

# A private copy of the Chinook SQLite sample.
chinook_copy() {
	cp "$CORPUS/chinook/Chinook_Sqlite.sqlite" "$1" && chmod 0644 "$1"
}

rows() { sqlite3 "$1" "$2"; }

# A manifest field, read with sqlite3's own JSON functions (no extra tool).
manifest_get() {
	sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"
}

# For PostgreSQL tests: fails the script unless a server answers (or skips
# when DBKEEP_TEST_ALLOW_SKIP=1 was set by hand).
need_pg() {
	if psql -X -q -c 'select 1' postgres >/dev/null 2>&1; then
		oracle_psql
		return 0
	fi
	if [ "${DBKEEP_TEST_ALLOW_SKIP:-}" = 1 ]; then
		echo "# skipped: no PostgreSQL server"; exit 0
	fi
	not_ok "a PostgreSQL server answers (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-})"
	exit 1
}

# The round-trip oracle reads the catalogs through $PSQL.  PostgreSQL 15.20
# stamps every column's attoptions with pg_attver=<WAL position>, set by the
# server at creation and not settable, so no restore can reproduce it; the
# oracle's psql here drops it from what it reads (on both sides alike).
oracle_psql() {
	mkdir -p "$T/.bin"
	cat >"$T/.bin/psql" <<'WRAP'
#!/usr/bin/env bash
set -o pipefail
psql "$@" | sed -E 's/pg_attver=[0-9]+,?//g'
WRAP
	chmod +x "$T/.bin/psql"
	export PSQL=$T/.bin/psql
}

# PostgreSQL helpers (after need_pg).
pg() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
pg_recreate() { # pg_recreate DB: drops DB (ending its sessions) and creates it empty
	pg -d postgres -v dbn="$1" >/dev/null <<'SQL'
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'dbn' AND pid <> pg_backend_pid();
SELECT format('DROP DATABASE IF EXISTS %I', :'dbn') \gexec
SELECT format('CREATE DATABASE %I', :'dbn') \gexec
SQL
}
pg_drop() {
	pg -d postgres -v dbn="$1" >/dev/null <<'SQL'
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :'dbn' AND pid <> pg_backend_pid();
SELECT format('DROP DATABASE IF EXISTS %I', :'dbn') \gexec
SQL
}
# pg_oracle DB HOW [VAR=VALUE...]: the shared round-trip oracle, strict about
# database-level properties, over a dbkeep backup of DB restored by dbkeep
# (HOW=dbkeep, restore --target) or by psql from the gunzipped file
# (HOW=psql); VAR=VALUE pairs go to the oracle's environment.
pg_oracle() {
	local db=$1 how=$2 restore
	shift 2
	if [ "$how" = psql ]; then
		restore="createdb {newdb} && gunzip -c {file} | psql -X -q -v ON_ERROR_STOP=1 -d {newdb} >/dev/null"
	else
		restore="$DBKEEP restore 1 -d {dir}/bk --target {newdb} --force -q"
	fi
	pg_drop "rt_$db"
	env "$@" NEWDB="rt_$db" STRICT_DBLEVEL=1 "$TOOLS/pg-roundtrip" "$db" \
		"$DBKEEP backup --db {db} -d {dir}/bk -q && cp \"\$(ls {dir}/bk/*.gz)\" {file}" "$restore"
}
# Loads the Pagila sample into database $1 (it needs a role named postgres).
pg_load_pagila() {
	pg -d postgres -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres') THEN CREATE ROLE postgres SUPERUSER; END IF; END\$\$" >/dev/null &&
	pg_recreate "$1" &&
	pg -d "$1" -f "$CORPUS/pagila/pagila-schema.sql" >/dev/null 2>&1 &&
	pg -d "$1" -f "$CORPUS/pagila/pagila-data.sql" >/dev/null 2>&1
}
# Loads Chinook; its script creates and connects to a database named chinook.
pg_load_chinook() {
	pg_drop chinook && pg -d postgres -f "$CORPUS/chinook/Chinook_PostgreSql.sql" >/dev/null 2>&1
}

# SQLite sessions: a sqlite3 process that keeps its connection open (for a
# hot WAL, or a reader that must see a restore), fed through a fifo.
#   sql_open NAME DB      start it (output in $T/NAME.out)
#   sql_do NAME SQL       run SQL in it and wait until done; prints its output
#                         (works inside $(...): the mark count is in a file)
#   sql_close NAME        end it (closing its connection)
declare -A SQL_FD SQL_PID
sql_open() {
	local name=$1 db=$2 fd
	mkfifo "$T/$name.fifo" || return 1
	sqlite3 -batch "$db" <"$T/$name.fifo" >"$T/$name.out" 2>&1 &
	SQL_PID[$name]=$!
	exec {fd}>"$T/$name.fifo"
	SQL_FD[$name]=$fd
	echo 0 >"$T/$name.mark"
	sql_do "$name" "pragma busy_timeout=10000;" >/dev/null
}
sql_do() {
	local name=$1 sql=$2 n i
	n=$(($(cat "$T/$name.mark") + 1))
	echo "$n" >"$T/$name.mark"
	printf '%s\nselect %s;\n' "$sql" "'--mark $n--'" >&"${SQL_FD[$name]}" || return 1
	for i in $(seq 600); do
		grep -qxF -- "--mark $n--" "$T/$name.out" && break
		kill -0 "${SQL_PID[$name]}" 2>/dev/null || return 1
		sleep 0.05
	done
	# The output between the previous mark and this one.
	awk -v a="--mark $((n - 1))--" -v b="--mark $n--" -v p="$([ "$n" -eq 1 ] && echo 1 || echo 0)" \
		'$0 == b { exit } p { print } $0 == a { p = 1 }' "$T/$name.out"
}
sql_close() {
	local name=$1
	exec {SQL_FD[$name]}>&-
	wait "${SQL_PID[$name]}" 2>/dev/null
	unset "SQL_FD[$name]" "SQL_PID[$name]"
}

# ---- "nothing changed" snapshots (bad input and security tests) ----------
# fs_state PATH...: every file, folder and link under the PATHs with its
# mode, size, link target and content checksum, sorted; the folder lock
# (rewritten by every run) and the listing index (a cache list and status
# rewrite) are left out.  Equal before and after a command
# means the command changed nothing there.
fs_state() {
	find "$@" ! -name .dbkeep.lock ! -name .dbkeep.index -printf '%p %y %m %s -> %l\n' 2>/dev/null | LC_ALL=C sort
	find "$@" -type f ! -name .dbkeep.lock ! -name .dbkeep.index -exec sha256sum {} + 2>/dev/null | LC_ALL=C sort
}
# pg_state DB...: the list of databases, then for each DB every table's rows
# as one ordered checksum (after need_pg).
pg_state() {
	local db
	pg -d postgres -c "SELECT datname FROM pg_database ORDER BY 1"
	for db in "$@"; do
		echo "== $db"
		pg -d "$db" <<'SQL'
SELECT format('SELECT %L, count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM %s t',
	      c.oid::regclass::text, c.oid::regclass)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1 \gexec
SQL
	done
}
# set_reseal DATAFILE [RAWBYTES]: after DATAFILE was edited, rewrites its
# .sha256 and its manifest's sha256 and storedBytes (and rawBytes when
# given) to match, as if the damage had been there when it was checksummed.
set_reseal() {
	local f=$1 raw=${2:-} sum size
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	size=$(stat -c %s "$f")
	echo "$sum  $(basename "$f")" >"$f.sha256"
	sqlite3 :memory: "select writefile('$f.json', json_set(readfile('$f.json'),
		'\$.sha256', '$sum', '\$.storedBytes', $size${raw:+, '\$.rawBytes', $raw}))" >/dev/null
}

# ---- fault injection (t04*) ----------------------------------------------------
#   ms_now                  milliseconds since the epoch
#   rand_below N            a random integer in [0, N) (N up to 2^30)
#   sleep_ms N              sleeps N milliseconds
#   kill9_after MS CMD...   runs CMD in the background (output in $T/kill.out,
#                           $T/kill.err), sends it SIGKILL after MS ms, and
#                           returns its status: 137 when the kill hit it
#   complete_sets DIR       the data files in DIR that have a manifest, sorted
#   leftovers DIR           .partial files and dump scratch files in DIR
#   list_entries DIR        "file ok" per backup of `dbkeep list --json`
#                           (ok is 1 or 0); fails when list fails
#   sqlite_content_sum DB   sha256 of `sqlite3 DB .dump`
#   pg_content_sum DB       sha256 over every user table's name, row count
#                           and the sum of its rows' 64-bit hashes (order-free,
#                           so no sort: fast on tens of MB)
ms_now() { echo $(($(date +%s%N) / 1000000)); }
rand_below() { echo $(((RANDOM << 15 | RANDOM) % $1)); }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
kill9_after() {
	local ms=$1 pid; shift
	"$@" </dev/null >"$T/kill.out" 2>"$T/kill.err" &
	pid=$!
	sleep_ms "$ms"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}
complete_sets() {
	local f
	for f in "$1"/*.json; do
		[ -e "$f" ] || continue
		f=$(basename "$f")
		echo "${f%.json}"
	done | sort
}
leftovers() { ls -A "$1" 2>/dev/null | grep -E '\.partial$|^\.dbkeep-scratch-' ; true; }
list_entries() {
	"$DBKEEP" list -d "$1" --json </dev/null >"$T/list.json" 2>"$T/list.err" || return 1
	sqlite3 :memory: "select json_extract(value, '\$.file') || ' ' ||
		(case when json_extract(value, '\$.ok') then 1 else 0 end)
		from json_each(readfile('$T/list.json'), '\$.backups')"
}
sqlite_content_sum() { sqlite3 -cmd '.timeout 10000' "$1" .dump | sha256sum | cut -d' ' -f1; }
pg_content_sum() {
	local q
	q=$(pg -d "$1" -c "SELECT string_agg(format(
		'SELECT %L, count(*), sum(hashtextextended(t::text, 0)::numeric) FROM %I.%I t',
		n.nspname || '.' || c.relname, n.nspname, c.relname), ' UNION ALL ')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema'
		AND n.nspname NOT LIKE 'pg\\_%'") || return 1
	[ -n "$q" ] || { echo empty; return 0; }
	pg -d "$1" -c "SELECT * FROM ($q) s ORDER BY 1" | sha256sum | cut -d' ' -f1
}
