#!/usr/bin/env bash
# CI checks of every subgraph's Prisma schema and migrations, with the real Prisma CLI running
# offline through our Wasm schema-engine stand-in (docs/architecture.md, "Data"), on a scratch database:
#   for each subgraph of the registry with a database (subgraphs/<svc>/prisma/), as its own role (provision.ts):
#     1. prisma migrate deploy                  the migrations apply
#     2. prisma migrate dev --create-only       in sync: it may only produce an empty probe migration
#     3. prisma migrate status                  everything applied, nothing failed
#     4. prisma migrate diff --from-migrations … --to-schema … --exit-code   no drift
# The scratch database (and its shadow database) is dropped at the end, also on failure.
# Administrator connection: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1 CI=true
# The CLI finds its schema engine only through its environment: our stand-in (prisma/engine/config.ts prismaCliChildEnv).
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/prisma/engine/schema-engine.mjs}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
# set per subgraph below (a scratch shadow database the role may create its schema in)
unset SHADOW_DATABASE_URL

prisma() { node node_modules/prisma/build/index.js "$@" </dev/null; }
tsx() { node node_modules/tsx/dist/cli.mjs "$@"; }

scratch="ih_dbcheck_$(date +%s)_$RANDOM"
shadow="${scratch}_shadow"
probe_dirs=()
cleanup() {
  local rc=$?
  for d in "${probe_dirs[@]}"; do rm -rf -- "$d"; done
  tsx scripts/db-provision.ts teardown "$scratch" "$shadow" || rc=1
  exit "$rc"
}
trap cleanup EXIT

step() { printf '\n== %s: %s\n' "$1" "$2"; }
fail() { printf '\ndb-check FAILED (%s): %s\n' "$1" "$2" >&2; exit 1; }

declare -A url shadow_url
services=()
while read -r svc u s; do
  services+=("$svc")
  url[$svc]=$u
  shadow_url[$svc]=$s
done < <(tsx scripts/db-provision.ts setup "$scratch" "$shadow")
[ "${#services[@]}" -gt 0 ] || fail "registry" "no subgraph with a database was provisioned"

for svc in "${services[@]}"; do
  [ -n "${url[$svc]:-}" ] || fail "$svc" "provisioning printed no URL"
  config="prisma/prisma.config.ts"
  migrations="subgraphs/$svc/prisma/migrations"
  svc_var="$(echo "$svc" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9\n' '_')_DATABASE_URL"
  export "$svc_var=${url[$svc]}" HUB_SUBGRAPH="$svc"
  export SHADOW_DATABASE_URL="${shadow_url[$svc]}"

  step "$svc" "migrate deploy"
  prisma migrate deploy --config "$config" || fail "$svc" "migrate deploy"

  step "$svc" "migrate dev (must be in sync)"
  before="$(ls -1 "$migrations" 2>/dev/null || true)"
  set +e
  prisma migrate dev --create-only --name dbcheck_probe --config "$config"
  rc=$?
  set -e
  after="$(ls -1 "$migrations" 2>/dev/null || true)"
  new_dirs="$(comm -13 <(echo "$before" | sort) <(echo "$after" | sort))"
  drift=""
  for d in $new_dirs; do
    probe_dirs+=("$migrations/$d")
    sql="$migrations/$d/migration.sql"
    # an in-sync schema yields only Prisma's "-- This is an empty migration." comment
    if [ -f "$sql" ] && grep -v '^[[:space:]]*--' "$sql" | grep -q '[^[:space:]]'; then
      drift="$sql"
      echo "--- migration migrate dev would create ($d):"
      cat "$sql"
    fi
    rm -rf -- "${migrations:?}/$d"
  done
  [ "$rc" -eq 0 ] || fail "$svc" "migrate dev exited $rc"
  [ -z "$drift" ] || fail "$svc" "schema.prisma has changes without a migration: run npm run prisma -- $svc migrate dev --name <change>"

  step "$svc" "migrate status"
  prisma migrate status --config "$config" || fail "$svc" "migrate status"

  step "$svc" "drift check (migrations vs schema.prisma)"
  set +e
  prisma migrate diff --from-migrations "$migrations" --to-schema "subgraphs/$svc/prisma/schema.prisma" --exit-code --config "$config"
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || fail "$svc" "migrate diff --exit-code exited $rc (2 = the migrations do not produce schema.prisma)"

  unset "$svc_var" SHADOW_DATABASE_URL HUB_SUBGRAPH
done

printf '\ndb-check passed: %s\n' "${services[*]}"
