#!/bin/bash
# The isolated measurement of decision 41 (docs/benchmarks.md): one new PostgreSQL cluster (the embedded binary
# zonky unpacked under /tmp/embedded-pg, run as nobody), 45 s of pgbench at 1,000 commits/s of ~3.5 KB each, and the
# commits over 15 ms with when they happened. Needs pgbench and psql (Debian postgresql-client / postgresql-15).
# Usage, as root: wal-pgbench.sh NAME MIN_WAL_SIZE PREPARE(yes|no) PORT   e.g.  wal-pgbench.sh a 80MB no 45432
# one fresh cluster: $1 = name, $2 = min_wal_size, $3 = prepare (yes/no), $4 = port
set -e
PGB=$(ls -d /tmp/embedded-pg/PG-*/bin)
D=/tmp/walbench/$1
rm -rf $D; mkdir -p $D; chown nobody $D
runuser -u nobody -- $PGB/initdb -D $D/pg -U postgres -A trust >/dev/null
runuser -u nobody -- $PGB/pg_ctl -D $D/pg -l $D/log -o "-p $4 -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=256MB -c wal_buffers=16MB -c min_wal_size=$2 -c listen_addresses=localhost" start >/dev/null
sleep 1
P="psql -h localhost -p $4 -U postgres -d postgres -qAt"
$P -c "CREATE TABLE t (id bigserial PRIMARY KEY, pad text); ALTER TABLE t ALTER COLUMN pad SET STORAGE PLAIN"
if [ "$3" = yes ]; then
  s=$(date +%s.%N)
  for i in $(seq 1 63); do $P -c "SELECT pg_logical_emit_message(false,'x','')" -c "SELECT pg_switch_wal()" >/dev/null; done
  $P -c "CHECKPOINT"
  echo "prepared in $(echo "$(date +%s.%N) - $s" | bc) s"
fi
echo "wal files: $($P -c "SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}\$'")"
echo "INSERT INTO t(pad) VALUES (repeat(md5(random()::text), 110));" > $D/tx.sql
cd $D && /usr/lib/postgresql/15/bin/pgbench -h localhost -p $4 -U postgres -n -c 4 -j 2 -R 1000 -T 45 -f tx.sql -l --log-prefix=$D/lat postgres 2>&1 | grep -E "latency|tps|lag" 
echo "wal files after: $($P -c "SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}\$'") wal bytes: $($P -c "SELECT wal_bytes FROM pg_stat_wal")"
runuser -u nobody -- $PGB/pg_ctl -D $D/pg stop -m fast >/dev/null
python3 - $D <<'PY'
import sys,glob
lat=[];
for f in glob.glob(sys.argv[1]+'/lat*'):
    for l in open(f):
        p=l.split()
        lat.append((int(p[4])+int(p[5])/1e6, int(p[2])/1000.0))
lat.sort()
v=sorted(x[1] for x in lat)
n=len(v)
print("n %d p50 %.2f p99 %.2f p99.9 %.2f max %.2f ms" % (n, v[n//2], v[int(n*0.99)], v[int(n*0.999)], v[-1]))
t0=lat[0][0]
slow=[ (round(t-t0,1),round(ms,1)) for t,ms in lat if ms>15]
print("commits over 15 ms: %d; first ones at (s, ms):" % len(slow), slow[:12])
PY
