/**
 * Concurrent creates of the same object: the database's unique constraints decide, and the
 * losers get the same 409 as a sequential duplicate, never a 500. Several processes share one
 * PostgreSQL, so this is a real race there; SQLite serialises writes in its single connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const ATTEMPTS = 4;

/** Each attempt sends its own `label` value, so an overwrite by a loser would show. */
const CREATES = [
  { what: 'service', collection: 'services', label: 'title', code: 'SERVICE_EXISTS' },
  { what: 'team', collection: 'teams', label: 'title', code: 'TEAM_EXISTS' },
  { what: 'user', collection: 'users', label: 'displayName', code: 'USER_EXISTS' },
] as const;

describe.each(supportedDatabases())('concurrent writes on $name', ({ name, available }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  for (const c of CREATES) {
    it.runIf(available)(
      `${ATTEMPTS} creates of one ${c.what} at once: one 201, the rest 409 ${c.code}`,
      async () => {
        for (let round = 0; round < 3; round++) {
          const objectName = `race-${round}`;
          const url = `/api/v1/${c.collection}`;
          const results = await Promise.all(
            Array.from({ length: ATTEMPTS }, (_, i) =>
              t.app.inject({
                method: 'POST',
                url,
                headers: t.admin,
                payload: { name: objectName, [c.label]: `attempt ${i}` },
              }),
            ),
          );
          const created = results.filter((r) => r.statusCode === 201);
          expect(created, results.map((r) => r.body).join('\n')).toHaveLength(1);
          for (const r of results.filter((x) => x.statusCode !== 201)) expectProblem(r, 409, c.code);
          const rows = await t.database.db
            .selectFrom(c.collection)
            .select('id')
            .where('name', '=', objectName)
            .execute();
          expect(rows).toHaveLength(1);
          // What is stored is what the one 201 said it created.
          const stored = await t.app.inject({ method: 'GET', url: `${url}/${objectName}`, headers: t.admin });
          expect(stored.json()[c.label]).toBe(created[0]!.json()[c.label]);
        }
      },
    );
  }

  it.runIf(available)('adding the same member at once succeeds every time and stores one row', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: t.admin,
      payload: { name: 'crowd' },
    });
    await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.admin, payload: { name: 'mo' } });
    const results = await Promise.all(
      Array.from({ length: ATTEMPTS }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/teams/crowd/members',
          headers: t.admin,
          payload: { user: 'mo' },
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(ATTEMPTS).fill(200));
    const rows = await t.database.db.selectFrom('team_members').selectAll().execute();
    expect(rows).toHaveLength(1);
  });
});
