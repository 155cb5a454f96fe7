#!/usr/bin/env bash
# Secrets stay secret: a password given in DB_PASSWORD appears in no file of
# the backup folder, no output line and no error; bad ports and unreachable
# hosts fail fast with one clear line.
. "$(dirname "$0")/lib.sh"
need_pg

B=$T/bk
secret="S3cr3t-$(date +%s%N)"
pg -d postgres -c "DROP ROLE IF EXISTS keeper" -c "CREATE ROLE keeper LOGIN SUPERUSER PASSWORD '$secret'" >/dev/null
pg_recreate vault
pg -d vault -c "CREATE TABLE t (a int); INSERT INTO t VALUES (1)" >/dev/null

(unset PGPASSWORD PGUSER; DB_USER=keeper DB_PASSWORD=$secret DB_NAME=vault \
	"$DBKEEP" backup -d "$B" -v >"$T/out" 2>"$T/err")
same "backup with DB_PASSWORD succeeds" 0 $?
same "the password is in no file under the backup folder" "" "$(grep -rl -- "$secret" "$B" ; gunzip -c "$B"/*.gz | grep -c -- "$secret" | grep -v '^0$')"
same "the password is in no output line" "" "$(grep -l -- "$secret" "$T/out" "$T/err")"

(unset PGPASSWORD PGUSER; DB_USER=keeper DB_PASSWORD=wrong-$secret DB_NAME=vault \
	"$DBKEEP" backup -d "$B" >"$T/out" 2>"$T/err")
same "a wrong password fails" 1 $?
same "the wrong password is not echoed" "" "$(grep -l -- "wrong-$secret" "$T/out" "$T/err")"

run 2 "a port that is not a number is refused" "$DBKEEP" backup --db vault -p 54x32 -d "$B"
grep_in "the message names the port" "port '54x32'" "$T/err"
# A local port that accepts nothing: the connection can only end by the
# connect timeout (no outside address is ever tried).
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0,
	Listen => 1, ReuseAddr => 1) or die; $| = 1; print $s->sockport, "\n"; sleep 120' >"$T/silent.port" &
for i in $(seq 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
start=$(date +%s)
run 1 "a server that never answers fails" "$DBKEEP" backup --db vault -H 127.0.0.1 -p "$(cat "$T/silent.port")" --connect-timeout 2 -d "$B"
same "within the connect timeout, not a hang" 1 "$(( $(date +%s) - start < 10 ))"
pg -d postgres -c "DROP ROLE keeper" >/dev/null
