#!/usr/bin/env bash
# t0001-cli.sh - the command line itself: help, version, and the refusals a
# user meets when a command, an option or a value is wrong (exit 2, one
# line on stderr starting "dbkeep:" that names the culprit, nothing done).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy "$T/chinook.db"

# one_error DESC REGEX: stderr ($T/err) is exactly one line, starts with
# "dbkeep:" and matches REGEX.
one_error() {
	local n
	n=$(wc -l <"$T/err")
	if [ "$n" -eq 1 ] && grep -qE "^dbkeep: .*$2" "$T/err"; then ok "$1"; else
		not_ok "$1 (stderr: $(head -3 "$T/err" | tr '\n' '|'))"; fi
}

run 0 "--help exits 0" "$DBKEEP" --help
grep_in "--help lists the commands" 'backup.*list|list.*backup' "$T/out"
for c in backup list show verify restore prune status compare; do
	grep_in "--help names '$c'" "^ +$c " "$T/out"
done
run 0 "-h exits 0" "$DBKEEP" -h
run 2 "no arguments at all is bad usage" "$DBKEEP"
grep_in "no arguments prints the usage on stderr" 'Usage: dbkeep' "$T/err"

run 0 "--version exits 0" "$DBKEEP" --version
grep_in "--version prints 'dbkeep X.Y.Z'" '^dbkeep [0-9]+\.[0-9]+' "$T/out"

# Each command's help: exit 0 on stdout, and it mentions its own options.
declare -A opts=(
	[backup]='--db --label --compress --no-compress --keep-last --no-prune --allow-empty --dir --wait'
	[list]='--json --dir'
	[show]='--json --dir'
	[verify]='--all --deep --dir'
	[restore]='--force --target --no-safety-backup --db --dir'
	[prune]='--dry-run --keep-last --keep-days --keep-daily --dir'
	[status]='--max-age --json --dir'
	[compare]='--db --dir'
)
for c in backup list show verify restore prune status compare; do
	run 0 "$c --help exits 0" "$DBKEEP" "$c" --help
	missing=
	for o in ${opts[$c]}; do grep -qe "$o" "$T/out" || missing="$missing $o"; done
	same "$c --help mentions its options" "$missing" ""
	grep_in "$c --help usage line names the command" "^Usage: .*$c" "$T/out"
done
run 0 "'dbkeep help restore' exits 0" "$DBKEEP" help restore
grep_in "'dbkeep help restore' shows restore's options" '--no-safety-backup' "$T/out"
# A user reading "Usage: backup [OPTION...]" would type "backup ..." and get
# "command not found": the usage line should name the program.
run 0 "backup --help" "$DBKEEP" backup --help
grep_in "backup --help usage line reads 'dbkeep backup'" '^Usage: dbkeep backup' "$T/out"

# Unknown command.
run 2 "an unknown command exits 2" "$DBKEEP" frobnicate
one_error "an unknown command is one dbkeep: line naming it" "frobnicate"

# Unknown option, missing argument, unexpected argument.
run 2 "an unknown option exits 2" "$DBKEEP" backup --frob --db chinook.db
one_error "an unknown option is one line naming it" "--frob"
run 2 "a missing option argument exits 2" "$DBKEEP" backup --db
one_error "a missing argument is one line naming the option" "--db"
run 2 "list with a stray argument exits 2" "$DBKEEP" list extra
one_error "a stray argument is named" "'extra'"
run 2 "a non-numeric number exits 2" "$DBKEEP" backup -Z abc --db chinook.db
one_error "a non-numeric value is named" "abc"

# Values out of range.
for z in 0 10; do
	run 2 "-Z $z is refused" "$DBKEEP" backup -Z "$z" --db chinook.db -d "$T/bk"
	one_error "-Z $z: the message names --compress" "compress"
done
# -1 is the "not given" marker inside dbkeep; typed by a user it must be
# refused like any other out-of-range value, not read as "use the default".
# (A folder of its own, so the check at the end stays about the others.)
run 2 "-Z -1 is refused" "$DBKEEP" backup -Z -1 --db chinook.db -d "$T/bk-neg"
one_error "-Z -1: the message names --compress" "compress"
run 2 "--keep-last -1 is refused" "$DBKEEP" backup --keep-last -1 --db chinook.db -d "$T/bk-neg"
one_error "--keep-last -1: the message names --keep-last" "keep-last"
run 2 "a non-numeric port is refused" "$DBKEEP" backup -p abc --db mydb -d "$T/bk"
one_error "the port message names the value" "port.*'abc'"
run 2 "port 0 is refused" "$DBKEEP" backup -p 0 --db mydb -d "$T/bk"
run 2 "port 70000 is refused" "$DBKEEP" backup -p 70000 --db mydb -d "$T/bk"
run 2 "a bad --kind is refused" "$DBKEEP" backup --kind weird --db chinook.db -d "$T/bk"
one_error "the --kind message names the value" "weird"
run 2 "an unknown --engine is refused" "$DBKEEP" backup --engine oracle --db chinook.db -d "$T/bk"
one_error "the engine message names it" "oracle"
DBKEEP_KEEP_LAST=many run 2 "a non-numeric DBKEEP_KEEP_LAST is refused" \
	"$DBKEEP" backup --db chinook.db -d "$T/bk"
one_error "the environment message names the variable" "DBKEEP_KEEP_LAST"
run 2 "backup with no database is refused" env -u DB_NAME -u PGDATABASE -u PGSERVICE \
	"$DBKEEP" backup -d "$T/bk"
one_error "it says how to name one" "--db"
run 2 "restore without a backup argument is refused" "$DBKEEP" restore -d "$T/bk" --force
one_error "it asks which backup" "which backup"
run 2 "verify N and --all together are refused" "$DBKEEP" verify 1 --all -d "$T/bk"

# None of the refusals above may have written a backup.
if [ -z "$(ls -A "$T/bk" 2>/dev/null | grep -v '^\.dbkeep\.lock$')" ]; then
	ok "no refused command wrote a backup"
else
	not_ok "no refused command wrote a backup"; ls -la "$T/bk" | sed 's/^/# /'
fi
echo "1..$tap_n"
