import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test-support/prometheus.js';
import {
  connectionFromDetails,
  PROMETHEUS_BAD_QUERY,
  PROMETHEUS_BAD_RESPONSE,
  PROMETHEUS_ERROR,
  PROMETHEUS_TIMEOUT,
  PROMETHEUS_UNREACHABLE,
  PrometheusClient,
} from './client.js';

/** A stand-in for Prometheus' HTTP API that answers what each test sets, and records requests. */
let reply: (req: http.IncomingMessage, body: string) => { status: number; body: string } | null;
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = reply(req, body);
      if (!answer) return; // never answers: a hanging server
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ok = (data: unknown, extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: JSON.stringify({ status: 'success', data, ...extra }),
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; status: number; message: string; errorType?: string };
  }
  throw new Error('expected a failure');
}

describe('PrometheusClient', () => {
  it('sends range queries as a form with seconds and step, with the configured headers and basic auth', async () => {
    reply = () =>
      ok(
        {
          resultType: 'matrix',
          result: [
            {
              metric: { code: '200' },
              values: [
                [1_700_000_040, '5'],
                [1_700_000_100, 'NaN'],
              ],
            },
            { metric: {}, values: [[1_700_000_040.5, '+Inf']] },
          ],
        },
        { warnings: ['partial data'] },
      );
    const client = new PrometheusClient({
      url: `${base}/prefix/`,
      headers: { 'x-scope-orgid': 'team-a' },
      basicAuth: { username: 'u', password: 'p:w' },
    });
    const result = await client.queryRange('sum(x)', 1_700_000_040_000, 1_700_000_100_000, 60);
    expect(result.warnings).toEqual(['partial data']);
    expect(result.series[0]).toEqual({
      metric: { code: '200' },
      points: [
        { t: 1_700_000_040_000, v: 5 },
        { t: 1_700_000_100_000, v: Number.NaN },
      ],
    });
    expect(result.series[1]?.points).toEqual([{ t: 1_700_000_040_500, v: Number.POSITIVE_INFINITY }]);
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/prefix/api/v1/query_range');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      query: 'sum(x)',
      start: '1700000040',
      end: '1700000100',
      step: '60',
    });
    expect(request.headers['x-scope-orgid']).toBe('team-a');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });

  it('reads vectors and scalars from instant queries, and build info', async () => {
    reply = (req) =>
      req.url === '/api/v1/status/buildinfo'
        ? ok({ version: '2.42.0', revision: 'abc', branch: 'main', goVersion: 'go1.19' })
        : ok({ resultType: 'vector', result: [{ metric: { job: 'a' }, value: [1_700_000_000, '1'] }] });
    const client = new PrometheusClient({ url: base, bearerToken: 'secret' });
    expect(await client.buildInfo()).toEqual({
      version: '2.42.0',
      revision: 'abc',
      branch: 'main',
      goVersion: 'go1.19',
    });
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer secret');
    expect((await client.query('up', 1_700_000_000_000)).series).toEqual([
      { metric: { job: 'a' }, points: [{ t: 1_700_000_000_000, v: 1 }] },
    ]);
    reply = () => ok({ resultType: 'scalar', result: [1_700_000_000, '42'] });
    expect((await client.query('42', 1_700_000_000_000)).series).toEqual([
      { metric: {}, points: [{ t: 1_700_000_000_000, v: 42 }] },
    ]);
  });

  it("passes on Prometheus' own message for a refused query, as a bad query", async () => {
    reply = () => ({
      status: 400,
      body: JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error:
          'invalid parameter "query": 1:6: parse error: expected type range vector in call to function "rate"',
      }),
    });
    const error = await failure(new PrometheusClient({ url: base }).query('rate(x)', 0));
    expect(error.code).toBe(PROMETHEUS_BAD_QUERY);
    expect(error.status).toBe(400);
    expect(error.errorType).toBe('bad_data');
    expect(error.message).toContain('expected type range vector in call to function "rate"');
  });

  it('tells other refusals (overload, execution, auth) from bad queries', async () => {
    reply = () => ({
      status: 503,
      body: JSON.stringify({
        status: 'error',
        errorType: 'timeout',
        error: 'query timed out in query execution',
      }),
    });
    const error = await failure(new PrometheusClient({ url: base }).query('up', 0));
    expect(error).toMatchObject({ code: PROMETHEUS_ERROR, status: 502, errorType: 'timeout' });
    expect(error.message).toContain('HTTP 503, timeout');
  });

  it('says when the answer is not the Prometheus API (wrong URL, a proxy page)', async () => {
    reply = () => ({ status: 404, body: '<html>Not Found</html>' });
    const error = await failure(new PrometheusClient({ url: base }).query('up', 0));
    expect(error.code).toBe(PROMETHEUS_BAD_RESPONSE);
    expect(error.message).toContain('HTTP 404');
    reply = () => ok({ resultType: 'string', result: [0, 'x'] });
    expect((await failure(new PrometheusClient({ url: base }).query('"x"', 0))).code).toBe(
      PROMETHEUS_BAD_RESPONSE,
    );
    reply = () => ok({ resultType: 'matrix', result: [{ metric: {}, values: [['x', 1]] }] });
    expect((await failure(new PrometheusClient({ url: base }).queryRange('x', 0, 60_000, 60))).code).toBe(
      PROMETHEUS_BAD_RESPONSE,
    );
  });

  it('times out a server that does not answer', async () => {
    reply = () => null;
    const started = Date.now();
    const error = await failure(new PrometheusClient({ url: base, timeoutMs: 200 }).query('up', 0));
    expect(error.code).toBe(PROMETHEUS_TIMEOUT);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a server that is not there as unreachable', async () => {
    const port = await freePort();
    const error = await failure(new PrometheusClient({ url: `http://127.0.0.1:${port}` }).query('up', 0));
    expect(error.code).toBe(PROMETHEUS_UNREACHABLE);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('keeps credentials in the URL out of messages', () => {
    const client = new PrometheusClient({ url: 'https://user:pw@prom.example/api/' });
    expect(client.displayUrl).toBe('https://prom.example/api');
  });
});

