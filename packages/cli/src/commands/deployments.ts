import type {
  Deployment,
  DeploymentSuggestions,
  IncidentDeploymentLink,
} from '@headroom/core/api/deployment';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { collect } from '../options.js';
import { time } from '../output.js';
import { when } from './schedules.js';

const enc = encodeURIComponent;
const STATUSES = ['succeeded', 'failed', 'rolled-back'];

function table(out: ReturnType<CliContext['output']>, rows: Deployment[]): void {
  out.table(
    ['ID', 'SERVICE', 'VERSION', 'COMMIT', 'STARTED', 'ENV', 'STATUS', 'INCIDENTS'],
    rows.map((d) => [
      d.id,
      d.service,
      d.version,
      d.commit.slice(0, 12),
      time(d.startedAt),
      d.environment,
      d.status,
      d.incidents.join(', ') || '-',
    ]),
    'no deployments',
  );
}

function links(out: ReturnType<CliContext['output']>, rows: IncidentDeploymentLink[]): void {
  out.table(
    ['INCIDENT', 'DEPLOYMENT', 'SERVICE', 'VERSION', 'SOURCE', 'LINKED BY', 'LINKED'],
    rows.map((l) => [
      l.incidentId,
      l.deployment.id,
      l.deployment.service,
      l.deployment.version,
      l.source,
      l.linkedBy,
      time(l.linkedAt),
    ]),
    'no linked deployments',
  );
}

