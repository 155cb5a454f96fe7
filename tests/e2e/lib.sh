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
