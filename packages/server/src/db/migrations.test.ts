import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { dropCreatedDatabases, freshDatabaseUrl, supportedDatabases } from '../test-support/databases.js';
import { migrateToLatest, migrationsComplete, openDatabase } from './index.js';
import { migrations } from './migrations/index.js';

afterAll(dropCreatedDatabases);

describe.each(supportedDatabases())('migrations on $name', ({ name, available }) => {
  it.runIf(available)('apply every migration once, then report complete and apply nothing more', async () => {
    const db = openDatabase(await freshDatabaseUrl(name));
    try {
      expect(await migrateToLatest(db.db)).toEqual(Object.keys(migrations));
      expect(await migrationsComplete(db.db)).toBe(true);
      expect(await migrateToLatest(db.db)).toEqual([]);
      // Epoch-millisecond bigints come back as numbers on both databases.
      const at = 1_790_000_000_123;
      await db.db
        .insertInto('audit_log')
        .values({
          id: 'a',
          at,
          actor_id: null,
          actor_name: 'x',
          action: 'y',
          target_kind: 'z',
          target_ref: 'r',
          detail: '{}',
          request_id: null,
        })
        .execute();
      const row = await db.db.selectFrom('audit_log').select('at').executeTakeFirstOrThrow();
      expect(row.at).toBe(at);
      const tables = await sql<{ n: number }>`select 1 as n`.execute(db.db);
      expect(tables.rows).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
