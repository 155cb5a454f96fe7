#!/usr/bin/env bash
# The admin's toolkit, used as a person would: the man page through man -l,
# completion through bash's compgen, the cron line through cron's /bin/sh,
# config jobs, hooks (and contrib's upload hook through rsync and rclone),
# the run log and syslog, the progress line, status --nagios / --json.
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
# Without --config: $DBKEEP_CONFIG, else /etc/dbkeep.conf when present (put
# there for the run, or bound over the machine's own in a mount namespace).
DBKEEP_CONFIG=$T/dbkeep.conf run 0 "DBKEEP_CONFIG names the file" "$DBKEEP" list
same "its [defaults] apply" 3 "$(grep -c 'db.gz' "$T/out")"
etc_run() { # etc_run CMD...: CMD sees $T/dbkeep.conf as /etc/dbkeep.conf
	if [ -e /etc/dbkeep.conf ]; then
		unshare -m sh -c 'mount --bind "$0" /etc/dbkeep.conf && exec "$@"' "$T/dbkeep.conf" "$@"
	else
		cp "$T/dbkeep.conf" /etc/dbkeep.conf &&
			trap 'rm -f /etc/dbkeep.conf; jobs -p | xargs -r kill 2>/dev/null; rm -rf "$T"' EXIT
		"$@"
		rm -f /etc/dbkeep.conf
	fi
}
run 0 "/etc/dbkeep.conf is read when present" etc_run "$DBKEEP" backup --job other -q
same "its job ran" 2 "$(ls "$T/jobs" | grep -c '^other_.*\.db\.gz$')"
DBKEEP_CONFIG=$T/none.conf run 2 "a DBKEEP_CONFIG that is missing is refused" "$DBKEEP" list
grep_in "naming the file" "none.conf" "$T/err"
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

# ---- off-site copies: contrib/dbkeep-upload as the hook -------------------------
# rsync and rclone both to local folders (a NAS mount, or rclone's local
# backend): what lands must pass sha256sum -c there, as the original does.
upload=$DBKEEP_SRC/contrib/dbkeep-upload
for tool in rsync rclone; do
	if ! command -v $tool >/dev/null; then
		not_ok "$tool is installed (package $tool)"
		continue
	fi
	run 0 "--on-success dbkeep-upload $tool copies the set" "$DBKEEP" backup --db "$T/app.db" \
		-d "$T/up-$tool" -q --on-success "'$upload' $tool '$T/offsite-$tool/app'"
	set=$(ls "$T/up-$tool" | grep '\.db\.gz$')
	same "$tool: data, checksum and manifest arrive" "$set $set.json $set.sha256" \
		"$(ls "$T/offsite-$tool/app" 2>/dev/null | xargs)"
	check "$tool: sha256sum -c accepts the copy" sh -c "cd '$T/offsite-$tool/app' && sha256sum -c --quiet '$set.sha256'"
	check "$tool: the copy is the backup, byte for byte" cmp "$T/up-$tool/$set" "$T/offsite-$tool/app/$set"
done
same "rsync keeps the copy's mode 0600" 600 "$(stat -c %a "$T/offsite-rsync/app/$(ls "$T/offsite-rsync/app" | head -1)")"
run 1 "an upload that fails fails the run" "$DBKEEP" backup --db "$T/app.db" -d "$T/up-rsync" -q \
	--on-success "'$upload' rsync '$T/app.db/not-a-folder'"
grep_in "naming the hook" "hook --on-success .*dbkeep-upload.* failed with status" "$T/err"
same "and the backup stays" 2 "$(ls "$T/up-rsync" | grep -c '\.db\.gz$')"
DBKEEP_FILE= run 2 "dbkeep-upload outside a hook says how to use it" "$upload" rsync "$T/x"
grep_in "naming what is missing" "DBKEEP_FILE is not set" "$T/err"