/** `headroom deploy …`: record deployments and link them to incidents. */
export function registerDeployments(program: Command, ctx: CliContext): void {
  const deploy = program
    .command('deploy')
    .alias('deployments')
    .description('Deployments: record them from CI, list them, link them to the incidents they caused')
    .addHelpText(
      'after',
      `
Times take now, -2h (from now) or a date-time with offset. Recording the same service, version,
commit and --started-at again prints the deployment already stored.

Examples:
  $ headroom deploy record checkout --release 1.4.2 --commit "$GITHUB_SHA" --commit-time 2024-06-01T09:12:00Z
  $ headroom deploy list --service checkout
  $ headroom deploy suggest INC-3
  $ headroom deploy link DEP-12 --incident INC-3`,
    );

  deploy
    .command('record')
    .description('Record a deployment; prints its id')
    .argument('<service>', 'the catalog service deployed')
    .requiredOption('--release <version>', "the version deployed (--version is the CLI's own flag)")
    .requiredOption('--commit <sha>', 'the commit deployed')
    .option('--started-at <time>', 'when the deployment started (default now)', (v) => when(v))
    .option('--finished-at <time>', 'when it finished (default now)', (v) => when(v))
    .option('--commit-time <time>', 'when the commit was made (for lead time)', (v) => when(v))
    .addOption(new Option('--status <status>', 'how it ended (default succeeded)').choices(STATUSES))
    .option('--environment <env>', 'where it went (default production)')
    .option('--author <name>', 'who made the change')
    .option('--pipeline-url <url>', 'link to the pipeline run')
    .option('--gate-decision <id>', 'the release gate decision that preceded it')
    .option('--label <label>', 'a change label such as p0-fix (repeatable)', collect)
    .action(
      async (
        service: string,
        o: {
          release: string;
          commit: string;
          startedAt?: string;
          finishedAt?: string;
          commitTime?: string;
          status?: string;
          environment?: string;
          author?: string;
          pipelineUrl?: string;
          gateDecision?: string;
          label?: string[];
        },
      ) => {
        const out = ctx.output();
        const d = await ctx.client().request<Deployment>('POST', '/deployments', {
          body: {
            service,
            version: o.release,
            commit: o.commit,
            ...(o.startedAt !== undefined && { startedAt: o.startedAt }),
            ...(o.finishedAt !== undefined && { finishedAt: o.finishedAt }),
            ...(o.commitTime !== undefined && { commitTime: o.commitTime }),
            ...(o.status !== undefined && { status: o.status }),
            ...(o.environment !== undefined && { environment: o.environment }),
            ...(o.author !== undefined && { author: o.author }),
            ...(o.pipelineUrl !== undefined && { pipelineUrl: o.pipelineUrl }),
            ...(o.gateDecision !== undefined && { gateDecision: o.gateDecision }),
            ...(o.label !== undefined && { labels: o.label }),
          },
        });
        out.result(d, (x) => out.line(x.id));
        out.note(`Recorded ${d.id}: ${d.service} ${d.version} (${d.status}) in ${d.environment}.`);
      },
    );

  deploy
    .command('list')
    .alias('ls')
    .description('List deployments, newest first')
    .option('--service <name>', 'only this service')
    .option('--team <name>', "only the team's services")
    .option('--since <time>', 'started at or after', (v) => when(v))
    .option('--until <time>', 'started before', (v) => when(v))
    .option('--environment <env>', 'only this environment')
    .action(
      async (o: {
        service?: string;
        team?: string;
        since?: string;
        until?: string;
        environment?: string;
      }) => {
        const out = ctx.output();
        const list = await ctx.client().request<Deployment[]>('GET', '/deployments', {
          query: { service: o.service, team: o.team, from: o.since, to: o.until, environment: o.environment },
        });
        out.result(list, (rows) => table(out, rows));
      },
    );

  deploy
    .command('get')
    .description('Show one deployment')
    .argument('<id>', 'the deployment id, e.g. DEP-12')
    .action(async (id: string) => {
      const out = ctx.output();
      const d = await ctx.client().request<Deployment>('GET', `/deployments/${enc(id)}`);
      out.result(d, (x) =>
        out.details([
          ['ID', x.id],
          ['Service', x.service],
          ['Team', x.team ?? '-'],
          ['Version', x.version],
          ['Commit', x.commit],
          ['Commit time', time(x.commitTime)],
          ['Started', time(x.startedAt)],
          ['Finished', time(x.finishedAt)],
          ['Environment', x.environment],
          ['Status', x.status],
          ['Author', x.author ?? '-'],
          ['Recorded by', x.recordedBy],
          ['Pipeline', x.pipelineUrl ?? '-'],
          ['Gate decision', x.gateDecision ?? '-'],
          ['Labels', x.labels.join(', ') || '-'],
          ['Incidents', x.incidents.join(', ') || '-'],
        ]),
      );
    });

  deploy
    .command('link')
    .description('Link a deployment to the incident it caused')
    .argument('<deployment>', 'the deployment id, e.g. DEP-12')
    .requiredOption('--incident <id>', 'the incident id, e.g. INC-3')
    .option('--suggested', 'the link accepts a suggestion (headroom deploy suggest)')
    .action(async (deployment: string, o: { incident: string; suggested?: boolean }) => {
      const out = ctx.output();
      const list = await ctx
        .client()
        .request<IncidentDeploymentLink[]>('POST', `/incidents/${enc(o.incident)}/deployments`, {
          body: { deployment, source: o.suggested ? 'suggestion' : 'manual' },
        });
      out.result(list, (rows) => links(out, rows));
      out.note(`Linked ${deployment} to ${o.incident}.`);
    });

  deploy
    .command('unlink')
    .description('Remove the link between a deployment and an incident')
    .argument('<deployment>', 'the deployment id')
    .requiredOption('--incident <id>', 'the incident id')
    .action(async (deployment: string, o: { incident: string }) => {
      const out = ctx.output();
      const list = await ctx
        .client()
        .request<IncidentDeploymentLink[]>(
          'DELETE',
          `/incidents/${enc(o.incident)}/deployments/${enc(deployment)}`,
        );
      out.result(list, (rows) => links(out, rows));
      out.note(`Unlinked ${deployment} from ${o.incident}.`);
    });

  deploy
    .command('suggest')
    .description("Deployments of an incident's services shortly before its impact started, nearest first")
    .argument('<incident>', 'the incident id')
    .option('--hours <n>', 'how far back to look (default 24)', (v) => Number(v))
    .action(async (incident: string, o: { hours?: number }) => {
      const out = ctx.output();
      const s = await ctx
        .client()
        .request<DeploymentSuggestions>('GET', `/incidents/${enc(incident)}/deployment-suggestions`, {
          query: { hours: o.hours },
        });
      out.result(s, (x) => {
        out.line(
          `Looking back ${x.hours} h from ${x.reference} ${time(x.referenceTime)} (${x.services.join(', ')})`,
        );
        out.table(
          ['DEPLOYMENT', 'SERVICE', 'VERSION', 'STARTED', 'REASON'],
          x.suggestions.map((g) => [
            g.deployment.id,
            g.deployment.service,
            g.deployment.version,
            time(g.deployment.startedAt),
            g.reason,
          ]),
          'no deployments to suggest',
        );
      });
    });
}
