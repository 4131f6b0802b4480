import type { Integration, IntegrationCreated, IntegrationType } from '@headroom/core/api/integration';
import { INTEGRATION_TYPES } from '@headroom/core/api/integration';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { integer } from '../options.js';
import type { Output } from '../output.js';
import { time } from '../output.js';

const enc = encodeURIComponent;

/** The `receivers:` entry for alertmanager.yml, with the token as the bearer credentials. */
export function alertmanagerSnippet(url: string, token: string): string {
  return `receivers:
  - name: headroom
    webhook_configs:
      - url: ${url}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${token}`;
}

function printCreated(out: Output, created: IntegrationCreated): void {
  const { integration: i, secret } = created;
  out.line(`Created ${i.type} integration "${i.name}" (id ${i.id}).`);
  if (i.type === 'alertmanager') {
    out.line('Its token, shown only this once, is in the receiver below. Add it to alertmanager.yml and');
    out.line('route alerts to it (Alertmanager 0.22 or newer for http_config.authorization):');
    out.line();
    out.line(alertmanagerSnippet(i.url, secret));
  } else if (i.type === 'pagerduty') {
    out.line('Its routing key (integration key), shown only this once:');
    out.line(`  ${secret}`);
    out.line();
    out.line('In your PagerDuty Events API v2 client, replace https://events.pagerduty.com/v2/enqueue with');
    out.line(`  ${i.url}`);
    out.line('and send the routing key above as routing_key.');
  } else {
    out.line('Its token, shown only this once:');
    out.line(`  ${secret}`);
    out.line();
    out.line('Send alerts with:');
    out.line(
      `  curl -X POST ${i.url} -H 'Authorization: Bearer ${secret}' -H 'Content-Type: application/json' \\`,
    );
    out.line(
      `    -d '{"alerts":[{"labels":{"alertname":"BackupMissing","severity":"warning"},"summary":"No backup for 26 hours"}]}'`,
    );
  }
}

const state = (i: Integration) => (i.revokedAt ? 'revoked' : 'active');
const timeout = (i: Integration) =>
  i.effectiveResolveTimeoutMinutes === 0
    ? 'never'
    : `${i.effectiveResolveTimeoutMinutes}m${i.resolveTimeoutMinutes === null ? ' (default)' : ''}`;

/** `headroom integrations …`. */
export function registerIntegrations(program: Command, ctx: CliContext): void {
  const integrations = program
    .command('integrations')
    .alias('integration')
    .description('Where alerts from outside come in: Alertmanager, PagerDuty Events v2 clients, generic JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ headroom integrations create --type alertmanager --name prometheus-prod
  $ headroom integrations create --type pagerduty --name datadog --team payments
  $ headroom integrations create --type generic --name cron-checks --resolve-timeout-minutes 120
  $ headroom integrations list
  $ headroom integrations delete prometheus-prod`,
    );

  integrations
    .command('create')
    .description('Create an integration and print its token or routing key once, with how to use it')
    .addOption(
      new Option('--type <type>', 'alertmanager, pagerduty or generic')
        .choices(INTEGRATION_TYPES)
        .makeOptionMandatory(),
    )
    .requiredOption('--name <name>', 'a name for it, e.g. prometheus-prod (lower-case letters, digits, -)')
    .option('--team <team>', 'owning team: its editors may manage it (default: admins only)')
    .option(
      '--resolve-timeout-minutes <minutes>',
      'auto-resolve a firing alert not re-sent for this long; 0 = never (default: the server’s)',
      integer(0, 525_600),
    )
    .action(
      async (o: { type: IntegrationType; name: string; team?: string; resolveTimeoutMinutes?: number }) => {
        const created = await ctx.client().request<IntegrationCreated>('POST', '/integrations', { body: o });
        const out = ctx.output();
        out.result(created, (c) => printCreated(out, c));
        out.note(
          'warning: this is the only time the secret is shown. Store it now; it cannot be shown again.',
        );
      },
    );

  integrations
    .command('list')
    .alias('ls')
    .description('List integrations, revoked ones too')
    .action(async () => {
      const out = ctx.output();
      out.result(await ctx.client().request<Integration[]>('GET', '/integrations'), (list) =>
        out.table(
          ['ID', 'NAME', 'TYPE', 'TEAM', 'PREFIX', 'STATE', 'LAST RECEIVED', 'RESOLVE TIMEOUT', 'URL'],
          list.map((i) => [
            i.id,
            i.name,
            i.type,
            i.team,
            i.prefix,
            state(i),
            i.lastReceivedAt ? time(i.lastReceivedAt) : 'never',
            timeout(i),
            i.url,
          ]),
          'no integrations',
        ),
      );
    });

  integrations
    .command('delete')
    .alias('revoke')
    .description('Revoke an integration: its token or routing key is refused from now on; its alerts stay')
    .argument('<integration>', 'integration name or id')
    .action(async (name: string) => {
      await ctx.client().request<void>('DELETE', `/integrations/${enc(name)}`);
      const out = ctx.output();
      out.result({ revoked: name }, () => out.line(`revoked integration ${name}`));
    });
}