# ---- run log -----------------------------------------------------------------
run 0 "--log-file appends one line per run" "$DBKEEP" backup --db "$T/app.db" -d "$B" -q --log-file "$T/run.log"
"$DBKEEP" backup --db "$T/missing.db" -d "$B" -q --log-file "$T/run.log" 2>/dev/null
same "two runs, two lines" 2 "$(wc -l <"$T/run.log")"
grep_in "the success line has file, size and duration" "backup result=ok db=.*app.db file=.*\.db\.gz size=[0-9]+ duration=" "$T/run.log"
grep_in "the failure line has the error" "backup result=failed .*error=" "$T/run.log"

# ---- syslog: one line per run, ident dbkeep ----------------------------------
# The line goes to /dev/log as to any syslog daemon; socat listens there in
# the daemon's place: on /dev/log itself when nothing does (a container), or
# on a socket bound over it in a mount namespace of the run's own.
syslog_run() { # syslog_run CMD...: CMD's syslog lines end up in $T/syslog.out
	local listener
	: >"$T/syslog.out"
	if [ -e /dev/log ]; then
		rm -f "$T/log.sock"
		socat -u UNIX-RECV:"$T/log.sock" OPEN:"$T/syslog.out",append &
		listener=$!
		timeout 5 sh -c "until [ -S '$T/log.sock' ]; do sleep 0.05; done"
		unshare -m sh -c 'mount --bind "$0" /dev/log && exec "$@"' "$T/log.sock" "$@" \
			</dev/null >/dev/null 2>&1
	else
		socat -u UNIX-RECV:/dev/log OPEN:"$T/syslog.out",append &
		listener=$!
		timeout 5 sh -c "until [ -S /dev/log ]; do sleep 0.05; done"
		"$@" </dev/null >/dev/null 2>&1
		trap 'rm -f /dev/log; jobs -p | xargs -r kill 2>/dev/null; rm -rf "$T"' EXIT
	fi
	timeout 5 sh -c "until [ -s '$T/syslog.out' ]; do sleep 0.05; done"
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
	return 0
}
if command -v socat >/dev/null; then
	syslog_run "$DBKEEP" backup --db "$T/app.db" -d "$B" -q --syslog
	grep_in "--syslog sends the run line with the ident dbkeep" \
		"dbkeep\[[0-9]+\]: backup result=ok db=.*app.db file=.*\.db\.gz size=[0-9]+ duration=" "$T/syslog.out"
	syslog_run "$DBKEEP" backup --db "$T/missing.db" -d "$B" -q --syslog
	grep_in "a failed run is logged with its error" "dbkeep\[[0-9]+\]: backup result=failed .*error=" "$T/syslog.out"
	same "at priority daemon.err (<27>)" 1 "$(grep -c '^<27>' "$T/syslog.out")"
else
	not_ok "socat is installed (package socat)"
fi

# ---- progress: on a terminal only -------------------------------------------------
# script(1) gives dbkeep a terminal; the line is redrawn with \r and cleared
# at the end, so the captured bytes hold it.
timeout 60 script -qec "'$DBKEEP' backup --db '$T/app.db' -d '$T/prog' --no-prune" /dev/null >"$T/tty.out" 2>&1
grep_in "on a terminal, backup shows bytes, percent and rate" \
	"backed up [0-9.]+ MiB of [0-9.]+ MiB \([0-9]+%\)(, ETA [0-9:]+)?, [0-9.]+ MiB/s" "$T/tty.out"
timeout 60 script -qec "'$DBKEEP' restore 1 -d '$T/prog' --db '$T/prog.db' --force" /dev/null >"$T/tty.out" 2>&1
grep_in "and so does restore" "restored [0-9.]+ MiB of [0-9.]+ MiB \([0-9]+%\)" "$T/tty.out"
run 0 "without a terminal" "$DBKEEP" backup --db "$T/app.db" -d "$T/prog" --no-prune
same "no progress is written" "" "$(grep -c 'MiB/s' "$T/out" "$T/err" | grep -v ':0$')"

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
