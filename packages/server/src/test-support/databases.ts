/**
 * Runs one suite on every supported database, like kysely's dialect loop and Backstage's
 * TestDatabases. PostgreSQL comes from HEADROOM_TEST_POSTGRES_URL (a server URL whose user
 * may create databases); each call gets a fresh database. Without it the PostgreSQL suites
 * are skipped with a printed reason, except under CI=true, where a missing service fails.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, migrateToLatest, openDatabase } from '../db/index.js';

export const postgresUrl = process.env.HEADROOM_TEST_POSTGRES_URL;

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  available: boolean;
  reason?: string;
}

export function supportedDatabases(): TestDatabase[] {
  const pgAvailable = Boolean(postgresUrl);
  if (!pgAvailable && process.env.CI === 'true') {
    throw new Error(
      'CI=true but HEADROOM_TEST_POSTGRES_URL is not set: the PostgreSQL suites cannot be skipped in CI.',
    );
  }
  if (!pgAvailable) {
    console.warn('[headroom tests] PostgreSQL suites skipped: HEADROOM_TEST_POSTGRES_URL is not set.');
  }
  return [
    { name: 'sqlite', available: true },
    { name: 'postgres', available: pgAvailable, reason: 'HEADROOM_TEST_POSTGRES_URL is not set' },
  ];
}

const created: string[] = [];

/** A database URL for a fresh, empty database of the given kind. */
export async function freshDatabaseUrl(kind: 'sqlite' | 'postgres'): Promise<string> {
  if (kind === 'sqlite') return 'sqlite::memory:';
  if (!postgresUrl) throw new Error('HEADROOM_TEST_POSTGRES_URL is not set');
  const name = `headroom_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  created.push(name);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Opens and migrates a fresh database. */
export async function freshDatabase(kind: 'sqlite' | 'postgres'): Promise<Db> {
  const db = openDatabase(await freshDatabaseUrl(kind));
  await migrateToLatest(db.db);
  return db;
}

/** Drops the databases made by this test file (call from afterAll). */
export async function dropCreatedDatabases(): Promise<void> {
  if (!postgresUrl || created.length === 0) return;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    for (const name of created.splice(0)) await dropWithRetries(admin, name);
  } finally {
    await admin.end();
  }
}

/**
 * Cleanup, not an assertion: an autovacuum worker (not ours to terminate as a non-superuser)
 * may still be busy in a database the tests wrote a lot into, so DROP … WITH (FORCE) can be
 * refused for a moment. Retry, then leave the database behind with a warning rather than fail.
 */
async function dropWithRetries(admin: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (e) {
      if (attempt >= 10) {
        console.warn(`[headroom tests] could not drop ${name}: ${(e as Error).message}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
