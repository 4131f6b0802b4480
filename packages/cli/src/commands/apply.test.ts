import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplyRequest, ApplyResult } from '@headroom/core/api/apply';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliServer, cli, startCliServer } from '../test-support/cli.js';

const GROUP = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  children: []
`;
const COMPONENTS = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
  title: Payments API
spec:
  type: service
  lifecycle: production
  owner: payments
  dependsOn:
    - resource:payments-db
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: payments-db
spec:
  type: database
  owner: payments
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-apply-'));
  await mkdir(join(dir, 'catalog/teams'), { recursive: true });
  await writeFile(join(dir, 'catalog/teams/payments.yaml'), GROUP);
  await writeFile(join(dir, 'catalog/payments.yml'), COMPONENTS);
  await writeFile(join(dir, 'catalog/notes.md'), 'not sent\n');
  await writeFile(
    join(dir, 'broken.yaml'),
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * The CLI's half of the contract, against a stand-in server that records what arrives and
 * answers with a canned ApplyResult: this does not depend on the apply engine.
 */
describe('headroom apply (CLI side, against a recording server)', () => {
  let stub: Server;
  let url: string;
  let received: { method?: string; url?: string; authorization?: string; body: ApplyRequest }[];
  let answer: ApplyResult;

  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ApplyRequest;
  };

  beforeAll(async () => {
    stub = createServer(async (request, response) => {
      received.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        body: await read(request),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => stub.close(resolve)));
  beforeEach(() => {
    received = [];
    answer = {
      dryRun: true,
      items: [
        {
          action: 'create',
          kind: 'Group',
          ref: 'group:default/payments',
          file: 'catalog/teams/payments.yaml',
          line: 1,
        },
        {
          action: 'update',
          kind: 'Component',
          ref: 'component:default/payments-api',
          file: 'catalog/payments.yml',
          line: 1,
          changes: ['title', 'spec.owner'],
        },
        { action: 'unchanged', kind: 'Resource', ref: 'resource:default/payments-db' },
      ],
      warnings: [
        {
          message: "owner 'group:default/nobody' does not resolve",
          file: 'catalog/payments.yml',
          line: 9,
          path: '/spec/owner',
        },
      ],
      summary: { create: 1, update: 1, unchanged: 1, delete: 0 },
    };
  });

  it('sends every YAML file of a directory, sorted, with the flags, and prints the plan', async () => {
    const r = await cli(['apply', '-f', 'catalog', '--dry-run', '--prune'], {
      server: url,
      token: 'sekret',
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/apply',
      authorization: 'Bearer sekret',
    });
    expect(received[0]!.body).toEqual({
      files: [
        { path: 'catalog/payments.yml', content: COMPONENTS },
        { path: 'catalog/teams/payments.yaml', content: GROUP },
      ],
      dryRun: true,
      prune: true,
    });
    expect(r.stdout.split('\n')).toEqual([
      'ACTION     KIND       REF                             FILE:LINE                      CHANGES',
      'create     Group      group:default/payments          catalog/teams/payments.yaml:1  -',
      'update     Component  component:default/payments-api  catalog/payments.yml:1         title, spec.owner',
      'unchanged  Resource   resource:default/payments-db    -                              -',
      '',
      "warning: catalog/payments.yml:9 /spec/owner: owner 'group:default/nobody' does not resolve",
      '',
      'plan: 1 to create, 1 to update, 1 unchanged, 0 to delete (dry run: nothing was written)',
      '',
    ]);
  });

  it('says "applied" for a real apply and sends dryRun/prune false', async () => {
    answer = { ...answer, dryRun: false, warnings: [] };
    const r = await cli(['apply', '-f', join(dir, 'catalog/payments.yml')], { server: url, token: 't' });
    expect(r.code).toBe(0);
    expect(received[0]!.body).toMatchObject({ dryRun: false, prune: false });
    expect(received[0]!.body.files).toHaveLength(1);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'applied: 1 created, 1 updated, 1 unchanged, 0 deleted',
    );
    expect(r.stdout).not.toContain('warning');
  });

  it('prints the ApplyResult as-is with --output json', async () => {
    const r = await cli(['apply', '-f', 'catalog', '-o', 'json'], { server: url, cwd: dir });
    expect(JSON.parse(r.stdout)).toEqual(answer);
  });

  it('reads "-f -" from stdin', async () => {
    const r = await cli(['apply', '-f', '-'], { server: url, stdin: GROUP });
    expect(r.code).toBe(0);
    expect(received[0]!.body.files).toEqual([{ path: '<stdin>', content: GROUP }]);
  });

  it('exits 2 naming an unreadable path, and sends nothing', async () => {
    const r = await cli(['apply', '-f', 'catalog', '-f', 'nope/'], { server: url, cwd: dir });
    expect(r).toMatchObject({
      code: 2,
      stdout: '',
      stderr: "error: cannot read 'nope/': no such file or directory\n",
    });
    expect(received).toHaveLength(0);
  });

  it('requires -f', async () => {
    const r = await cli(['apply'], { server: url });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '-f, --filename <path>' not specified");
  });
});

/**
 * End to end against the real server: this needs the apply engine behind POST /api/v1/apply
 * (packages/server/src/modules/apply), and fails while that route is missing.
 */
describe('headroom apply (against the real server)', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCliServer();
  });
  afterAll(() => server.close());

  it('plans, applies, and then reports everything unchanged', async () => {
    const plan = await server.cli(['apply', '-f', 'catalog', '--dry-run', '-o', 'json'], { cwd: dir });
    expect(plan.stderr).toBe('');
    const planned = JSON.parse(plan.stdout) as ApplyResult;
    expect(planned.dryRun).toBe(true);
    expect(planned.summary).toEqual({ create: 3, update: 0, unchanged: 0, delete: 0 });
    expect(planned.items.map((i) => i.ref).sort()).toEqual([
      'component:default/payments-api',
      'group:default/payments',
      'resource:default/payments-db',
    ]);
    expect((await server.cli(['services', 'get', 'payments-api'])).code).toBe(1);

    const applied = await server.cli(['apply', '-f', 'catalog'], { cwd: dir });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(
      /^create\s+Component\s+component:default\/payments-api\s+catalog\/payments\.yml:\d+/m,
    );
    expect(applied.stdout.trimEnd().split('\n').at(-1)).toBe(
      'applied: 3 created, 0 updated, 0 unchanged, 0 deleted',
    );
    expect((await server.cli(['services', 'get', 'payments-api'])).stdout).toMatch(/^Owner:\s+payments$/m);

    const again = await server.cli(['apply', '-f', 'catalog'], { cwd: dir });
    expect(again.stdout.trimEnd().split('\n').at(-1)).toBe(
      'applied: 0 created, 0 updated, 3 unchanged, 0 deleted',
    );
  });

  it('prints file:line:column for invalid YAML and exits 1', async () => {
    const r = await server.cli(['apply', '-f', 'broken.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .+ \(INVALID_YAML\)$/m);
    expect(r.stderr).toMatch(/^ {2}broken\.yaml:\d+:\d+\b/m);
  });
});
