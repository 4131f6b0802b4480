#!/usr/bin/env bash
# A local PostgreSQL for the test suites, on a Debian machine: installs Debian's `postgresql` if
# missing, creates a cluster if there is none, starts it on 127.0.0.1 whether or not it runs
# already, and makes a role `headroom` (LOGIN CREATEDB, password `headroom`) for the tests.
# Sets HEADROOM_TEST_POSTGRES_URL. Sourced by .ci/run; a developer may run
#   eval "$(bash .ci/postgres.sh)"
# to get the same export in their shell (it prints only the export line on stdout).
set -euo pipefail

headroom_postgres() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi

  if command -v pg_lsclusters >/dev/null 2>&1 && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    echo "PostgreSQL is installed: $(compgen -G '/usr/lib/postgresql/*/bin/postgres' | tr '\n' ' ')"
  else
    echo "PostgreSQL is missing: installing Debian's postgresql"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
  fi

  local cluster version name port status
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 { print $1, $2, $3, $4 }')
  if [ -z "$cluster" ]; then
    version=$(compgen -G '/usr/lib/postgresql/*/bin/postgres' | sed -E 's#^/usr/lib/postgresql/([^/]+)/.*#\1#' | sort -V | tail -n 1)
    echo "no PostgreSQL cluster: creating $version/main"
    "${sudo[@]}" pg_createcluster "$version" main
    cluster=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" { print $1, $2, $3, $4 }')
  fi
  read -r version name port status <<<"$cluster"
  echo "PostgreSQL cluster $version/$name, port $port: $status"
  if [ "$status" != online ]; then
    if ! "${sudo[@]}" pg_ctlcluster "$version" "$name" start; then
      echo "PostgreSQL did not start; its log ends with:"
      tail -n 30 "/var/log/postgresql/postgresql-$version-$name.log" || true
      return 1
    fi
  fi
  local i
  for i in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$port"; then break; fi
    sleep 0.5
  done
  pg_isready -h 127.0.0.1 -p "$port"

  # Peer authentication as the postgres OS user over the local socket; idempotent.
  (cd / && "${sudo[@]}" runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -q -c "
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'headroom') THEN
    CREATE ROLE headroom LOGIN CREATEDB PASSWORD 'headroom';
  ELSE
    ALTER ROLE headroom LOGIN CREATEDB PASSWORD 'headroom';
  END IF;
END \$\$;
-- Test cleanup drops its databases WITH (FORCE), which must end an autovacuum worker still in them.
GRANT pg_signal_backend TO headroom;")
  HEADROOM_TEST_POSTGRES_URL="postgres://headroom:headroom@127.0.0.1:$port/postgres"
  export HEADROOM_TEST_POSTGRES_URL
  psql "$HEADROOM_TEST_POSTGRES_URL" -v ON_ERROR_STOP=1 -qAt -c 'select version()'
  echo "HEADROOM_TEST_POSTGRES_URL=postgres://headroom:***@127.0.0.1:$port/postgres"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run directly: progress to stderr, the export line alone on stdout.
  headroom_postgres >&2
  echo "export HEADROOM_TEST_POSTGRES_URL=$HEADROOM_TEST_POSTGRES_URL"
fi
