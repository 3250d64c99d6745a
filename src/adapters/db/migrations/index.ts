import type { Migration, MigrationProvider } from 'kysely/migration';
import * as foundation from './0001-foundation.js';

/** Every migration, in order. Names sort lexicographically; never rename one that shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
