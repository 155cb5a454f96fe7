#!/usr/bin/env bash
# The admin's toolkit, used as a person would: the man page through man -l,
# completion through bash's compgen, the cron line through cron's /bin/sh,
# config jobs, hooks, the run log, status --nagios / --json.
. "$(dirname "$0")/lib.sh"

B=$T/bk
chinook_copy "$T/app.db"

# ---- man page ---------------------------------------------------------------
man_page=$DBKEEP_SRC/doc/dbkeep.1
groff -ww -mandoc -Tutf8 "$man_page" >"$T/man.txt" 2>"$T/man.err"
same "groff -ww renders the man page without warnings" "" "$(cat "$T/man.err")"
MANWIDTH=80 man -l "$man_page" >"$T/man.txt" 2>"$T/man.err"
same "man -l renders without warnings" "" "$(cat "$T/man.err")"
for word in backup list show verify restore prune status compare DB_PASSWORD DBKEEP_DIR \
	--keep-daily --force "EXIT STATUS" RECOVERY; do
	grep -q -- "$word" "$T/man.txt" || missing="${missing:-} $word"
done
same "the man page covers every command, the environment and recovery" "" "${missing:-}"

# ---- bash completion -----------------------------------------------------
complete_words() { # complete_words WORD...: what completion offers for the last word
	PATH=$(dirname "$DBKEEP"):$PATH bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_dbkeep; printf "%s\n" "${COMPREPLY[@]}"' _ "$DBKEEP_SRC/contrib/dbkeep.bash-completion" "$@"
}
same "completion offers the commands" "restore" "$(complete_words dbkeep res)"
grep -q -- "--keep-daily" <(complete_words dbkeep backup --keep-d) && ok "completion offers backup options" ||
	not_ok "completion offers backup options"
"$DBKEEP" backup --db "$T/app.db" -d "$B" -q
"$DBKEEP" backup --db "$T/app.db" -d "$B" -q
same "completion offers backup numbers for restore" "1 2" "$(complete_words dbkeep restore -d "$B" '' | sort | xargs)"

# ---- the cron line, through the shell cron uses ----------------------------
cronline=$(grep -m1 'dbkeep backup' "$DBKEEP_SRC/contrib/dbkeep.cron" | sed 's/^[^a-z]*root  //')
check "the example cron line parses (sh -n)" sh -n -c "$cronline"
env -i PATH=/usr/bin:/bin HOME=/root SHELL=/bin/sh /bin/sh -c \
	"cd '$T' && '$DBKEEP' backup --db app.db -d cronbk --keep-daily 14 -q >>'$T/cron.log' 2>&1"
same "a backup under cron's bare environment succeeds" 0 $?
same "and prints nothing with -q" "" "$(cat "$T/cron.log")"
same "the backup is there" 1 "$(ls "$T/cronbk" | grep -c '\.db\.gz$')"

# ---- config file and jobs --------------------------------------------------
cp "$T/app.db" "$T/other.db"
cat >"$T/dbkeep.conf" <<CONF
[defaults]
dir = $T/jobs
keep-last = 2

[app]
db = $T/app.db
label = app

[other]
db = $T/other.db
no-prune = yes
CONF
run 0 "backup --all-jobs backs up every job" "$DBKEEP" backup --config "$T/dbkeep.conf" --all-jobs -q
same "one backup per job" "app other" "$(ls "$T/jobs" | sed -n 's/_2[0-9_]*\.db\.gz$//p' | sort | xargs)"
run 0 "backup --job app runs one job" "$DBKEEP" backup --config "$T/dbkeep.conf" --job app -q
run 0 "list takes dir from [defaults]" "$DBKEEP" list --config "$T/dbkeep.conf"
same "list shows the three backups" 3 "$(grep -c 'db.gz' "$T/out")"
run 2 "an unknown job is refused" "$DBKEEP" backup --config "$T/dbkeep.conf" --job nope
grep_in "naming it" "no job 'nope'" "$T/err"
echo "colour = blue" >>"$T/dbkeep.conf"
run 2 "an unknown key is refused" "$DBKEEP" list --config "$T/dbkeep.conf"
grep_in "naming the key and line" "line 1[0-9]: unknown key 'colour'" "$T/err"

# ---- hooks ------------------------------------------------------------------
run 0 "--on-success runs with the backup in DBKEEP_*" "$DBKEEP" backup --db "$T/app.db" -d "$B" -q \
	--on-success "echo \"\$DBKEEP_STATUS|\$DBKEEP_ENGINE|\$DBKEEP_FILE|\${DB_PASSWORD:-none}\" >'$T/hook.out'"
