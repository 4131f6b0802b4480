import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/app.js';

describe('the web UI at /', () => {
  let t: TestApp;
  let bare: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'headroom-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    t = await startTestApp('sqlite', { webDir: dir });
    bare = await startTestApp('sqlite', { webDir: join(dir, 'missing') });
  });
  afterAll(async () => {
    await t?.close();
    await bare?.close();
  });

  it('serves index.html at / and at every deep link, uncached, with a content security policy', async () => {
    for (const url of ['/', '/slos/checkout-availability', '/incidents/INC-4?tab=timeline']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html,*/*;q=0.8' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });

  it('caches hashed assets for a year and answers missing files with 404', async () => {
    const asset = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode, asset.body).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await t.app.inject({ method: 'GET', url: '/assets/gone.js' });
    expect(missing.statusCode).toBe(404);
    // A rebuilt UI is served without a restart: files are looked up per request.
    writeFileSync(join(dir, 'assets', 'index-new456.js'), 'console.log(2)');
    const rebuilt = await t.app.inject({ method: 'GET', url: '/assets/index-new456.js' });
    expect(rebuilt.statusCode).toBe(200);
    expect(rebuilt.body).toBe('console.log(2)');
  });

  it('answers scripts (no text/html in Accept) on unknown paths with the 404 problem, not the app', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nope', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('ROUTE_NOT_FOUND');
  });

  it('leaves the API alone: unknown API paths are problem+json 404s, not the app', async () => {
    const anonymous = await t.app.inject({
      method: 'GET',
      url: '/api/v1/no-such-thing',
      headers: { accept: 'text/html' },
    });
    expect(anonymous.statusCode).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing', headers: t.admin });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe('ROUTE_NOT_FOUND');
  });

  it('says how to build the UI when it is missing', async () => {
    const res = await bare.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
  });
});
