/**
 * Child process of a benchmark: the built Headroom server (packages/server/dist) on 127.0.0.1 and
 * a free port, configured from HEADROOM_* variables. Prints `{"url": …}` on stdout once it
 * listens and stops cleanly on SIGTERM (startServer's own handler).
 */
import { configFromEnv, startServer } from '@headroom/server';

const config = { ...configFromEnv(process.env), host: '127.0.0.1', port: 0 };
const server = await startServer(config, (line) => process.stderr.write(`[server] ${line}\n`));
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
