#!/usr/bin/env bash
# t0170-sqlite-verify.sh - dbkeep verify finds every kind of damage a user
# can meet (a flipped byte, a missing file, a truncated file whose
# checksums were taken after the damage), names the file and the problem,
# and exits 1; list marks the damaged sets; --all and --deep.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy chinook.db
bk() { "$DBKEEP" backup --db chinook.db -q --no-prune "$@" </dev/null; }
newest() { ls -t backups/*.json | head -1 | xargs basename | sed 's/\.json$//'; }
flip() { # flip FILE OFFSET: changes the byte at OFFSET
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $(((b + 1) % 256)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

bk
f=$(newest)
run 0 "verify of a good backup exits 0" "$DBKEEP" verify
grep_in "verify says ok and names the file" "^ok +$f" "$T/out"
run 0 "verify 1 --deep exits 0" "$DBKEEP" verify 1 --deep
grep_in "--deep reports the integrity check ok" "^ok +$f.* ok$" "$T/out"
run 0 "verify by file name" "$DBKEEP" verify "$f"
run 0 "verify by path" "$DBKEEP" verify "$T/backups/$f"
run 0 "verify -q of a good backup prints nothing" "$DBKEEP" verify -q
same "verify -q: stdout empty" "$(cat "$T/out")" ""

# ---- a flipped byte --------------------------------------------------------
cp "backups/$f" good.gz
flip "backups/$f" $(($(stat -c %s "backups/$f") / 2))
run 1 "verify of a backup with a flipped byte exits 1" "$DBKEEP" verify
grep_in "the output names the file" "$f" "$T/out"
grep_in "the output says checksum" "checksum" "$T/out"
grep_in "stderr sums it up" "^dbkeep: 1 of 1 backups failed" "$T/err"
run 1 "verify --deep of it exits 1 too" "$DBKEEP" verify --deep
cp good.gz "backups/$f"
run 0 "after putting the good file back verify passes" "$DBKEEP" verify

# The same with an uncompressed backup (no gzip CRC to help).
bk -n
p=$(newest)
flip "backups/$p" 50000
run 1 "verify of an uncompressed backup with a flipped byte exits 1" "$DBKEEP" verify "$p"
grep_in "it names the file and says checksum" "$p.*checksum" "$T/out"
rm -f "backups/$p" "backups/$p.sha256" "backups/$p.json"

# ---- a missing data file ----------------------------------------------------
mv "backups/$f" aside.gz
run 1 "verify of a set whose data file is gone exits 1" "$DBKEEP" verify
grep_in "it names the data file as missing" "$f.*missing" "$T/out"
run 0 "list still lists it" "$DBKEEP" list
grep_in "list marks it with '!' and says data missing" "^!.*$f.*data missing" "$T/out"
run 1 "status fails when the newest backup is damaged" "$DBKEEP" status
mv aside.gz "backups/$f"

# ---- a missing .sha256 -------------------------------------------------------
mv "backups/$f.sha256" aside.sha256
run 1 "verify of a set without its .sha256 exits 1" "$DBKEEP" verify
grep_in "it names the .sha256 file" "$f\.sha256.*missing" "$T/out"
run 0 "list after removing the .sha256" "$DBKEEP" list
grep_in "list marks it" "^!.*$f.*\.sha256 missing" "$T/out"
mv aside.sha256 "backups/$f.sha256"

# ---- a .sha256 that disagrees -------------------------------------------------
cp "backups/$f.sha256" aside.sha256
sed -i 's/^./0/; s/^0\(.\)/0\1/' "backups/$f.sha256"
[ "$(cut -c1 aside.sha256)" = 0 ] && sed -i 's/^./1/' "backups/$f.sha256"
run 1 "verify with a wrong .sha256 exits 1" "$DBKEEP" verify
grep_in "it says the .sha256 disagrees" "checksum.*$f\.sha256" "$T/out"
run 0 "list after corrupting the .sha256" "$DBKEEP" list
grep_in "list marks it (checksum mismatch)" "^!.*$f.*checksum mismatch" "$T/out"
check "sha256sum -c rejects it too" bash -c "cd backups && ! sha256sum -c --status '$f.sha256'"
cp aside.sha256 "backups/$f.sha256"

# ---- truncated, with checksums taken after the damage ------------------------
size=$(stat -c %s good.gz)
head -c $((size - 4096)) good.gz >"backups/$f"
sum=$(sha256sum "backups/$f" | cut -d' ' -f1)
echo "$sum  $f" >"backups/$f.sha256"
sqlite3 :memory: "select writefile('backups/$f.json', json_set(readfile('backups/$f.json'),
	'\$.sha256', '$sum', '\$.storedBytes', $((size - 4096))))" >/dev/null
check "(set-up) sha256sum -c accepts the truncated file" bash -c "cd backups && sha256sum -c --status '$f.sha256'"
run 1 "verify of a truncated gzip exits 1" "$DBKEEP" verify "$f"
grep_in "it names the file and says truncated" "$f.*truncated" "$T/out"
cp good.gz "backups/$f"
cp aside.sha256 "backups/$f.sha256"
sqlite3 :memory: "select writefile('backups/$f.json', json_set(readfile('backups/$f.json'),
	'\$.sha256', '$(cut -d' ' -f1 aside.sha256)', '\$.storedBytes', $size))" >/dev/null
run 0 "repaired, it verifies again" "$DBKEEP" verify "$f"

# ---- --all -----------------------------------------------------------------
bk
bk
sqlite3 chinook.db "delete from Track where TrackId > 3000"
"$DBKEEP" restore 3 --force -q </dev/null
same "(set-up) 3 regular backups and 1 safety backup" \
	"$(ls backups/*.json | grep -vc preRestore) $(ls backups/*.json | grep -c preRestore)" "3 1"
run 0 "verify --all exits 0 when all are good" "$DBKEEP" verify --all
same "verify --all checks every backup, safety ones included" "$(grep -c '^ok ' "$T/out")" 4
mid=$(ls backups/*.db.gz | grep -v preRestore | sort | sed -n 2p | xargs basename)
flip "backups/$mid" 1000
run 1 "verify --all exits 1 when one is damaged" "$DBKEEP" verify --all
same "verify --all still checks all four" "$(grep -cE '^(ok|FAILED) ' "$T/out")" 4
grep_in "it names the damaged one" "^FAILED +$mid" "$T/out"
same "and only that one fails" "$(grep -c '^FAILED' "$T/out")" 1
grep_in "stderr: 1 of 4 failed" "1 of 4 backups failed" "$T/err"
run 0 "verify of another one still passes" "$DBKEEP" verify 1
run 1 "verify of an empty folder exits 1" "$DBKEEP" verify --all -d empty
run 2 "verify 9 (no such backup) is refused like restore 9" "$DBKEEP" verify 9
grep_in "the message names number 9" "number 9" "$T/err"
echo "1..$tap_n"
