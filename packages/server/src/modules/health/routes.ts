import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { migrationsComplete, ping } from '../../db/index.js';

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** /healthz: the process answers. /readyz: the database answers and every migration is applied. */
export const healthRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Health } } },
    async () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      try {
        await ping(db);
        checks.database = 'ok';
        checks.migrations = (await migrationsComplete(db)) ? 'ok' : 'pending';
      } catch (e) {
        checks.database = `unreachable: ${(e as Error).message}`;
      }
      const ready = Object.values(checks).every((v) => v === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
};
