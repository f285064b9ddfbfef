#!/bin/sh
# The streaming replica: on first start, clone the primary with pg_basebackup -R (which writes
# primary_conninfo and standby.signal), then run postgres as a hot standby.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres-primary -U "$POSTGRES_USER" -q; do sleep 1; done
  export PGPASSWORD="$REPLICATION_PASSWORD"
  pg_basebackup -h postgres-primary -U replicator -D "$PGDATA" -R -X stream -P
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
