import type { Incident, IncidentDetail, IncidentImpact, MttxReport } from '@headroom/core/api/incident';
import type { Subscribers } from '@headroom/core/api/postmortem';
import { formatDuration } from '@headroom/core/incidents/draft';
import { INCIDENT_STATUSES, SEVERITIES } from '@headroom/core/incidents/model';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { when } from './schedules.js';

const enc = encodeURIComponent;
const collect = (value: string, previous: string[] = []) => [...previous, value];

function severity(value: string): string {
  const v = value.toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(v))
    throw new InvalidArgumentError(`Expected one of ${SEVERITIES.join(', ')}.`);
  return v;
}

const seconds = (s: number | null) => (s === null ? '-' : formatDuration(s * 1000));

function roles(i: Incident): string {
  const held = Object.entries(i.roles).map(([role, user]) => `${role}=${user}`);
  return held.length ? held.join(', ') : '-';
}

/** `headroom incident …`. */
export function registerIncidents(program: Command, ctx: CliContext): void {
  const incident = program
    .command('incident')
    .alias('incidents')
    .description('Incidents: declare, list, show, change status, status updates, subscribers, stats')
    .addHelpText(
      'after',
      `
Statuses: triage → investigating → mitigated → resolved → closed (forward skips allowed), plus
cancelled and merged. SEV1/SEV2 incidents, and those that consumed more than 20 % of an SLO's
four-week error budget, need a published postmortem to close (the latter also a P0 action item).
--since and --until take now, -30d / +8h (from now) or a date-time with offset.

Examples:
  $ headroom incident declare --title "Checkout errors" --severity SEV2 --service checkout
  $ headroom incident list --status open
  $ headroom incident show INC-12
  $ headroom incident status INC-12 mitigated --note "rolled back release 42"
  $ headroom incident update INC-12 "Rolled back; error rate back to normal"
  $ headroom incident subscribe INC-12 --channel status-page
  $ headroom incident stats --since -90d --team payments`,
    );

  incident
    .command('declare')
    .description('Declare an incident; prints its id')
    .requiredOption('--title <text>', 'what is going on, in a line')
    .requiredOption('--severity <SEV>', `one of ${SEVERITIES.join(', ')}`, severity)
    .option('--service <name>', 'an impacted catalog service (repeatable)', collect)
    .option('--summary <text>', 'the current understanding (Markdown)')
    .option('--commander <user>', 'the incident commander (acknowledges the incident)')
    .addOption(new Option('--status <status>', 'the starting status').choices(['triage', 'investigating']))
    .action(
      async (o: {
        title: string;
        severity: string;
        service?: string[];
        summary?: string;
        commander?: string;
        status?: string;
      }) => {
        const out = ctx.output();
        const created = await ctx.client().request<IncidentDetail>('POST', '/incidents', {
          body: {
            title: o.title,
            severity: o.severity,
            ...(o.service && { services: o.service }),
            ...(o.summary !== undefined && { summary: o.summary }),
            ...(o.commander !== undefined && { roles: { commander: o.commander } }),
            ...(o.status !== undefined && { status: o.status }),
          },
        });
        out.result(created, (x) => out.line(x.id));
        out.note(
          `Declared ${created.severity} incident ${created.id} "${created.title}" (${created.status}).`,
        );
      },
    );

  incident
    .command('list')
    .alias('ls')
    .description('List incidents, newest declared first')
    .addOption(
      new Option('--status <status>', 'only this status; open = triage, investigating or mitigated').choices([
        'open',
        ...INCIDENT_STATUSES,
      ]),
    )
    .option('--severity <SEV>', 'only this severity', severity)
    .option('--service <name>', 'only incidents impacting this service')
    .action(async (o: { status?: string; severity?: string; service?: string }) => {
      const out = ctx.output();
      const list = await ctx.client().request<Incident[]>('GET', '/incidents', {
        query: { status: o.status, severity: o.severity, service: o.service },
      });
      out.result(list, (rows) =>
        out.table(
          ['ID', 'SEVERITY', 'STATUS', 'TITLE', 'SERVICES', 'DECLARED', 'COMMANDER'],
          rows.map((i) => [
            i.id,
            i.severity,
            i.status,
            i.title,
            i.services.join(', ') || '-',
            i.milestones.declaredAt,
            i.roles.commander ?? '-',
          ]),
          'no incidents',
        ),
      );
    });

  incident
    .command('show')
    .alias('get')
    .description('Show an incident with its milestones and timeline')
    .argument('<id>', 'the incident id, e.g. INC-12')
    .action(async (id: string) => {
      const out = ctx.output();
      const i = await ctx.client().request<IncidentDetail>('GET', `/incidents/${enc(id)}`);
      out.result(i, () => {
        out.details([
          ['Id', i.id],
          ['Title', i.title],
          ['Severity', i.severity],
          ['Status', `${i.status} (next: ${i.nextStatuses.join(', ') || 'none, final'})`],
          ['Services', i.services.join(', ') || '-'],
          ['Roles', roles(i)],
          ['Alert groups', i.alertGroups.join(', ') || '-'],
          [
            'Postmortem',
            i.postmortem.required ? `required (${i.postmortem.status ?? 'not started'})` : 'optional',
          ],
        ]);
        if (i.summary) {
          out.line();
          out.line(i.summary);
        }
        out.line();
        out.line('Milestones:');
        out.details(Object.entries(i.milestones).map(([k, v]) => [`  ${k}`, v ?? '-']));
        for (const b of i.closingBlockers) out.line(`Cannot close yet: ${b}`);
        if (i.subscribers?.length) out.line(`Status updates go to: ${i.subscribers.join(', ')}`);
        if (i.impact) {
          out.line();
          printImpact(out, i.impact);
        }
        out.line();
        out.table(
          ['AT', 'KIND', 'BY', 'WHAT'],
          i.timeline.map((e) => [e.at, e.kind, e.actor, e.text]),
          'empty timeline',
        );
      });
    });

  incident
    .command('status')
    .description('Move an incident to another status')
    .argument('<id>', 'the incident id')
    .argument('<status>', INCIDENT_STATUSES.join(', '))
    .option('--note <text>', 'why; written on the timeline with the change')
    .option('--at <time>', 'when it happened (default now)', (v) => when(v))
    .option('--merged-into <id>', 'for merged: the incident it duplicates')
    .action(async (id: string, status: string, o: { note?: string; at?: string; mergedInto?: string }) => {
      const out = ctx.output();
      const updated = await ctx.client().request<IncidentDetail>('POST', `/incidents/${enc(id)}/changes`, {
        body: {
          type: 'status',
          status,
          ...(o.note !== undefined && { reason: o.note }),
          ...(o.at !== undefined && { at: o.at }),
          ...(o.mergedInto !== undefined && { mergedInto: o.mergedInto }),
        },
      });
      out.result(updated, (x) => out.line(`${x.id} ${x.status}`));
    });

  incident
    .command('note')
    .description("Add a note to the incident's timeline")
    .argument('<id>', 'the incident id')
    .argument('<text>', 'the note (Markdown)')
    .option('--at <time>', 'when it happened, for a note written after the fact (default now)', (v) =>
      when(v),
    )
    .action(async (id: string, text: string, o: { at?: string }) => {
      const out = ctx.output();
      const updated = await ctx.client().request<IncidentDetail>('POST', `/incidents/${enc(id)}/changes`, {
        body: { type: 'note', text, ...(o.at !== undefined && { at: o.at }) },
      });
      out.result(updated, (x) => out.line(`${x.id}: note added`));
    });

  incident
    .command('update')
    .description('Post a status update: written on the timeline and sent to the subscribed channels')
    .argument('<id>', 'the incident id')
    .argument('<text>', 'the update')
    .action(async (id: string, text: string) => {
      const out = ctx.output();
      const updated = await ctx.client().request<IncidentDetail>('POST', `/incidents/${enc(id)}/changes`, {
        body: { type: 'status-update', text },
      });
      out.result(updated, (x) =>
        out.line(`${x.id}: update posted to ${(x.subscribers ?? []).join(', ') || 'no subscribers'}`),
      );
    });

  incident
    .command('subscribe')
    .description("Send the incident's status updates to a notification channel, or to a person by e-mail")
    .argument('<id>', 'the incident id')
    .option('--channel <name>', 'a notification channel (editors and admins)')
    .option('--me', 'follow it yourself by e-mail')
    .option('--user <name>', 'e-mail another user the updates (editors and admins)')
    .action(async (id: string, o: { channel?: string; me?: boolean; user?: string }) => {
      const given = [o.channel, o.me, o.user].filter((v) => v !== undefined).length;
      if (given !== 1) throw new UsageError('give exactly one of --channel, --me and --user');
      const out = ctx.output();
      const body = o.channel !== undefined ? { channel: o.channel } : { user: o.me ? 'me' : o.user };
      const subs = await ctx
        .client()
        .request<Subscribers>('POST', `/incidents/${enc(id)}/subscribers`, { body });
      out.result(subs, (x) => out.line(`${x.incidentId} subscribers: ${x.channels.join(', ')}`));
    });

  incident
    .command('unsubscribe')
    .description('Stop sending status updates to a channel (mailto:<address> for a person)')
    .argument('<id>', 'the incident id')
    .requiredOption('--channel <name>', 'a subscribed channel, or mailto:<address>')
    .action(async (id: string, o: { channel: string }) => {
      const out = ctx.output();
      const subs = await ctx
        .client()
        .request<Subscribers>('DELETE', `/incidents/${enc(id)}/subscribers/${enc(o.channel)}`);
      out.result(subs, (x) => out.line(`${x.incidentId} subscribers: ${x.channels.join(', ') || '-'}`));
    });

  incident
    .command('impact')
    .description('The error budget the incident consumed, per SLO objective of its services')
    .argument('<id>', 'the incident id')
    .action(async (id: string) => {
      const out = ctx.output();
      const impact = await ctx.client().request<IncidentImpact>('GET', `/incidents/${enc(id)}/impact`);
      out.result(impact, (x) => printImpact(out, x));
    });

  incident
    .command('stats')
    .alias('mttx')
    .description('MTTA, MTTD and MTTR (and MTTM), each with the clock it measures')
    .option('--since <time>', 'start of the period (default -30d)', (v) => when(v))
    .option('--until <time>', 'end of the period (default now)', (v) => when(v))
    .addOption(new Option('--from <time>').argParser((v) => when(v)).hideHelp())
    .addOption(new Option('--to <time>').argParser((v) => when(v)).hideHelp())
    .option('--service <name>', 'only incidents impacting this service')
    .option('--team <name>', 'only incidents impacting services of this team')
    .option('--severity <SEV>', 'only this severity', severity)
    .action(
      async (o: {
        since?: string;
        until?: string;
        from?: string;
        to?: string;
        service?: string;
        team?: string;
        severity?: string;
      }) => {
        const out = ctx.output();
        const report = await ctx.client().request<MttxReport>('GET', '/incidents/mttx', {
          query: {
            from: o.since ?? o.from ?? when('-30d'),
            to: o.until ?? o.to ?? when('now'),
            service: o.service,
            team: o.team,
            severity: o.severity,
          },
        });
        out.result(report, (r) => {
          out.line(`Incidents declared ${r.period.from} – ${r.period.to}: ${r.overall.incidents}`);
          if (r.excluded.cancelled + r.excluded.merged > 0)
            out.line(`(not counted: ${r.excluded.cancelled} cancelled, ${r.excluded.merged} merged)`);
          out.line();
          out.table(
            ['METRIC', 'MEAN', 'MEDIAN', 'MIN', 'MAX', 'MEASURED', 'MISSING', 'CLOCK'],
            r.definitions.map((d) => {
              const s = r.overall.metrics[d.metric];
              return [
                d.name,
                seconds(s.meanSeconds),
                seconds(s.medianSeconds),
                seconds(s.minSeconds),
                seconds(s.maxSeconds),
                s.count,
                s.missing,
                `${d.from} → ${d.to}`,
              ];
            }),
            'no metrics',
          );
          const p = r.pages.overall;
          out.line();
          out.line(
            `MTTA (pages): mean ${seconds(p.meanSeconds)}, median ${seconds(p.medianSeconds)} over ${p.count} acknowledged page(s)` +
              `${p.missing > 0 ? `, ${p.missing} never acknowledged` : ''} — ${r.pages.definition}`,
          );
          const bySev = Object.entries(r.bySeverity).filter(([, g]) => g.incidents > 0);
          if (bySev.length > 0) {
            out.line();
            out.table(
              ['SEVERITY', 'INCIDENTS', 'MTTA', 'MTTR'],
              bySev.map(([sev, g]) => [
                sev,
                g.incidents,
                seconds(g.metrics.mtta.meanSeconds),
                seconds(g.metrics.mttr.meanSeconds),
              ]),
              '',
            );
          }
          out.line();
          out.line('Clocks:');
          for (const d of r.definitions)
            out.line(`  ${d.name}: ${d.description} (clock: ${d.from} → ${d.to})`);
        });
      },
    );
}

const pct = (f: number | null) => (f === null ? '-' : `${(f * 100).toFixed(1)} %`);

function printImpact(out: ReturnType<CliContext['output']>, x: IncidentImpact): void {
  out.line(`Error budget consumed ${x.from} – ${x.to}${x.open ? ' (still open: up to now)' : ''}:`);
  out.table(
    ['SLO', 'SERVICE', 'BAD', 'OF', 'WINDOW BUDGET', 'FOUR-WEEK BUDGET'],
    x.objectives.map((o) => [
      o.label,
      o.service,
      `${o.bad} ${o.unit}`,
      o.total,
      pct(o.window.share),
      pct(o.fourWeeks.share),
    ]),
    'no SLOs on the impacted services',
  );
}
