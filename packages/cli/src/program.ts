/** The `headroom` command tree: global options, and one register function per command group. */
import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { registerAck } from './commands/ack.js';
import { registerActionItems } from './commands/action-items.js';
import { registerAlertGroups } from './commands/alert-groups.js';
import { registerAlerts } from './commands/alerts.js';
import { registerApply } from './commands/apply.js';
import { registerAudit } from './commands/audit.js';
import { registerBackfill } from './commands/backfill.js';
import { registerCapacity } from './commands/capacity.js';
import { registerCorrections } from './commands/corrections.js';
import { registerDemo } from './commands/demo.js';
import { registerDeployments } from './commands/deployments.js';
import { registerDiscovery } from './commands/discovery.js';
import { registerDora } from './commands/dora.js';
import { registerEscalationPolicies } from './commands/escalation-policies.js';
import { registerExemptions } from './commands/exemptions.js';
import { registerExport } from './commands/export.js';
import { registerFeedback } from './commands/feedback.js';
import { registerForecast } from './commands/forecast.js';
import { registerGate } from './commands/gate.js';
import { registerIncidents } from './commands/incidents.js';
import { registerIngest } from './commands/ingest.js';
import { registerIntegrations } from './commands/integrations.js';
import { registerInterviews } from './commands/interviews.js';
import { registerChannels, registerNotifications } from './commands/notifications.js';
import { registerPolicy } from './commands/policy.js';
import { registerPostmortems } from './commands/postmortems.js';
import { registerRoutes } from './commands/routes.js';
import { registerSchedules } from './commands/schedules.js';
import { registerServe } from './commands/serve.js';
import { registerServices } from './commands/services.js';
import { registerSilence } from './commands/silence.js';
import { registerSlo } from './commands/slo.js';
import { registerSloStatus } from './commands/slo-status.js';
import { registerPlatform, registerSurveys } from './commands/surveys.js';
import { registerTeams } from './commands/teams.js';
import { registerTokens } from './commands/tokens.js';
import { registerUsers } from './commands/users.js';
import { registerWhoami } from './commands/whoami.js';
import { CliContext, type CliIo, DEFAULT_SERVER, type GlobalOptions } from './context.js';
import { FORMATS } from './output.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const EXAMPLES = `
Examples:
  $ headroom serve                               start the server on http://127.0.0.1:7070
  $ export HEADROOM_TOKEN=<token printed on first start>
  $ headroom apply -f catalog/ --dry-run         show what applying a folder of YAML would change
  $ headroom services list --team payments
  $ headroom services get checkout -o json
  $ headroom slo list --service checkout
  $ headroom export openslo --service checkout -f slos.yaml
  $ headroom ingest events.ndjson                send SLI records (NDJSON) to their streams
  $ headroom --server https://headroom.example.com teams list

Environment:
  HEADROOM_URL     server URL, like --server (default ${DEFAULT_SERVER})
  HEADROOM_TOKEN   API token, like --token

Exit codes: 0 done, 1 the server refused the request, 2 bad usage or server unreachable.`;

export function buildProgram(io: CliIo): Command {
  const program = new Command('headroom');
  program
    .description('Headroom: reliability, run as a product. Talks to a Headroom server over its REST API.')
    .version(version, '-V, --version', 'print the CLI version')
    .helpOption('-h, --help', 'show help for a command')
    .addOption(
      new Option('-s, --server <url>', `Headroom server URL (env HEADROOM_URL, default ${DEFAULT_SERVER})`),
    )
    .addOption(new Option('-t, --token <token>', 'API token, sent as a Bearer token (env HEADROOM_TOKEN)'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS).default('table'))
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', EXAMPLES);

  const ctx = new CliContext(io, () => program.opts<GlobalOptions>());
  registerServe(program, ctx);
  registerDemo(program, ctx);
  registerApply(program, ctx);
  registerServices(program, ctx);
  registerTeams(program, ctx);
  registerUsers(program, ctx);
  registerTokens(program, ctx);
  registerWhoami(program, ctx);
  registerAudit(program, ctx);
  registerSloStatus(registerSlo(program, ctx), ctx);
  registerCorrections(program, ctx);
  registerIntegrations(program, ctx);
  registerAlerts(program, ctx);
  registerAlertGroups(program, ctx);
  registerAck(program, ctx);
  registerSilence(program, ctx);
  registerRoutes(program, ctx);
  registerExport(program, ctx);
  registerIngest(program, ctx);
  registerBackfill(program, ctx);
  registerNotifications(program, ctx);
  registerChannels(program, ctx);
  registerSchedules(program, ctx);
  registerIncidents(program, ctx);
  registerPostmortems(program, ctx);
  registerActionItems(program, ctx);
  registerEscalationPolicies(program, ctx);
  registerGate(program, ctx);
  registerPolicy(program, ctx);
  registerExemptions(program, ctx);
  registerDeployments(program, ctx);
  registerDiscovery(program, ctx);
  registerDora(program, ctx);
  registerForecast(program, ctx);
  registerCapacity(program, ctx);
  registerFeedback(program, ctx);
  registerInterviews(program, ctx);
  registerSurveys(program, ctx);
  registerPlatform(program, ctx);
  return program;
}
