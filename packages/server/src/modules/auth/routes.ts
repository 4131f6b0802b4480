import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LoginRequest, Token, TokenCreate, TokenCreated, WhoAmI } from '@headroom/core/api/auth';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { actorOf, ctxOf, SESSION_COOKIE } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { LoginThrottle } from './login-throttle.js';
import { createToken, listTokens, login, logout, revokeToken } from './service.js';

export const authRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  // Five failed logins per user name or client address in 15 minutes, then wait.
  const throttle = new LoginThrottle({ maxFailures: 5, windowMs: 15 * 60_000 });

  app.get(
    '/auth/whoami',
    {
      schema: {
        tags: ['auth'],
        summary: 'The authenticated user, role and teams',
        security,
        response: { 200: WhoAmI, ...errorResponses() },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const user = await db
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', actor.userId ?? '')
        .executeTakeFirst();
      const teams = await db
        .selectFrom('team_members')
        .innerJoin('teams', 'teams.id', 'team_members.team_id')
        .select(['teams.name'])
        .where('team_members.user_id', '=', actor.userId ?? '')
        .orderBy('teams.name')
        .execute();
      return {
        user: actor.name,
        displayName: user?.display_name ?? null,
        role: actor.role,
        teams: teams.map((t) => t.name),
        via: request.authVia ?? 'token',
        ...(request.csrfToken && { csrfToken: request.csrfToken }),
      };
    },
  );

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a password; sets the session cookie',
        body: LoginRequest,
        response: {
          200: Type.Object({ user: Type.String(), csrfToken: Type.String(), expiresAt: Type.String() }),
          ...errorResponses(429),
        },
      },
    },
    async (request, reply) => {
      const session = await login(db, request.body.user, request.body.password, config.sessionTtlMs, {
        throttle,
        clientIp: request.ip,
        requestId: String(request.id),
      });
      reply.setCookie(SESSION_COOKIE, session.sessionId, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        expires: new Date(session.expiresAt),
      });
      return {
        user: request.body.user,
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await logout(db, sessionId, String(request.id));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'API tokens: your own, or every token for an admin',
        security,
        response: { 200: Type.Array(Token), ...errorResponses() },
      },
    },
    async (request) => listTokens(db, actorOf(request)),
  );

  app.post(
    '/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; the secret is returned only once',
        security,
        body: TokenCreate,
        response: { 201: TokenCreated, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => reply.code(201).send(await createToken(db, ctxOf(request), request.body)),
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        security,
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await revokeToken(db, ctxOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
