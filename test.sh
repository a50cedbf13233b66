#!/usr/bin/env bash
# Runs every test of Xieshang: unit, HTTP on SQLite and on PostgreSQL, and browser tests in Chromium.
# Installs what the tests need when it is missing (PostgreSQL server, Chromium and nginx, from the
# distribution's packages), starts a throwaway PostgreSQL cluster in a temporary folder, runs
# `dotnet test` on the solution, and stops the cluster whatever happens.
# Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"

need=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
# nginx for the fault tests (tests/Xieshang.Tests/Deployment), which run it with deploy/nginx/xieshang.conf.
[ -x /usr/sbin/nginx ] || need+=(nginx)
# A CJK font, so that the browser tests' screenshots show Chinese text rather than empty boxes.
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]} from the distribution's packages"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# Throwaway cluster: a temp folder, a free port on loopback, trust auth for the test user.
pgdir=$(mktemp -d /tmp/xs-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 55432)
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb and postgres refuse to run as root: run them as the distribution's postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --home "$pgdir" postgres
  chown postgres "$pgdir"
  run_as=(runuser -u postgres --)
fi
"${run_as[@]}" "$pg_bin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
stop_pg() { "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap stop_pg EXIT
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export XIESHANG_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Maximum Pool Size=20"
export XIESHANG_CHROMIUM=/usr/bin/chromium
echo "test.sh: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $port; Chromium at $XIESHANG_CHROMIUM"

dotnet test Xieshang.slnx "$@"
