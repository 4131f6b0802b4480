import type {
  FeedCreated,
  FinalSchedule,
  OnCallEntry,
  OnCallNow,
  ScheduleDetail,
  ScheduleLayer,
  ScheduleOverride,
  ScheduleSummary,
} from '@headroom/core/api/schedule';
import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';

const enc = encodeURIComponent;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const RELATIVE = /^([+-])(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `now`, `+8h`, `-2d` (from now) or an RFC 3339 date-time with offset → ISO string. */
export function when(value: string, now = Date.now()): string {
  const v = value.trim();
  if (v === 'now') return new Date(now).toISOString();
  const rel = RELATIVE.exec(v);
  if (rel) {
    const ms = Number(rel[2]) * UNIT_MS[rel[3] as keyof typeof UNIT_MS];
    return new Date(now + (rel[1] === '-' ? -ms : ms)).toISOString();
  }
  if (WITH_OFFSET.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')))) return v.replace(' ', 'T');
  throw new InvalidArgumentError(
    'Expected now, +8h/-2d (from now) or a date-time with offset, e.g. 2024-06-01T09:00:00+02:00.',
  );
}

/** `2024-03-31 09:00 +02:00`: a time as people in the schedule's zone read it, with its offset. */
export function localTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '-';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(iso));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  const offset = (p.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${offset}`;
}

function whoText(o: Pick<OnCallNow, 'user' | 'source' | 'layer'>): string {
  if (o.user === null) return '(nobody)';
  return o.source === 'override' ? `${o.user} (override)` : `${o.user} (${o.layer})`;
}

function handoffText(o: OnCallNow, timeZone: string): string {
  if (!o.nextHandoff) return 'none within 400 days';
  return `${localTime(o.nextHandoff.at, timeZone)} → ${o.nextHandoff.user ?? '(nobody)'}`;
}

function restrictionsText(l: ScheduleLayer): string {
  if (l.restrictions.length === 0) return 'always';
  return l.restrictions
    .map((r) =>
      r.type === 'daily'
        ? `${r.days.length > 0 ? r.days.join(',') : 'daily'} ${r.from}–${r.to}`
        : `${r.from} – ${r.to}`,
    )
    .join('; ');
}

/** `headroom schedules …`. */
export function registerSchedules(program: Command, ctx: CliContext): void {
  const schedules = program
    .command('schedules')
    .alias('schedule')
    .description('On-call schedules: who is on call, when, overrides and calendar feeds')
    .addHelpText(
      'after',
      `
Schedules are headroom.dev/v1 Schedule documents applied with \`headroom apply -f\`. Times are
shown in each schedule's zone. --from, --to and --at take now, +8h / -2d (from now) or a
date-time with offset (2024-06-01T09:00:00+02:00).

Examples:
  $ headroom schedules oncall
  $ headroom schedules show payments-primary --from now --to +14d
  $ headroom schedules override add payments-primary --user erin --from 2024-06-01T09:00:00+02:00 --to +2d
  $ headroom schedules override rm payments-primary 0193a4c2-…
  $ headroom schedules feed payments-primary        # prints a secret iCalendar URL (once)
  $ headroom schedules feed --me                    # your own shifts in every schedule`,
    );

  schedules
    .command('list')
    .alias('ls')
    .description('List schedules with who is on call now and the next hand-off')
    .action(async () => {
      const out = ctx.output();
      const list = await ctx.client().request<ScheduleSummary[]>('GET', '/schedules');
      out.result(list, (rows) =>
        out.table(
          ['NAME', 'ON CALL', 'SINCE', 'NEXT HAND-OFF', 'OWNER', 'ZONE'],
          rows.map((s) => [
            s.name,
            whoText(s.onCall),
            localTime(s.onCall.since, s.timeZone),
            handoffText(s.onCall, s.timeZone),
            s.owner,
            s.timeZone,
          ]),
          'no schedules',
        ),
      );
    });

  schedules
    .command('show')
    .alias('get')
    .description('Show a schedule: its layers, who is on call now, and the final schedule for a range')
    .argument('<name>', 'the schedule name (metadata.name)')
    .option('--from <time>', 'start of the range (default now)', (v) => when(v))
    .option('--to <time>', 'end of the range (default 7 days after --from)', (v) => when(v))
    .action(async (name: string, o: { from?: string; to?: string }) => {
      const out = ctx.output();
      const client = ctx.client();
      const detail = await client.request<ScheduleDetail>('GET', `/schedules/${enc(name)}`);
      const final = await client.request<FinalSchedule>('GET', `/schedules/${enc(name)}/final`, {
        query: { from: o.from, to: o.to },
      });
      out.result({ ...detail, final }, () => {
        const zone = detail.timeZone;
        out.details([
          ['Name', detail.name],
          ['Display name', detail.displayName],
          ['Owner', detail.owner],
          ['Time zone', zone],
          ['On call', whoText(detail.onCall)],
          ['Since', localTime(detail.onCall.since, zone)],
          ['Next hand-off', handoffText(detail.onCall, zone)],
          ['Feed', detail.feed.active ? `active since ${localTime(detail.feed.createdAt, zone)}` : 'none'],
        ]);
        out.line();
        out.line('Layers (lowest first; a later layer wins):');
        out.table(
          ['LAYER', 'USERS', 'SHIFT', 'HAND-OFF', 'START', 'END', 'ON CALL'],
          detail.layers.map((l) => [
            l.name,
            l.users,
            l.shiftLength,
            `${l.handoffTime} ${l.timeZone}`,
            l.start,
            l.end,
            restrictionsText(l),
          ]),
          'no layers',
        );
        if (detail.overrides.length > 0) {
          out.line();
          out.line('Overrides:');
          out.table(
            ['ID', 'USER', 'FROM', 'TO', 'BY'],
            detail.overrides.map((x) => [
              x.id,
              x.user,
              localTime(x.start, zone),
              localTime(x.end, zone),
              x.createdBy,
            ]),
            '',
          );
        }
        out.line();
        out.line(`Final schedule ${localTime(final.from, zone)} – ${localTime(final.to, zone)}:`);
        out.table(
          ['FROM', 'TO', 'ON CALL', 'BY'],
          final.entries.map((e) => [
            localTime(e.start, zone),
            localTime(e.end, zone),
            e.user ?? '(nobody)',
            e.source === 'layer'
              ? `layer ${e.layer}`
              : e.source === 'override'
                ? `override ${e.overrideId}`
                : '-',
          ]),
          'nothing in this range',
        );
      });
    });

  schedules
    .command('oncall')
    .description('Who is on call in every schedule, now or at --at')
    .option('--at <time>', 'the moment to ask about (default now)', (v) => when(v))
    .action(async (o: { at?: string }) => {
      const out = ctx.output();
      const list = await ctx.client().request<OnCallEntry[]>('GET', '/oncall', { query: { at: o.at } });
      out.result(list, (rows) =>
        out.table(
          ['SCHEDULE', 'ON CALL', 'SINCE', 'NEXT HAND-OFF'],
          rows.map((r) => [
            r.schedule,
            whoText(r),
            r.since ?? '-',
            r.nextHandoff ? `${r.nextHandoff.at} → ${r.nextHandoff.user ?? '(nobody)'}` : '-',
          ]),
          'no schedules',
        ),
      );
    });

  const override = schedules
    .command('override')
    .alias('overrides')
    .description('Put someone on call for a period, or take it back');

  override
    .command('add')
    .description('Put a user on call in a schedule from --from to --to; prints the override id')
    .argument('<schedule>', 'the schedule name')
    .requiredOption('--user <name>', 'the catalog user who takes the shift')
    .requiredOption('--from <time>', 'when it starts', (v) => when(v))
    .requiredOption('--to <time>', 'when it ends', (v) => when(v))
    .action(async (schedule: string, o: { user: string; from: string; to: string }) => {
      const out = ctx.output();
      const created = await ctx
        .client()
        .request<ScheduleOverride>('POST', `/schedules/${enc(schedule)}/overrides`, {
          body: { user: o.user, start: o.from, end: o.to },
        });
      out.result(created, (x) => out.line(x.id));
      out.note(`${created.user} is on call for ${schedule} from ${created.start} to ${created.end}.`);
    });

  override
    .command('list')
    .alias('ls')
    .description('List the overrides of a schedule that have not ended')
    .argument('<schedule>', 'the schedule name')
    .action(async (schedule: string) => {
      const out = ctx.output();
      const list = await ctx
        .client()
        .request<ScheduleOverride[]>('GET', `/schedules/${enc(schedule)}/overrides`);
      out.result(list, (rows) =>
        out.table(
          ['ID', 'USER', 'FROM', 'TO', 'BY'],
          rows.map((x) => [x.id, x.user, x.start, x.end, x.createdBy]),
          'no overrides',
        ),
      );
    });

  override
    .command('rm')
    .alias('remove')
    .description('Remove overrides (that have not ended) from a schedule')
    .argument('<schedule>', 'the schedule name')
    .argument('<id...>', 'override ids, from `headroom schedules override list`')
    .action(async (schedule: string, ids: string[]) => {
      const out = ctx.output();
      for (const id of ids)
        await ctx.client().request<void>('DELETE', `/schedules/${enc(schedule)}/overrides/${enc(id)}`);
      out.result({ removed: ids }, () => {
        for (const id of ids) out.line(`removed override ${id}`);
      });
    });

  schedules
    .command('feed')
    .description('Create (or rotate) a secret iCalendar URL, or revoke it with --revoke')
    .argument('[schedule]', 'the schedule whose feed to manage')
    .option(
      '--user <name>',
      "a person's feed instead (their shifts in every schedule; yours or, as an admin, anyone's)",
    )
    .option('--me', 'your own person feed')
    .option('--revoke', 'revoke the URL instead of creating one')
    .action(async (schedule: string | undefined, o: { user?: string; me?: boolean; revoke?: boolean }) => {
      const person = o.me || o.user !== undefined;
      if ((schedule === undefined) === !person || (o.me && o.user !== undefined))
        throw new UsageError('give a schedule, or --user <name> or --me for a person feed (one of them)');
      const out = ctx.output();
      const client = ctx.client();
      const path = person ? '/oncall/feed' : `/schedules/${enc(schedule!)}/feed`;
      const query = { user: o.user };
      if (o.revoke) {
        await client.request<void>('DELETE', path, { query });
        out.result({ revoked: true }, () => out.line('revoked: the URL no longer works'));
        return;
      }
      const feed = await client.request<FeedCreated>('POST', path, { query });
      out.result(feed, (f) => out.line(f.url));
      out.note(
        `${feed.rotated ? 'The earlier URL no longer works. ' : ''}This URL is shown once: subscribe to it in your calendar app (it is a secret; anyone with it sees the shifts).`,
      );
    });
}
