#!/usr/bin/env bash
# Development helper while a migration is being written: drops the named migration (default: the newest,
# uncommitted-to-main one) for both providers and adds it again from the current model.
# Usage: tools/remigrate.sh <MigrationName> <base-commit>   (base-commit: a commit before the migration existed)
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?migration name}; base=${2:?base commit}
exec 9>/tmp/xieshang-remigrate.lock; flock 9
for p in Sqlite Postgres; do
  dir=src/Xieshang.Web/Infrastructure/Data/Migrations/$p
  rm -f $dir/*_"$name".cs $dir/*_"$name".Designer.cs
  git show "$base:$dir/${p}AppDbContextModelSnapshot.cs" > $dir/${p}AppDbContextModelSnapshot.cs
done
dotnet build src/Xieshang.Web -v q -nologo 2>&1 | grep -E " error " | sort -u || true
for p in Sqlite Postgres; do
  dotnet ef migrations add "$name" --no-build --project src/Xieshang.Web --context ${p}AppDbContext --output-dir Infrastructure/Data/Migrations/$p | tail -1
done
