#!/usr/bin/env bash
# Runs a benchmark of Xieshang.Bench against the committed app, isolated from uncommitted work in the tree:
# exports a commit (HEAD, or XIESHANG_BENCH_REV) into a temporary folder, puts this working tree's bench/ in it,
# builds in Release there and runs. Arguments go to the bench: `bench/run.sh import`, `bench/run.sh members --duration 20`,
# `bench/run.sh province --committees 100 --members 20000 --years 5`, `bench/run.sh plenary --instances both --minutes 10`.
# (`dotnet run -c Release --project bench/Xieshang.Bench -- …` runs the same against the working tree as it is.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rev=${XIESHANG_BENCH_REV:-HEAD}
snap=$(mktemp -d /tmp/xs-bench-src.XXXXXX)
trap 'rm -rf "$snap"' EXIT
git -C "$root" archive "$rev" | tar -x -C "$snap"
rm -rf "$snap/bench"
mkdir -p "$snap/bench"
(cd "$root/bench" && tar -c --exclude=bin --exclude=obj .) | tar -x -C "$snap/bench"
if [ "${1:-}" = consensus ]; then
  # The consensus mode measures the numpy reference (bench/consensus_reference.py) in the same run: Debian's python3-numpy
  # and python3-scipy. Its data (american-assembly.bowling-green) is the repository's tests/data.
  if ! /usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null; then
    echo "bench/run.sh: installing python3-numpy python3-scipy from the distribution's packages"
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-numpy python3-scipy >/dev/null
  fi
fi
export XIESHANG_BENCH_COMMIT="$(git -C "$root" log -1 --format='%h %s' "$rev")"
dotnet build -c Release -v q -nologo "$snap/bench/Xieshang.Bench" >"$snap/build.log" 2>&1 || { cat "$snap/build.log"; exit 1; }
dotnet run -c Release --no-build --project "$snap/bench/Xieshang.Bench" -- "$@"
