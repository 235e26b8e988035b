#!/usr/bin/env bash
# Development-only: rebuild the single initial migration of each dialect from the entities.
# Valid only while no database outside development has applied it; after the first release,
# add new migrations with `node dist/db/cli.js migration:create <name>` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
MYSQL_ADMIN_URL=${MYSQL_ADMIN_URL:-mysql://root@127.0.0.1:3306}
name=Migration00000000000001_initial
tmp=$(mktemp -d)
# The script empties the migration lists before it compiles; if anything fails (a colleague's
# half-written file, the database), put the committed lists back instead of leaving them empty.
for d in mysql sqlite; do cp db/migrations/$d/index.ts "$tmp/$d-index.ts"; done
restore() { for d in mysql sqlite; do cp "$tmp/$d-index.ts" db/migrations/$d/index.ts; done; echo "regeneration failed: migration lists restored" >&2; }
trap restore ERR
for d in mysql sqlite; do
  cat > db/migrations/$d/index.ts <<TS
import type { MigrationObject } from '@mikro-orm/core';

/** Committed migrations for this dialect, oldest first. Add each new file here. */
export const ${d}Migrations: MigrationObject[] = [];
TS
done
npx tsc -p tsconfig.build.json
mysql -uroot -h127.0.0.1 -e "drop database if exists signoff_migration_gen; create database signoff_migration_gen"
DATABASE_URL=$MYSQL_ADMIN_URL/signoff_migration_gen node dist/db/cli.js migration:create initial >/dev/null
DATABASE_URL=sqlite:$tmp/gen.db node dist/db/cli.js migration:create initial >/dev/null
mysql -uroot -h127.0.0.1 -e "drop database signoff_migration_gen"
for d in mysql sqlite; do
  src=$(ls dist/db/migrations/$d/Migration*_initial.ts | tail -1)
  sed "s/class Migration[0-9]*_initial/class $name/" "$src" > db/migrations/$d/$name.ts
  rm -f dist/db/migrations/$d/Migration*_initial.ts
  cat > db/migrations/$d/index.ts <<TS
import type { MigrationObject } from '@mikro-orm/core';
import { $name } from './$name';

/** Committed migrations for this dialect, oldest first. Add each new file here. */
export const ${d}Migrations: MigrationObject[] = [{ name: '$name', class: $name }];
TS
done
trap - ERR
rm -rf "$tmp"
echo "regenerated db/migrations/{mysql,sqlite}/$name.ts"
