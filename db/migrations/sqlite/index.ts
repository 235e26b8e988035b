import type { MigrationObject } from '@mikro-orm/core';
import { Migration00000000000001_initial } from './Migration00000000000001_initial';

/** Committed migrations for this dialect, oldest first. Add each new file here. */
export const sqliteMigrations: MigrationObject[] = [{ name: 'Migration00000000000001_initial', class: Migration00000000000001_initial }];
