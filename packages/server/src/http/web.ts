/**
 * Serves the web UI (packages/web, built by Vite) at `/`: hashed assets under /assets/ cached for a year,
 * index.html never cached, and every other GET outside the API answered with index.html so deep
 * links (`/slos/checkout-availability`) load the app, which routes in the browser.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** packages/web/dist, from src/http (tests) and dist/http (built) alike. */
export const DEFAULT_WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Paths that belong to the server, never to the UI's router. */
const SERVER_PATHS = /^\/(api|ack|ical|metrics|healthz|readyz|v2|assets)(\/|$)/;

// The UI loads only its own scripts; uPlot and React set inline styles, hence 'unsafe-inline' for styles only.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
}

export async function registerWeb(app: FastifyInstance, webDir: string = DEFAULT_WEB_DIR): Promise<void> {
  const index = join(webDir, 'index.html');
  if (!existsSync(index)) {
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(
          `Headroom's API is running at /api/v1, but the web UI is not built (${index} is missing).\n` +
            'Run `npm run build` (or `npm run build -w packages/web`) and restart.\n',
        ),
    );
    return;
  }
  // Only /assets/ is files (looked up per request, so a rebuilt UI needs no restart); Vite names
  // them by content hash, so a changed file is a new URL and they never go stale.
  // (@fastify/static 10 passes the reply to setHeaders, not the raw response its types name.)
  const assets = join(webDir, 'assets');
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    index: false,
    setHeaders: (reply, path) => {
      if (path.startsWith(assets))
        (reply as unknown as FastifyReply).header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const sendIndex = async (_request: unknown, reply: FastifyReply) =>
    htmlHeaders(reply).sendFile('index.html', webDir, { cacheControl: false });
  app.get('/', { config: { public: true }, schema: { hide: true } }, sendIndex);
  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(path)) return reply.callNotFound();
    return sendIndex(request, reply);
  });
}
