import type { Migration } from 'kysely';
import * as m0001 from './0001_catalog_and_auth.js';

/** Every migration, in order. Imported statically so the build and the tests see the same set. */
export const migrations: Record<string, Migration> = {
  '0001_catalog_and_auth': m0001,
};
