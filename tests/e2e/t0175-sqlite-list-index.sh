#!/usr/bin/env bash
# t0175-sqlite-list-index.sh - list and status keep what the manifests and
# .sha256 files say in the folder's .dbkeep.index, and never show stale
# facts from it: every change to a set's files (in place or by replacing
# them), a set removed, a damaged or planted index, gives the listing a
# fresh read would give.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
chinook_copy chinook.db
bk() { "$DBKEEP" backup --db chinook.db -q --no-prune "$@" </dev/null; }
# what list and list --json say, with the index as it is, and with none
listing() { "$DBKEEP" list </dev/null; "$DBKEEP" list --json </dev/null; }
fresh() {
	mkdir -p "$T/fresh"
	rm -rf "$T/fresh/backups"
	cp -a backups "$T/fresh/backups"
	rm -f "$T/fresh/backups/.dbkeep.index"
	(cd "$T/fresh" && listing) | sed "s|$T/fresh/|$T/|g"
}
agrees() { # agrees WHAT: the listing equals a fresh read's, twice over
	local a b
	a=$(listing)
	b=$(listing)
	same "$1: list agrees with a listing without the index" "$a" "$(fresh)"
	same "$1: and again from the index it just wrote" "$b" "$a"
}

for i in 1 2 3; do bk; sleep 1; done
f=$(ls backups/*.db.gz | head -1 | xargs basename)
run 0 "list of three sets" "$DBKEEP" list
check "list wrote the index" test -f backups/.dbkeep.index
same "the index is private (0600)" "$(stat -c %a backups/.dbkeep.index)" 600
same "the index has a header and one line per set" "$(wc -l <backups/.dbkeep.index)" 4
agrees "three sets"
run 0 "status" "$DBKEEP" status
grep_in "status counts three backups" "^3 backups" "$T/out"

ino=$(stat -c %i backups/.dbkeep.index)
check "(set-up) the index has an inode" test -n "$ino"
run 0 "list again" "$DBKEEP" list
same "an index that is up to date is not rewritten" "$(stat -c %i backups/.dbkeep.index)" "$ino"

# a database whose path holds a tab, a newline and a percent sign: its line
# must read back, or every listing would rewrite the index
odd=$(printf 'we%%ird\tna\nme.db')
cp chinook.db "$odd"
run 0 "backup of a database with a tab and a newline in its path" \
	"$DBKEEP" backup --db "$odd" -d oddbk -q --no-prune --label odd
run 0 "list of it" "$DBKEEP" list -d oddbk
ino=$(stat -c %i oddbk/.dbkeep.index)
check "(set-up) that index has an inode" test -n "$ino"
run 0 "list of it again" "$DBKEEP" list -d oddbk
same "its index line read back (the index was not rewritten)" "$(stat -c %i oddbk/.dbkeep.index)" "$ino"
grep_in "the path is kept escaped on one line" "we%25ird%09na%0Ame.db$" oddbk/.dbkeep.index

# ---- the manifest changed in place (same inode) ----------------------------
ino=$(stat -c %i "backups/$f.json")
cp "backups/$f.json" m.json
: >"backups/$f.json"
same "the manifest was emptied in place" "$(stat -c %i "backups/$f.json")" "$ino"
run 0 "list with an emptied manifest" "$DBKEEP" list
grep_in "list marks the set's manifest as bad" "^!.*$f.*bad manifest" "$T/out"
agrees "emptied manifest"
cat m.json >"backups/$f.json"
run 0 "list with the manifest written back" "$DBKEEP" list
check "the set is no longer marked" bash -c "! grep -q '^!' '$T/out'"
# the same size, other content: one table's entry blanked out (the
# manifest's tableCount then disagrees, which makes it bad)
sed 's/"Album": 347,/             /' m.json >m2.json
same "the edit keeps the size" "$(stat -c %s m2.json)" "$(stat -c %s m.json)"
cat m2.json >"backups/$f.json"
run 0 "list after a same-size edit" "$DBKEEP" list
grep_in "list sees the edit" "^!.*$f.*bad manifest" "$T/out"
agrees "same-size edit"
cat m.json >"backups/$f.json"

# ---- the .sha256 changed in place, then replaced -------------------------------
cp "backups/$f.sha256" s.sha256
sed 's/^./0/' s.sha256 | tr 0-9a-f 1-9a-f0 >s2.sha256
cat s2.sha256 >"backups/$f.sha256"
run 0 "list with a .sha256 edited in place" "$DBKEEP" list
grep_in "list says checksum mismatch" "^!.*$f.*checksum mismatch" "$T/out"
agrees "edited .sha256"
cp s.sha256 sha.tmp && mv sha.tmp "backups/$f.sha256"
run 0 "list with the .sha256 replaced by a good one" "$DBKEEP" list
check "no set is marked" bash -c "! grep -q '^!' '$T/out'"
rm "backups/$f.sha256"
run 0 "list with the .sha256 gone" "$DBKEEP" list
grep_in "list says .sha256 missing" "^!.*$f.*\.sha256 missing" "$T/out"
cp s.sha256 "backups/$f.sha256"

# ---- the data file: never from the index ----------------------------------------
cp "backups/$f" d.gz
truncate -s 100 "backups/$f"
run 0 "list with a truncated data file" "$DBKEEP" list
grep_in "list says size mismatch" "^!.*$f.*size mismatch" "$T/out"
grep_in "and shows the file's size" "^!.* 100 B .*$f" "$T/out"
agrees "truncated data"
rm "backups/$f"
run 0 "list with the data file gone" "$DBKEEP" list
grep_in "list says data missing" "^!.*$f.*data missing" "$T/out"
cp d.gz "backups/$f"

# ---- a set removed, a set added ----------------------------------------------------
g=$(ls backups/*.db.gz | tail -1 | xargs basename)
rm "backups/$g" "backups/$g.json" "backups/$g.sha256"
run 0 "list after a set was removed by hand" "$DBKEEP" list
check "the removed set is not listed" bash -c "! grep -q '$g' '$T/out'"
check "nor kept in the index" bash -c "! grep -q '$g' backups/.dbkeep.index"
agrees "removed set"
bk
agrees "added set"

# ---- a damaged, foreign or planted index ---------------------------------------------
good=$(listing)
for bad in garbage torn; do
	case $bad in
	garbage) head -c 3000 /dev/urandom >backups/.dbkeep.index ;;
	torn) "$DBKEEP" list >/dev/null </dev/null
		head -c $(($(stat -c %s backups/.dbkeep.index) - 7)) backups/.dbkeep.index >x.idx
		mv x.idx backups/.dbkeep.index ;;
	esac
	same "list with a $bad index is the same listing" "$(listing)" "$good"
	check "the $bad index was rewritten" grep -q "^dbkeep-index 1$" backups/.dbkeep.index
done
rm -f backups/.dbkeep.index
ln -s "$T/elsewhere" backups/.dbkeep.index
run 0 "list with the index a symlink" "$DBKEEP" list
check "the symlink's target was not created" test ! -e "$T/elsewhere"
check "the symlink was replaced by a file" test -f backups/.dbkeep.index -a ! -L backups/.dbkeep.index
same "and the listing is the same" "$(listing)" "$good"
check "no temporary index file is left" bash -c "! ls -A backups | grep -q '^\.dbkeep\.index\.'"
echo half >backups/.dbkeep.index.4242
run 0 "list, which tidies the folder" "$DBKEEP" list
check "removes the half-written index a killed list left" test ! -e backups/.dbkeep.index.4242

# ---- commands that act on sets read them whole, never from the index -----------------
"$DBKEEP" list >/dev/null </dev/null
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 { $10 = "manual" } { print }' \
	backups/.dbkeep.index >x.idx
cat x.idx >backups/.dbkeep.index
run 0 "show of a set whose index line says manual" "$DBKEEP" show "$f"
grep_in "show reads the manifest itself" "^kind: +scheduled" "$T/out"
rm backups/.dbkeep.index

echo "1..$tap_n"
