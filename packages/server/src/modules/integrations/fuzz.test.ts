/**
 * Bad input never makes an intake endpoint answer 5xx or take the process down: fast-check sends
 * 10,000 mutated bodies to each endpoint (SQLite, in-process). Mutations start from the real
 * vectors and valid bodies, then change, delete or add fields at any depth, swap whole values for
 * arbitrary JSON, or corrupt the serialized text and the content type.
 */
import type { IntegrationCreated } from '@headroom/core/api/integration';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import {
  AM_FIRING,
  PD_ACKNOWLEDGE,
  PD_RESOLVE,
  PD_TRIGGER_DOCS,
  PD_TRIGGER_OPENAPI,
  vector,
} from './test-vectors.js';

const RUNS = 10_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value (the root is []). */
function paths(
  value: Json,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) paths(v, [...at, i], out);
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function parentOf(root: Json, path: (string | number)[]): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, Json>)?.[key];
  return node;
}

const interesting = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    '',
    ' ',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    '2020-02-30T00:00:00Z',
    '2015-07-17T08:42:58.315+0000',
    'firing',
    'resolved',
    'trigger',
    'acknowledge',
    'resolve',
    'critical',
    '\u0000',
    '\uD800',
    '__proto__',
    'x'.repeat(2000),
    -0,
    1e308,
    Number.MAX_SAFE_INTEGER,
    [],
    {},
  ),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: interesting }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'labels', 'status', 'payload')),
    value: interesting,
  }),
);

type Mutation = { op: 'set' | 'delete' | 'add'; at: number; value?: Json; key?: string };

function mutate(seed: Json, mutations: Mutation[]): Json {
  let root = structuredClone(seed);
  for (const mutation of mutations) {
    // Values are fast-check's, shared between runs: never link them into the tree.
    const m = structuredClone(mutation);
    const all = paths(root);
    const path = all[m.at % all.length]!;
    if (path.length === 0) {
      if (m.op === 'set') root = m.value ?? null;
      continue;
    }
    const parent = parentOf(root, path) as Record<string | number, Json> | Json[] | undefined;
    if (parent === undefined || parent === null || typeof parent !== 'object') continue;
    const key = path.at(-1)!;
    if (m.op === 'set') (parent as Record<string | number, Json>)[key] = m.value ?? null;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      const target = (parent as Record<string | number, Json>)[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target))
        Object.defineProperty(target, m.key ?? 'k', {
          value: m.value ?? null,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else if (Array.isArray(target)) target.push(m.value ?? null);
    }
  }
  return root;
}

/** A request: a mutated seed, maybe corrupted as text, with a content type that may be wrong. */
function requests(seeds: Json[]) {
  return fc.record({
    seed: fc.constantFrom(...seeds),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
    text: fc.oneof(
      { weight: 6, arbitrary: fc.constant({ kind: 'json' as const }) },
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('splice' as const),
        at: fc.nat(),
        insert: fc.string({ unit: 'binary', maxLength: 8 }),
      }),
      fc.record({ kind: fc.constant('raw' as const), raw: fc.string({ unit: 'binary', maxLength: 200 }) }),
    ),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      fc.constantFrom(
        undefined,
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'multipart/form-data',
      ),
    ),
  });
}

interface Request {
  seed: Json;
  mutations: Mutation[];
  text: { kind: string; at?: number; insert?: string; raw?: string };
}

function render(r: Request): string {
  const json = JSON.stringify(mutate(r.seed, r.mutations)) ?? 'null';
  switch (r.text.kind) {
    case 'truncate':
      return json.slice(0, (r.text.at ?? 0) % (json.length + 1));
    case 'splice': {
      const at = (r.text.at ?? 0) % (json.length + 1);
      return json.slice(0, at) + (r.text.insert ?? '') + json.slice(at);
    }
    case 'raw':
      return r.text.raw ?? '';
    default:
      return json;
  }
}

