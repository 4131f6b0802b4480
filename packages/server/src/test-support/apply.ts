/** Helpers for the apply tests: fixture folders as request files, and an apply call. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestApp } from './app.js';

const FIXTURES = fileURLToPath(new URL('../modules/apply/fixtures/backstage/', import.meta.url));

/** Every YAML file of the Backstage fixture folder, as `headroom apply -f` would send it. */
export function backstageFixtures(except: string[] = []): { path: string; content: string }[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml') && !except.includes(f))
    .sort()
    .map((f) => ({ path: `fixtures/${f}`, content: readFileSync(join(FIXTURES, f), 'utf8') }));
}

export async function apply(
  t: TestApp,
  files: { path: string; content: string }[],
  options: { dryRun?: boolean; prune?: boolean; headers?: { authorization: string } } = {},
) {
  const { headers = t.admin, ...flags } = options;
  return t.app.inject({ method: 'POST', url: '/api/v1/apply', headers, payload: { files, ...flags } });
}

export async function get<T = unknown>(t: TestApp, url: string): Promise<T> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: t.admin });
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

/** Row counts of everything apply may write, to prove a rejected apply wrote nothing. */
export async function catalogCounts(t: TestApp): Promise<Record<string, number>> {
  const db = t.database.db;
  const out: Record<string, number> = {};
  for (const table of [
    'services',
    'teams',
    'users',
    'team_members',
    'entities',
    'relations',
    'applied_objects',
  ] as const) {
    const row = await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  const audit = await db
    .selectFrom('audit_log')
    .select(db.fn.countAll().as('n'))
    .where('action', 'like', 'apply.%')
    .executeTakeFirstOrThrow();
  out.applyAudit = Number(audit.n);
  return out;
}
