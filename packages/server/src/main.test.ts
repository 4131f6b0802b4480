import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from './main.js';
import { testConfig } from './test-support/app.js';

describe('startServer', () => {
  it('listens, answers, and on close removes its signal handlers and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-main-'));
    const before = process.listenerCount('SIGTERM');
    const beforeInt = process.listenerCount('SIGINT');
    const lines: string[] = [];
    const server = await startServer(
      testConfig({ databaseUrl: join(dir, 'h.db'), port: 0, evaluationIntervalSeconds: 0 }),
      (line) => lines.push(line),
    );
    try {
      expect(process.listenerCount('SIGTERM')).toBe(before + 1);
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(lines.join('\n')).toContain(server.url);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(process.listenerCount('SIGINT')).toBe(beforeInt);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
