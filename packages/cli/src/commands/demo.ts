import { parseDemoDuration } from '@headroom/core/demo/traffic';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.js';
import { integer } from '../options.js';

function duration(what: string, min = 0): (value: string) => number {
  return (value) => {
    const ms = parseDemoDuration(value);
    if (ms === null || ms < min)
      throw new InvalidArgumentError(`Expected ${what} such as 30s, 3m, 2h or 30d.`);
    return ms;
  };
}

export interface DemoCommandOptions {
  port?: number;
  dataDir: string;
  faultAfter: number;
  fault: boolean;
  history: number;
  tick: number;
}

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'Run Headroom with a live demo organisation: services, SLOs, on-call, alerts and a scripted fault',
    )
    .option(
      '-p, --port <port>',
      'port to listen on (env HEADROOM_PORT, default 7070; 0 picks a free one)',
      integer(0, 65535),
    )
    .option(
      '--data-dir <dir>',
      'folder of the demo database; an existing demo there is continued',
      './data/demo',
    )
    .option(
      '--fault-after <duration>',
      'when the checkout latency fault starts, after ready',
      duration('a duration'),
      3 * 60_000,
    )
    .option('--no-fault', 'no scripted fault')
    .addOption(
      new Option('--history <duration>', 'SLI history to backfill on a new demo')
        .argParser(duration('a duration of at least 1h', 3_600_000))
        .default(30 * 86_400_000)
        .hideHelp(),
    )
    .addOption(
      new Option('--tick <duration>', 'how often live data is sent')
        .argParser(duration('a duration of at least 100ms', 100))
        .default(10_000)
        .hideHelp(),
    )
    .addHelpText(
      'after',
      `
Starts the server (as \`serve\`) on a SQLite database in --data-dir, applies the demo organisation
from the repository's demo/ folder (teams, users, services, SLOs, routes, channels, schedules,
escalation policies), backfills 30 days of SLI data through the ingest API, declares a past
incident, then sends live traffic. Notification channels point at a receiver inside this process,
which prints every notification it gets. The admin token is HEADROOM_ADMIN_TOKEN when set, else
the demo's public token; the admin's password is headroom-demo. Ctrl+C stops it.

Examples:
  $ headroom demo
  $ headroom demo --port 8080 --fault-after 10m
  $ headroom demo --data-dir /tmp/headroom-demo --no-fault`,
    )
    .action(async (options: DemoCommandOptions) => {
      const { runDemo } = await import('../demo/run.js');
      await runDemo(
        {
          port: options.port,
          dataDir: options.dataDir,
          faultAfterMs: options.fault ? options.faultAfter : null,
          historyMs: options.history,
          tickMs: options.tick,
        },
        ctx.env,
        ctx.cwd,
        (line) => ctx.io.stdout.write(`${line}\n`),
      );
    });
}
