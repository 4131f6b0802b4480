import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteTestResult, Silence } from '@headroom/core/api/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

const CONFIG = `apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec:
  root: true
  receiver: ops-email
  groupBy: [alertname]
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: pages }
spec:
  order: 10
  matchers: ['severity="page"']
  receiver: pager
  continue: true
  groupWait: 10s
  routes:
    - matchers: ['env="staging"']
      receiver: staging-slack
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: payments }
spec:
  order: 20
  matchers: ['team="payments"']
  receiver: payments-slack
`;

let server: CliServer;
let dir: string;

beforeAll(async () => {
  server = await startCliServer();
  dir = await mkdtemp(join(tmpdir(), 'headroom-routing-'));
  await writeFile(join(dir, 'routing.yaml'), CONFIG);
  const r = await server.cli(['apply', '-f', join(dir, 'routing.yaml')]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await server.close();
});

describe('headroom routes', () => {
  it('shows the tree with receivers and the options each route sets', async () => {
    const r = await server.cli(['routes', 'show']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '(root) [root]  → ops-email  group_by=[alertname] group_wait=30s group_interval=5m repeat_interval=4h',
      '├── {severity="page"} [pages]  → pager  continue group_wait=10s',
      '│   └── {env="staging"}  → staging-slack',
      '└── {team="payments"} [payments]  → payments-slack',
    ]);
    const json = JSON.parse((await server.cli(['routes', 'show', '-o', 'json'])).stdout);
    expect(json.root).toBe('root');
    expect(json.routes).toHaveLength(4);
  });

  it('tests labels against the tree', async () => {
    const r = await server.cli([
      'routes',
      'test',
      'alertname=HighLatency',
      'severity="page"',
      'team=payments',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('pager,payments-slack');
    expect(lines[1]).toMatch(/^RECEIVER\s+ROUTE\s+GROUP KEY$/);
    expect(lines[2]).toMatch(/^pager\s+pages\s+\{\}\/\{severity="page"\}:\{alertname="HighLatency"\}$/);
    const json = JSON.parse(
      (await server.cli(['routes', 'test', 'alertname=X', '-o', 'json'])).stdout,
    ) as RouteTestResult;
    expect(json.receivers).toEqual(['ops-email']);
    const bad = await server.cli(['routes', 'test', 'severity=~page']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/labels are name=value/);
  });
});

describe('headroom silence', () => {
  it('adds, lists and expires silences', async () => {
    const add = await server.cli([
      'silence',
      'add',
      '--matcher',
      'alertname="HighLatency"',
      '-m',
      'env=~"prod|staging"',
      '--duration',
      '2h',
      '--comment',
      'Deploying the fix',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const id = add.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(add.stderr).toMatch(
      /^Silenced alertname="HighLatency", env=~"prod\|staging" from \S+ to \S+ \(active\)\./,
    );

    const later = await server.cli([
      'silence',
      'add',
      '-m',
      'team="search"',
      '--starts-at',
      '2098-01-01T00:00:00Z',
      '--ends-at',
      '2098-01-02T00:00:00Z',
      '-c',
      'Planned',
      '--created-by',
      'change-bot',
    ]);
    expect(later.code, later.stderr).toBe(0);

    const list = await server.cli(['silence', 'list']);
    const [head, first, second] = list.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^ID\s+STATE\s+MATCHERS\s+STARTS\s+ENDS\s+CREATED BY\s+COMMENT$/);
    expect(first).toMatch(
      new RegExp(
        `^${id}\\s+active\\s+alertname="HighLatency", env=~"prod\\|staging"\\s+.*\\s+admin\\s+Deploying the fix$`,
      ),
    );
    expect(second).toMatch(
      /\s+pending\s+team="search"\s+2098-01-01T00:00:00Z\s+2098-01-02T00:00:00Z\s+change-bot\s+Planned$/,
    );

    const expire = await server.cli(['silence', 'expire', id]);
    expect(expire.code, expire.stderr).toBe(0);
    expect(expire.stdout).toBe(`expired silence ${id} (alertname="HighLatency", env=~"prod|staging")\n`);
    const expired = JSON.parse(
      (await server.cli(['silence', 'list', '--state', 'expired', '-o', 'json'])).stdout,
    ) as Silence[];
    expect(expired.map((s) => s.id)).toEqual([id]);
    expect((await server.cli(['silence', 'list', '--state', 'active'])).stdout).toBe('no active silences\n');
    const again = await server.cli(['silence', 'expire', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/expired already/);
  });

  it('explains bad input', async () => {
    const noEnd = await server.cli(['silence', 'add', '-m', 'a="b"', '-c', 'x']);
    expect(noEnd.code).toBe(2);
    expect(noEnd.stderr).toMatch(/--duration or --ends-at/);
    const badMatcher = await server.cli(['silence', 'add', '-m', 'a b', '--duration', '1h', '-c', 'x']);
    expect(badMatcher.code).toBe(1);
    expect(badMatcher.stderr).toMatch(/matchers\/0.*bad matcher format 'a b'/s);
    const badTime = await server.cli(['silence', 'add', '-m', 'a="b"', '--ends-at', 'tomorrow', '-c', 'x']);
    expect(badTime.code).toBe(2);
    const viewer = await server.tokenFor('vera', 'viewer');
    const refused = await server.cli(['silence', 'add', '-m', 'a="b"', '-d', '1h', '-c', 'x'], {
      token: viewer,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/editor or admin role/);
  });
});