grep_in "the hook saw status, engine and file" '^success\|sqlite\|.*app_[0-9_]*\.db\.gz\|none$' "$T/hook.out"
n_before=$(ls "$B" | grep -c '\.db\.gz$')
DB_PASSWORD=hunter2 run 1 "a failing hook fails the run" "$DBKEEP" backup --db "$T/app.db" -d "$B" --on-success "exit 7"
grep_in "the failure names the hook and its status" "hook --on-success 'exit 7' failed with status 7" "$T/err"
same "the backup is kept despite the hook" $((n_before + 1)) "$(ls "$B" | grep -c '\.db\.gz$')"
run 1 "--on-failure runs after a failed backup" "$DBKEEP" backup --db "$T/missing.db" -d "$B" \
	--on-failure "echo \"\$DBKEEP_STATUS: \$DBKEEP_ERROR\" >'$T/fail.out'"
grep_in "with the error" "^failure: .*missing.db" "$T/fail.out"

# ---- run log -----------------------------------------------------------------
run 0 "--log-file appends one line per run" "$DBKEEP" backup --db "$T/app.db" -d "$B" -q --log-file "$T/run.log"
"$DBKEEP" backup --db "$T/missing.db" -d "$B" -q --log-file "$T/run.log" 2>/dev/null
same "two runs, two lines" 2 "$(wc -l <"$T/run.log")"
grep_in "the success line has file, size and duration" "backup result=ok db=.*app.db file=.*\.db\.gz size=[0-9]+ duration=" "$T/run.log"
grep_in "the failure line has the error" "backup result=failed .*error=" "$T/run.log"

# ---- monitoring -------------------------------------------------------------
run 0 "status --nagios is OK for a fresh backup" "$DBKEEP" status -d "$B" --nagios --max-age 24
grep_in "in the plugin format with perfdata" "^DBKEEP OK - .*\| age=[0-9]+s;;86400 count=[0-9]+ size=[0-9]+B$" "$T/out"
run 2 "status --nagios is CRITICAL without backups" "$DBKEEP" status -d "$T/none" --nagios
grep_in "saying so" "^DBKEEP CRITICAL - no backups" "$T/out"
m=$(ls -t "$B"/*.db.gz.json | head -1)
old=$(( $(date +%s) - 30 * 3600 ))
sqlite3 :memory: "select writefile('$m', json_set(readfile('$m'), '\$.createdEpoch', $old, '\$.createdAt', strftime('%Y-%m-%dT%H:%M:%SZ', $old, 'unixepoch')))" >/dev/null
for f in "$B"/*.db.gz.json; do [ "$f" = "$m" ] || { rm -f "$f" "${f%.json}" "${f%.json}.sha256"; }; done
run 1 "status --nagios WARNING past --warn-age" "$DBKEEP" status -d "$B" --nagios --warn-age 24 --max-age 48
run 2 "status --nagios CRITICAL past --max-age" "$DBKEEP" status -d "$B" --nagios --max-age 24
run 1 "status --max-age fails for a stale backup" "$DBKEEP" status -d "$B" --max-age 24
run 1 "status --json still exits 1 when stale" "$DBKEEP" status -d "$B" --json --max-age 24
same "status --json reports the age" 1 "$(sqlite3 :memory: "select json_extract('$(tr -d '\n' <"$T/out")', '\$.latest.age') >= 30*3600")"

# ---- systemd units -------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$T/units"
	sed "s|/usr/local/bin/dbkeep|$DBKEEP|" "$DBKEEP_SRC/contrib/dbkeep.service" >"$T/units/dbkeep.service"
	cp "$DBKEEP_SRC/contrib/dbkeep.timer" "$T/units/"
	check "systemd-analyze verify accepts the service and timer" \
		systemd-analyze verify --man=no "$T/units/dbkeep.service" "$T/units/dbkeep.timer"
	grep_in "the timer catches up missed runs" "^Persistent=true" "$T/units/dbkeep.timer"
else
	not_ok "systemd-analyze is installed (package systemd)"
fi

# ---- make install / uninstall honour DESTDIR and prefix -------------------------
if [ -f "$DBKEEP_BUILD/Makefile" ]; then
	make -s -C "$DBKEEP_BUILD" install DESTDIR="$T/inst" prefix=/opt/dbk >/dev/null 2>&1
	check "make install puts the binary under DESTDIR/prefix" test -x "$T/inst/opt/dbk/bin/dbkeep"
	check "and the man page" test -f "$T/inst/opt/dbk/share/man/man1/dbkeep.1"
	make -s -C "$DBKEEP_BUILD" uninstall DESTDIR="$T/inst" prefix=/opt/dbk >/dev/null 2>&1
	same "make uninstall removes both" 0 "$(find "$T/inst" -type f | wc -l)"
fi
