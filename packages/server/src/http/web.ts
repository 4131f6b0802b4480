/**
 * Serves the web UI (packages/web, built by Vite) at `/`: hashed assets under /assets/ cached for
 * a year, index.html never cached, and a browser navigating to any other path outside the API
 * gets index.html, so deep links (`/slos/checkout-availability`) load the app, which routes in
 * the browser. That last part is a not-found fallback rather than a wildcard route, so routing,
 * authentication and its errors (401, 414) stay exactly as they are for the API.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** packages/web/dist, from src/http (tests) and dist/http (built) alike. */
export const DEFAULT_WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Paths that belong to the server, never to the UI's router. */
const SERVER_PATHS = /^\/(api|ack|ical|metrics|healthz|readyz|v2|assets)(\/|$)/;

// The UI loads only its own scripts; uPlot and React set inline styles, hence 'unsafe-inline' for styles only.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** Answers a request the router had no route for; true when it did (the UI's index.html). */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

export interface WebUi {
  /** Registers `/` and `/assets/`; call after the problem handlers. */
  register(app: FastifyInstance): Promise<void>;
  fallback: NotFoundFallback;
}

export function webUi(webDir: string = DEFAULT_WEB_DIR): WebUi {
  const index = join(webDir, 'index.html');
  const assets = join(webDir, 'assets');
  const sendIndex = async (reply: FastifyReply) => {
    // Looked up per request, so a rebuilt UI needs no restart.
    if (!existsSync(index)) {
      await reply
        .type('text/plain; charset=utf-8')
        .send(
          `Headroom's API is running at /api/v1, but the web UI is not built (${index} is missing).\n` +
            'Run `npm run build` (or `npm run build -w packages/web`) and restart.\n',
        );
      return;
    }
    await reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .sendFile('index.html', webDir, { cacheControl: false });
  };
  return {
    async register(app) {
      // Vite names assets by content hash: a changed file is a new URL, so they never go stale.
      await app.register(fastifyStatic, {
        root: assets,
        prefix: '/assets/',
        index: false,
        maxAge: '365d',
        immutable: true,
      });
      app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
        sendIndex(reply),
      );
    },
    async fallback(request, reply) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return false;
      const path = request.url.split('?')[0] ?? '/';
      // Only browsers navigating get the app; API clients and scripts get the 404 problem.
      if (SERVER_PATHS.test(path) || !(request.headers.accept ?? '').includes('text/html')) return false;
      await sendIndex(reply);
      return true;
    },
  };
}
