import type { Incident, IncidentDetail, MttxReport } from '@headroom/core/api/incident';
import { formatDuration } from '@headroom/core/incidents/draft';
import { INCIDENT_STATUSES, SEVERITIES } from '@headroom/core/incidents/model';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';
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
    .description('Incidents: declare, list, show, change status, MTTx figures')
    .addHelpText(
      'after',
      `
Statuses: triage → investigating → mitigated → resolved → closed (forward skips allowed), plus
cancelled and merged. SEV1/SEV2 incidents need a published postmortem to close.
--from and --to take now, -30d / +8h (from now) or a date-time with offset.

Examples:
  $ headroom incident declare --title "Checkout errors" --severity SEV2 --service checkout
  $ headroom incident list --status open
  $ headroom incident show INC-12
  $ headroom incident status INC-12 mitigated --note "rolled back release 42"
  $ headroom incident mttx --from -90d`,
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
    .command('mttx')
    .alias('stats')
    .description('Mean time to detect, acknowledge, mitigate and resolve, with each clock named')
    .option('--from <time>', 'start of the period (default -30d)', (v) => when(v))
    .option('--to <time>', 'end of the period (default now)', (v) => when(v))
    .option('--service <name>', 'only incidents impacting this service')
    .option('--team <name>', 'only incidents impacting services of this team')
    .option('--severity <SEV>', 'only this severity', severity)
    .action(async (o: { from?: string; to?: string; service?: string; team?: string; severity?: string }) => {
      const out = ctx.output();
      const report = await ctx.client().request<MttxReport>('GET', '/incidents/mttx', {
        query: {
          from: o.from ?? when('-30d'),
          to: o.to ?? when('now'),
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
        for (const d of r.definitions) out.line(`${d.name}: ${d.description}`);
      });
    });
}
