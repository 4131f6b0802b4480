import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { integer } from '../options.js';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Run the Headroom server (API, metrics, health checks)')
    .option(
      '-p, --port <port>',
      'port to listen on (env HEADROOM_PORT, default 7070; 0 picks a free one)',
      integer(0, 65535),
    )
    .option('--host <host>', 'address to listen on (env HEADROOM_HOST, default 127.0.0.1)')
    .addHelpText(
      'after',
      `
The database comes from HEADROOM_DATABASE_URL: a file path or sqlite:<path> (default ./data/headroom.db)
or postgres://user:password@host/db. Migrations run at start. On the first start with an empty database
an "admin" user is created; its API token is HEADROOM_ADMIN_TOKEN if set, otherwise printed once.

Examples:
  $ headroom serve
  $ headroom serve --port 8080 --host 0.0.0.0
  $ HEADROOM_DATABASE_URL=postgres://headroom@db/headroom headroom serve`,
    )
    .action(async (options: { port?: number; host?: string }) => {
      // Loaded on demand: the server pulls in fastify and the database drivers, which other commands never need.
      const { configFromEnv, startServer } = await import('@headroom/server');
      const config = configFromEnv(ctx.env);
      if (options.port !== undefined) config.port = options.port;
      if (options.host !== undefined) config.host = options.host;
      await startServer(config, (line) => ctx.io.stdout.write(`${line}\n`));
    });
}