describe('connectionFromDetails (an OpenSLO DataSource)', () => {
  it('reads the URL under its usual names, headers, basic auth, a token and a timeout', () => {
    expect(connectionFromDetails({ url: 'http://p:9090' })).toEqual({ url: 'http://p:9090' });
    expect(connectionFromDetails({ address: 'http://p:9090' })).toEqual({ url: 'http://p:9090' });
    // OpenSLO's own example writes a list of maps.
    expect(connectionFromDetails([{ url: 'http://p:9090' }, { headers: { a: 'b' } }])).toEqual({
      url: 'http://p:9090',
      headers: { a: 'b' },
    });
    expect(
      connectionFromDetails({
        url: 'https://mimir/prometheus',
        headers: { 'X-Scope-OrgID': 'team-a' },
        basicAuth: { username: 'u', password: 'p' },
        timeoutSeconds: 10,
      }),
    ).toEqual({
      url: 'https://mimir/prometheus',
      headers: { 'x-scope-orgid': 'team-a' },
      basicAuth: { username: 'u', password: 'p' },
      timeoutMs: 10_000,
    });
    expect(
      connectionFromDetails({ url: 'http://p', username: 'u', password: 'p', bearerToken: 't' }),
    ).toMatchObject({
      basicAuth: { username: 'u', password: 'p' },
      bearerToken: 't',
    });
  });

  it.each([
    [null, 'INVALID_INPUT', ''],
    [{}, 'INVALID_INPUT', '/spec/connectionDetails/url'],
    [{ url: 'prometheus:9090' }, 'INVALID_INPUT', '/spec/connectionDetails/url'],
    [{ url: 'ftp://p' }, 'INVALID_INPUT', '/spec/connectionDetails/url'],
    [{ url: 'http://p', headers: ['x'] }, 'INVALID_INPUT', '/spec/connectionDetails/headers'],
    [{ url: 'http://p', username: 'u' }, 'INVALID_INPUT', '/spec/connectionDetails/username'],
    [{ url: 'http://p', timeoutSeconds: 0 }, 'INVALID_INPUT', '/spec/connectionDetails/timeoutSeconds'],
  ])('refuses %j, naming the field', (details, code, path) => {
    try {
      connectionFromDetails(details);
      throw new Error('expected a refusal');
    } catch (error) {
      const e = error as { code: string; errors?: { path: string }[] };
      expect(e.code).toBe(code);
      if (path) expect(e.errors?.[0]?.path).toBe(path);
    }
  });
});
