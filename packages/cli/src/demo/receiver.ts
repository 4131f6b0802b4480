/**
 * The demo's local webhook receiver: every notification channel of the demo points here, so the
 * notifications Headroom sends show up as one readable line each in the terminal. It keeps the last
 * 200 and serves them as JSON at GET / (for the curious and for the demo's test).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMailReceiver } from './mail-receiver.js';

export interface ReceivedNotification {
  at: string;
  /** The path the channel posts to, e.g. /commerce-pager: which channel it came through. */
  channel: string;
  line: string;
  body: unknown;
}

export interface DemoReceiver {
  /** http://127.0.0.1:<port> */
  url: string;
  /** smtp://127.0.0.1:<port>: e-mail pages (escalation policies page people by e-mail) land here too. */
  smtpUrl: string;
  readonly received: readonly ReceivedNotification[];
  close(): Promise<void>;
}

const KEEP = 200;

type Alert = { status?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

/** One line for an Alertmanager-format (v4) webhook body, or a generic summary of anything else. */
export function describeNotification(channel: string, body: unknown): string {
  const b = (body ?? {}) as {
    status?: string;
    receiver?: string;
    alerts?: Alert[];
    commonLabels?: Record<string, string>;
    headroom?: { reason?: string };
  };
  if (Array.isArray(b.alerts)) {
    const firing = b.alerts.filter((a) => a.status === 'firing');
    const shown = (firing.length > 0 ? firing : b.alerts).slice(0, 3).map((a) => {
      const l = a.labels ?? {};
      const what = [l.alertname, l.slo ?? l.service, l.tier, l.severity].filter(Boolean).join(' ');
      const summary = a.annotations?.summary;
      return summary ? `${what}: ${summary}` : what;
    });
    const more = b.alerts.length > shown.length ? ` (+${b.alerts.length - shown.length} more)` : '';
    return `${(b.status ?? 'notification').toUpperCase()} → ${channel}: ${shown.join('; ')}${more}`;
  }
  const text = JSON.stringify(body) ?? '';
  return `NOTIFICATION → ${channel}: ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`;
}

export async function startDemoReceiver(print: (line: string) => void): Promise<DemoReceiver> {
  const received: ReceivedNotification[] = [];
  const keep = (item: ReceivedNotification) => {
    received.push(item);
    if (received.length > KEEP) received.splice(0, received.length - KEEP);
    print(`[${new Date(item.at).toTimeString().slice(0, 8)}] ${item.line}`);
  };
  const mail = await startMailReceiver((to, subject) =>
    keep({
      at: new Date().toISOString(),
      channel: `email:${to.join(',')}`,
      line: `E-MAIL → ${to.join(', ')}: ${subject}`,
      body: { to, subject },
    }),
  );
  const server = createServer((request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(received));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: kept as text.
      }
      const channel = (request.url ?? '/').replace(/^\/+/, '') || 'receiver';
      keep({ at: new Date().toISOString(), channel, line: describeNotification(channel, body), body });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    smtpUrl: mail.url,
    received,
    close: async () => {
      await mail.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
