import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.js';
import { dropCreatedDatabases, freshDatabaseUrl, supportedDatabases } from '../../test-support/databases.js';
import { leadership } from './leader.js';

afterAll(dropCreatedDatabases);

const postgres = supportedDatabases().find((d) => d.name === 'postgres')!;

describe('one active evaluator', () => {
  it('on SQLite, the single process always leads', async () => {
    const db = openDatabase('sqlite::memory:');
    const lead = leadership(db);
    expect(await lead.acquire()).toBe(true);
    await lead.release();
    await db.close();
  });

  it.runIf(postgres.available)(
    'on PostgreSQL, one process holds the lock and another takes over when it goes',
    async () => {
      const url = await freshDatabaseUrl('postgres');
      const a = openDatabase(url);
      const b = openDatabase(url);
      // A key of its own, so parallel test files do not contend for the real one.
      const key = String(1_000_000 + Math.floor(Math.random() * 1_000_000));
      const first = leadership(a, key);
      const second = leadership(b, key);
      try {
        expect(await first.acquire()).toBe(true);
        expect(await second.acquire()).toBe(false);
        expect(await first.acquire()).toBe(true); // keeps it
        await first.release(); // the process goes away: its connection closes
        expect(await second.acquire()).toBe(true);
        expect(await first.acquire()).toBe(false);
      } finally {
        await first.release();
        await second.release();
        await a.close();
        await b.close();
      }
    },
  );
});