describe('intake endpoints under 10,000 mutated bodies each (SQLite)', () => {
  let t: TestApp;
  let amToken: string;
  let genericToken: string;
  let routingKey: string;

  const create = async (type: string, name: string) =>
    (
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/integrations',
          headers: t.admin,
          payload: { type, name },
        })
      ).json() as IntegrationCreated
    ).secret;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { pagerDutyEventsPerMinute: 1_000_000 });
    amToken = await create('alertmanager', 'fuzz-am');
    genericToken = await create('generic', 'fuzz-generic');
    routingKey = await create('pagerduty', 'fuzz-pd');
  });
  afterAll(async () => {
    await t?.close();
  });

  const fuzz = async (
    url: string,
    seeds: Json[],
    headers: Record<string, string>,
    check: (status: number, body: string, contentType: string | undefined) => void,
  ) => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests(seeds), async (r) => {
        const payload = render(r);
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { ...headers, ...(r.contentType && { 'content-type': r.contentType }) },
          payload,
        });
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        expect(
          res.statusCode,
          `${res.statusCode} for ${payload.slice(0, 300)}: ${res.body.slice(0, 300)}`,
        ).toBeLessThan(500);
        check(res.statusCode, res.body, res.headers['content-type'] as string | undefined);
      }),
      { numRuns: RUNS, seed: 20_260_301 },
    );
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    return seen;
  };

  const problem = (status: number, body: string, contentType: string | undefined) => {
    if (status >= 400) {
      expect(contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(body)).toMatchObject({
        status,
        code: expect.any(String),
        detail: expect.any(String),
      });
    }
  };

  it('Alertmanager webhook', { timeout: 600_000 }, async () => {
    const am = vector<Json>(AM_FIRING);
    const resolved = structuredClone(am) as { status: string; alerts: { status: string; endsAt: string }[] };
    resolved.status = 'resolved';
    for (const a of resolved.alerts) Object.assign(a, { status: 'resolved', endsAt: '2020-08-08T15:00:00Z' });
    const seen = await fuzz(
      '/api/v1/integrations/alertmanager',
      [am, resolved as unknown as Json],
      { authorization: `Bearer ${amToken}` },
      problem,
    );
    // The fuzzing reached the store, not only the validator.
    expect(seen.get(200) ?? 0).toBeGreaterThan(100);
    expect(seen.get(400) ?? 0).toBeGreaterThan(100);
  });

  it('generic format', { timeout: 600_000 }, async () => {
    const seeds: Json[] = [
      {
        alerts: [
          {
            labels: { alertname: 'DiskFull', host: 'db-1', severity: 'critical' },
            annotations: { description: 'd' },
            summary: 'Disk full',
            status: 'firing',
            startsAt: '2026-03-01T12:00:00Z',
            generatorURL: 'https://example.com',
          },
          {
            labels: { alertname: 'DiskFull', host: 'db-2' },
            endsAt: '2026-03-01T13:00:00Z',
            status: 'resolved',
          },
        ],
      },
      { alerts: [{ labels: { alertname: 'Cert' }, endsAt: '2999-01-01T00:00:00Z' }] },
    ];
    const seen = await fuzz(
      '/api/v1/integrations/generic',
      seeds,
      { authorization: `Bearer ${genericToken}` },
      problem,
    );
    expect(seen.get(200) ?? 0).toBeGreaterThan(100);
    expect(seen.get(400) ?? 0).toBeGreaterThan(100);
  });

  it('PagerDuty Events API v2', { timeout: 600_000 }, async () => {
    const withKey = (path: string) => ({ ...vector<Record<string, Json>>(path), routing_key: routingKey });
    const seeds: Json[] = [
      withKey(PD_TRIGGER_OPENAPI),
      withKey(PD_TRIGGER_DOCS),
      withKey(PD_ACKNOWLEDGE),
      withKey(PD_RESOLVE),
      vector<Json>(PD_TRIGGER_OPENAPI),
    ];
    const seen = await fuzz('/v2/enqueue', seeds, {}, (status, body) => {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      if (status === 202) expect(parsed).toMatchObject({ status: 'success', message: 'Event processed' });
      else {
        expect(parsed).toMatchObject({ status: expect.any(String), message: expect.any(String) });
        expect(Array.isArray(parsed.errors)).toBe(true);
      }
    });
    expect(seen.get(202) ?? 0).toBeGreaterThan(100);
    expect(seen.get(400) ?? 0).toBeGreaterThan(100);
  });
});
