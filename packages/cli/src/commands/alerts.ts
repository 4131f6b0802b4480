import type { Alert, AlertWithEvents } from '@headroom/core/api/alert';
import { ALERT_SOURCES } from '@headroom/core/api/alert';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';
import { collect, integer } from '../options.js';
import { time } from '../output.js';

const enc = encodeURIComponent;

/** firing, firing (acked), resolved, auto-resolved. */
export function alertState(a: Alert): string {
  if (a.status === 'firing') return a.acknowledged ? 'firing (acked)' : 'firing';
  return a.resolution ?? 'resolved';
}

const SHOWN_APART = new Set(['alertname', 'severity']);

function otherLabels(a: Alert): string {
  return Object.entries(a.labels)
    .filter(([k]) => !SHOWN_APART.has(k))
    .map(([k, v]) => `${k}=${v.length > 40 ? `${v.slice(0, 39)}…` : v}`)
    .join(',');
}

function matcher(value: string, previous: string[] | undefined): string[] {
  if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError('Expected name=value, e.g. severity=critical.');
  return collect(value, previous);
}

/** `headroom alerts …`. */
export function registerAlerts(program: Command, ctx: CliContext): void {
  const alerts = program
    .command('alerts')
    .alias('alert')
    .description(
      'Alerts from every source (Alertmanager, PagerDuty events, generic JSON, Headroom), deduplicated',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ headroom alerts list                          firing alerts
  $ headroom alerts list --all --label severity=critical
  $ headroom alerts list --status resolved --integration prometheus-prod
  $ headroom alerts show 791cec13fcba0368         by fingerprint or id`,
    );

  alerts
    .command('list')
    .alias('ls')
    .description('List alerts, newest first (firing ones unless --all or --status)')
    .addOption(
      new Option('--status <status>', 'only firing or resolved alerts').choices(['firing', 'resolved']),
    )
    .option('--all', 'firing and resolved alerts')
    .addOption(new Option('--source <source>', 'only alerts from this source').choices(ALERT_SOURCES))
    .option('--integration <name>', 'only alerts that came through this integration')
    .option('--label <name=value>', 'only alerts with this label value (repeatable)', matcher)
    .option('--cursor <id>', 'page on: alerts after this id (the last ID of the previous page)')
    .option('--limit <n>', 'at most this many (1-1000, default 100)', integer(1, 1000))
    .action(
      async (o: {
        status?: 'firing' | 'resolved';
        all?: boolean;
        source?: string;
        integration?: string;
        label?: string[];
        cursor?: string;
        limit?: number;
      }) => {
        const url = new URLSearchParams();
        const status = o.status ?? (o.all ? undefined : 'firing');
        if (status) url.set('status', status);
        for (const key of ['source', 'integration', 'cursor'] as const) if (o[key]) url.set(key, o[key]);
        if (o.limit) url.set('limit', String(o.limit));
        for (const l of o.label ?? []) url.append('label', l);
        const query = url.toString();
        const list = await ctx.client().request<Alert[]>('GET', `/alerts${query ? `?${query}` : ''}`);
        const out = ctx.output();
        out.result(list, (rows) =>
          out.table(
            ['ID', 'FINGERPRINT', 'STATE', 'ALERT', 'SEVERITY', 'LABELS', 'SOURCE', 'STARTED', 'ENDED'],
            rows.map((a) => [
              a.id,
              a.fingerprint,
              alertState(a),
              a.labels.alertname,
              a.labels.severity,
              otherLabels(a),
              a.integration ? `${a.source}/${a.integration}` : a.source,
              time(a.startsAt),
              a.status === 'resolved' ? time(a.endsAt) : '-',
            ]),
            status === 'firing' ? 'no firing alerts' : 'no alerts',
          ),
        );
      },
    );

  alerts
    .command('show')
    .alias('get')
    .description('Show one alert: labels, annotations and its events')
    .argument('<alert>', 'alert id, or its 16-hex-digit fingerprint')
    .action(async (id: string) => {
      const out = ctx.output();
      out.result(await ctx.client().request<AlertWithEvents>('GET', `/alerts/${enc(id)}`), (a) => {
        out.details([
          ['ID', a.id],
          ['Fingerprint', a.fingerprint],
          ['State', alertState(a)],
          ['Source', a.integration ? `${a.source} (integration ${a.integration})` : a.source],
          ['Started', time(a.startsAt)],
          ['Ended', a.status === 'resolved' ? time(a.endsAt) : null],
          ['Expires', a.status === 'firing' ? time(a.endsAt) : null],
          ['First received', time(a.firstReceivedAt)],
          ['Last received', time(a.lastReceivedAt)],
          ['Generator URL', a.generatorURL],
        ]);
        out.line();
        out.line('Labels:');
        for (const [k, v] of Object.entries(a.labels)) out.line(`  ${k}=${v}`);
        if (Object.keys(a.annotations).length > 0) {
          out.line('Annotations:');
          for (const [k, v] of Object.entries(a.annotations)) out.line(`  ${k}: ${v}`);
        }
        out.line();
        out.table(
          ['SEQ', 'AT', 'EVENT', 'STATUS', 'DETAIL'],
          a.events.map((e) => [
            e.sequence,
            time(e.at),
            e.kind,
            e.status,
            Object.entries(e.detail)
              .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
              .join(' '),
          ]),
          'no events',
        );
      });
    });
}
