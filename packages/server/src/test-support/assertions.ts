/** Assertions shared by the route suites: problem+json answers and "nothing was written". */
import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../db/schema.js';

export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
}

/** Asserts an RFC 9457 answer with this status and stable code, and returns its body. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemJson {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as ProblemJson;
  expect(body).toMatchObject({
    type: expect.stringMatching(/^https?:\/\//),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
  });
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

/** The field paths a validation problem names. */
export function problemPaths(body: ProblemJson): string[] {
  return (body.errors ?? []).map((e) => e.path);
}

const TABLES = [
  'teams',
  'users',
  'team_members',
  'services',
  'entities',
  'relations',
  'api_tokens',
  'sessions',
  'audit_log',
  'applied_objects',
  'sli_buckets',
  'sli_values',
  'sli_streams',
  'ingest_batches',
] as const;

/**
 * Every row of every table, in a stable order, for "a refused request changed nothing".
 * api_tokens.last_used_at is left out: authenticating a request may touch it by design.
 */
export async function snapshotDatabase(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    out[table] = rows
      .map((row) => {
        const { last_used_at: _ignored, ...rest } = row;
        return JSON.stringify(table === 'api_tokens' ? rest : row);
      })
      .sort();
  }
  return out;
}
