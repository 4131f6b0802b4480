import type { Silence, SilenceCreate } from '@headroom/core/api/routing';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { collect } from '../options.js';
import { time } from '../output.js';

const STATES = ['active', 'pending', 'expired'] as const;
const enc = encodeURIComponent;

function instant(value: string): string {
  if (Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('Expected an RFC 3339 date-time, e.g. 2024-06-01T12:00:00Z.');
  return value;
}

/** `headroom silence …`: Alertmanager-style silences through the API. */
export function registerSilence(program: Command, ctx: CliContext): void {
  const silence = program
    .command('silence')
    .alias('silences')
    .description('Silences: mute alerts whose labels match, for a while')
    .addHelpText(
      'after',
      `
Matchers are Alertmanager's: name="value", name!="value", name=~"regex", name!~"regex"
(regexes are anchored). At least one matcher must not match the empty string.

Examples:
  $ headroom silence add --matcher 'alertname="HighLatency"' --matcher 'env=~"prod|staging"' \\
      --duration 2h --comment "Deploying the fix"
  $ headroom silence add -m 'service="checkout"' --starts-at 2024-06-01T22:00:00Z \\
      --ends-at 2024-06-02T02:00:00Z --comment "Database migration"
  $ headroom silence list --state active
  $ headroom silence expire 0193a4c2-…`,
    );

  silence
    .command('add')
    .description('Create a silence and print its id')
    .option('-m, --matcher <matcher>', 'a matcher (or a comma list); repeat for more', collect)
    .option('-d, --duration <duration>', 'how long, e.g. 2h, 90m, 1h30m (from --starts-at or now)')
    .option('--ends-at <time>', 'when it ends (RFC 3339), instead of --duration', instant)
    .option('--starts-at <time>', 'when it starts (RFC 3339); default now', instant)
    .requiredOption('-c, --comment <text>', 'why, e.g. a change or incident id')
    .option('--created-by <name>', 'author shown with the silence; default you')
    .action(
      async (o: {
        matcher?: string[];
        duration?: string;
        endsAt?: string;
        startsAt?: string;
        comment: string;
        createdBy?: string;
      }) => {
        if (!o.matcher?.length)
          throw new UsageError('give at least one --matcher, e.g. --matcher \'alertname="X"\'');
        if (o.duration === undefined && o.endsAt === undefined)
          throw new UsageError('give --duration or --ends-at: a silence needs an end');
        const body: SilenceCreate = {
          matchers: o.matcher,
          comment: o.comment,
          ...(o.duration !== undefined && { duration: o.duration }),
          ...(o.endsAt !== undefined && { endsAt: o.endsAt }),
          ...(o.startsAt !== undefined && { startsAt: o.startsAt }),
          ...(o.createdBy !== undefined && { createdBy: o.createdBy }),
        };
        const created = await ctx.client().request<Silence>('POST', '/silences', { body });
        const out = ctx.output();
        out.result(created, (s) => out.line(s.id));
        out.note(
          `Silenced ${created.matchers.join(', ')} from ${time(created.startsAt)} to ${time(created.endsAt)} (${created.status.state}).`,
        );
      },
    );

  silence
    .command('list')
    .alias('ls')
    .description('List silences: active, then pending, then expired (kept as history)')
    .addOption(new Option('--state <state>', 'only silences in this state').choices(STATES))
    .action(async (o: { state?: string }) => {
      const out = ctx.output();
      const list = await ctx.client().request<Silence[]>('GET', '/silences', { query: { state: o.state } });
      out.result(list, (silences) =>
        out.table(
          ['ID', 'STATE', 'MATCHERS', 'STARTS', 'ENDS', 'CREATED BY', 'COMMENT'],
          silences.map((s) => [
            s.id,
            s.status.state,
            s.matchers,
            time(s.startsAt),
            time(s.endsAt),
            s.name ? `${s.createdBy} (Silence ${s.name})` : s.createdBy,
            s.comment,
          ]),
          o.state ? `no ${o.state} silences` : 'no silences',
        ),
      );
    });

  silence
    .command('expire')
    .description('End silences now; they stay in the list as expired')
    .argument('<id...>', 'silence ids, from `headroom silence list`')
    .action(async (ids: string[]) => {
      const out = ctx.output();
      const expired: Silence[] = [];
      for (const id of ids)
        expired.push(await ctx.client().request<Silence>('POST', `/silences/${enc(id)}/expire`));
      out.result(expired, (list) => {
        for (const s of list) out.line(`expired silence ${s.id} (${s.matchers.join(', ')})`);
      });
    });
}
