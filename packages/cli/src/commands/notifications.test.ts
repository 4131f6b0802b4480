import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDispatcher } from '@headroom/server/modules/notifications/dispatcher';
import { outboundPolicy } from '@headroom/server/modules/notifications/outbound';
import { notificationSettingsFromEnv } from '@headroom/server/modules/notifications/settings';
import { type Receiver, startReceiver } from '@headroom/server/test-support/notifications';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

describe('headroom notifications and channels', () => {
  let server: CliServer;
  let receiver: Receiver;
  let dir: string;
  const dispatch = async () => {
    const d = startDispatcher(server.database, {
      settings: { ...notificationSettingsFromEnv({}), pollIntervalMs: 0 },
      policy: outboundPolicy(['loopback']),
      timer: false,
    });
    const result = await d.tick();
    await d.stop();
    return result;
  };

  beforeAll(async () => {
    server = await startCliServer();
    receiver = await startReceiver(() => ({ status: 400, body: 'bad payload' }));
    dir = await mkdtemp(join(tmpdir(), 'headroom-channels-'));
    await writeFile(
      join(dir, 'channel.yaml'),
      `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: ops-webhook
spec:
  type: webhook
  url: ${receiver.url}/hook
  secret: whsec_cli_secret
`,
    );
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists channels without secrets, tests one, and retries its dead letter', async () => {
    expect((await server.cli(['apply', '-f', join(dir, 'channel.yaml')])).code).toBe(0);
    const list = await server.cli(['channels', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/ops-webhook\s+webhook\s+-\s+http:\/\/127\.0\.0\.1:\d+\/…\s+secret/);
    expect(list.stdout).not.toContain('whsec_cli_secret');

    const test = await server.cli(['channels', 'test', 'ops-webhook', '-o', 'json']);
    expect(test.code, test.stderr).toBe(0);
    const { notification } = JSON.parse(test.stdout) as { notification: string };
    expect(await dispatch()).toMatchObject({ dead: 1 });

    const dead = await server.cli(['notifications', 'dead-letters']);
    expect(dead.stdout).toContain(notification);
    expect(dead.stdout).toContain('HTTP 400: bad payload');
    expect((await server.cli(['notifications', 'list', '--status', 'delivered'])).stdout).toContain(
      'no notifications',
    );

    receiver.reply = () => ({ status: 200 });
    const retry = await server.cli(['notifications', 'retry', notification]);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain('is pending again');
    expect(await dispatch()).toMatchObject({ delivered: 1 });
    const shown = await server.cli(['notifications', 'get', notification]);
    expect(shown.stdout).toMatch(/Status:\s+delivered/);
    expect(shown.stdout).toMatch(/1\s+\S+\s+failed\s+400/);
    expect(shown.stdout).toMatch(/2\s+\S+\s+delivered\s+200/);

    const again = await server.cli(['notifications', 'retry', notification]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not dead');
    const bad = await server.cli(['notifications', 'list', '--status', 'lost']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status must be one of');
    expect((await server.cli(['channels', 'test', 'nope'])).code).toBe(1);
  });
});
