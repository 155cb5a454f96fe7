# tests/e2e/lib.sh - sourced by every end-to-end script.
#
# Each assertion prints one TAP line ("ok N - what" / "not ok N - what")
# that tests/run counts.  Every script works in its own scratch folder $T,
# removed at exit.  $DBKEEP is the binary under test; $CORPUS and $TOOLS
# are the shared sample databases and round-trip oracles.
set -u
: "${DBKEEP:?set by tests/run}"
: "${DBKEEP_SRC:?set by tests/run}"
CORPUS=${CORPUS:-$DBKEEP_SRC/../shared/corpus}
TOOLS=${TOOLS:-$DBKEEP_SRC/../shared/tools}
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
	if psql -X -q -c 'select 1' postgres >/dev/null 2>&1; then return 0; fi
	if [ "${DBKEEP_TEST_ALLOW_SKIP:-}" = 1 ]; then
		echo "# skipped: no PostgreSQL server"; exit 0
	fi
	not_ok "a PostgreSQL server answers (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-})"
	exit 1
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
