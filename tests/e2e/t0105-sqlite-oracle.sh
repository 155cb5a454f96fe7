#!/usr/bin/env bash
# t0105-sqlite-oracle.sh - dbkeep backup + restore judged from outside by the
# shared SQLite round-trip oracle (dump text, header, schema, every row and
# rowid byte for byte), on Chinook, on WAL databases whose committed rows are
# only in a hot -wal, and on a database with everything odd SQLite allows.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
ORACLE=$TOOLS/sqlite-roundtrip
BACKUP="$DBKEEP backup --db {src} -d {dir}/bk -q && cp \"\$(ls {dir}/bk/*.gz)\" {file}"
RESTORE="$DBKEEP restore 1 -d {dir}/bk --db {dst} --force -q"
rt_n=0

# roundtrip DESC DB [BACKUP [RESTORE]]: the oracle passes.
roundtrip() {
	local desc=$1 db=$2 b=${3:-$BACKUP} r=${4:-$RESTORE}
	rt_n=$((rt_n + 1))
	if KEEP=1 WORKDIR=$T/rt$rt_n "$ORACLE" "$db" "$b" "$r" >"$T/rt$rt_n.log" 2>&1; then ok "$desc"; else
		not_ok "$desc (oracle exit $?)"
		grep -vE '^\s*\[ok\]' "$T/rt$rt_n.log" | head -25 | sed 's/^/# /'
	fi
}
last_manifest() { ls "$T/rt$rt_n"/bk/*.json | head -1; }

# ---- Chinook -------------------------------------------------------------
chinook_copy chinook.db
roundtrip "Chinook: backup, restore 1 into a new file" chinook.db
same "Chinook: manifest integrity ok" "$(manifest_get "$(last_manifest)" '$.integrity')" ok
# ---- a hot WAL left by a writer that still holds its connection ---------
# The writer commits 500 rows with automatic checkpoints off and keeps its
# connection open, so those rows exist only in wal.db-wal.
sqlite3 wal.db "pragma journal_mode=wal; create table acct(id integer primary key, v text);
	insert into acct(v) select 'base' || value from generate_series(1, 100);" >/dev/null
sql_open writer wal.db
sql_do writer "pragma wal_autocheckpoint=0;
	insert into acct(v) select 'in-wal-' || value || '-' || hex(randomblob(20)) from generate_series(1, 500);
	create table only_in_wal(x); insert into only_in_wal values (1),(2),(3);" >/dev/null
cp wal.db main-only.db
same "(set-up) the main file alone has only the 100 checkpointed rows" \
	"$(sqlite3 main-only.db 'select count(*) from acct')" 100
same "(set-up) with the -wal there are 600" \
	"$(cp wal.db walcopy.db && cp wal.db-wal walcopy.db-wal && sqlite3 walcopy.db 'select count(*) from acct')" 600
roundtrip "WAL with a live writer: rows only in the -wal come back" wal.db
same "WAL: manifest method is wal-snapshot" "$(manifest_get "$(last_manifest)" '$.method')" wal-snapshot
same "WAL: manifest counts 600 rows in acct" "$(manifest_get "$(last_manifest)" '$.tables.acct')" 600
same "WAL: the writer's connection still works and sees 600 rows" \
	"$(sql_do writer 'select count(*) from acct;')" 600

# The same state frozen: db and -wal copied while the writer is open, so
# the copy has a hot WAL and nobody connected (the state after a crash).
cp wal.db frozen.db && cp wal.db-wal frozen.db-wal
sql_close writer
check "(set-up) frozen.db-wal is not empty" test -s frozen.db-wal
# Restored from the bare .gz copied out of the folder, without its manifest:
# what a user does with a backup copied elsewhere.
roundtrip "WAL left hot by a crash (db + -wal, no -shm), restored from a bare .gz path" frozen.db \
	"$BACKUP" "$DBKEEP restore {file} -d {dir}/other --db {dst} --force -q"

# ---- everything odd -------------------------------------------------------
sqlite3 odd.db >/dev/null <<'EOF'
pragma page_size=8192;
pragma user_version=42;
pragma application_id=1145194320;
create table "we""ird table" ("col one" text, "ü" blob);
insert into "we""ird table" values ('a', x'00ff00'), (null, randomblob(100000)),
	('multi
line', zeroblob(5)), ('', x'');
create table "日本語 テーブル" (id integer primary key autoincrement, v text, r real,
	g as (v || '!') stored);
insert into "日本語 テーブル"(v, r) values ('こんにちは', 0.1), ('x', 1e308), ('y', -0.0),
	(cast(x'6100620063' as text), 3.141592653589793), ('z', 5e-324);
delete from "日本語 テーブル" where v = 'x';
create table wr (k text primary key, v) without rowid;
insert into wr values ('b', 2), ('a', x'01'), ('c', null);
create table "new
line" (x);
insert into "new
line" values (1);
create table sparse (x);
insert into sparse(rowid, x) values (-5, 'neg'), (1, 'one'), (9223372036854775807, 'max');
create index "idx ü" on wr(v);
create view "a view" as select * from wr where v is not null;
create table log (msg text, at integer);
create trigger trg after insert on wr begin insert into log values (new.k, 1); end;
insert into wr values ('d', 4);
create virtual table docs using fts5(title, body);
insert into docs values ('hello', 'the quick brown fox'), ('bye', 'lazy dog');
create table big (id integer primary key, b blob);
insert into big select value, randomblob(3000) from generate_series(1, 200);
analyze;
EOF
same "(set-up) odd.db has page_size 8192" "$(sqlite3 odd.db 'pragma page_size')" 8192
roundtrip "odd database: quoted/unicode names, blobs, NULs, WITHOUT ROWID, views, triggers, FTS5, header fields" odd.db
m=$(last_manifest)
same "odd: the manifest names the unicode table" \
	"$(manifest_get "$m" '$.tables."日本語 テーブル"')" 4
same "odd: the manifest counts the quoted table" \
	"$(sqlite3 :memory: "select value from json_each(json_extract(readfile('$m'),'\$.tables')) where key = 'we\"ird table'")" 4

# A table name that is not valid UTF-8 (SQLite stores any bytes): the
# manifest cannot hold it as is, yet the backup must still restore.
bad=$(printf 'bad\xff')
sqlite3 latin.db "create table t(x); insert into t values (1);
	create table \"$bad\"(y); insert into \"$bad\" values (1), (2);"
roundtrip "a table name that is not UTF-8 round-trips" latin.db
echo "1..$tap_n"
