/**
 * Authentication for every /api/v1 route: a Bearer API token or the web UI's session cookie.
 * Cookie-authenticated writes must carry the session's CSRF token in X-CSRF-Token.
 */
import type { Actor } from '@headroom/core/auth/policy';
import { AuthenticationError, ForbiddenError } from '@headroom/core/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { authenticateSession, authenticateToken } from '../modules/auth/service.js';

export const SESSION_COOKIE = 'headroom_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    authVia: 'token' | 'session' | null;
    csrfToken: string | null;
  }
  interface FastifyContextConfig {
    /** Reachable without credentials. */
    public?: boolean;
  }
}

export function registerAuth(app: FastifyInstance, db: Kysely<Database>): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('csrfToken', null);

  // onRequest, before the body is parsed and validated: an unauthenticated caller gets 401 and
  // learns nothing about a route's schema, and no body is read for a request that will be refused.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (request.routeOptions.config?.public) return;
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match)
        throw new AuthenticationError('The Authorization header must be "Bearer <token>".', 'INVALID_TOKEN');
      request.actor = await authenticateToken(db, match[1]!);
      request.authVia = 'token';
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) {
      const session = await authenticateSession(db, sessionId);
      if (session) {
        if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
          throw new ForbiddenError(
            'Missing or wrong X-CSRF-Token for a cookie-authenticated write.',
            'CSRF_FAILED',
          );
        }
        request.actor = session.actor;
        request.authVia = 'session';
        request.csrfToken = session.csrfToken;
        return;
      }
    }
    throw new AuthenticationError();
  });
}

/** The authenticated actor of a non-public route (the hook guarantees one). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AuthenticationError();
  return request.actor;
}

export function ctxOf(request: FastifyRequest) {
  return { actor: actorOf(request), requestId: String(request.id) };
}
