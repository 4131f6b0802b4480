import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditEntry } from '@headroom/core/api/auth';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { listAudit } from './service.js';

export const auditRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who changed what, newest first',
        security,
        querystring: Type.Object({
          targetKind: Type.Optional(Type.String()),
          targetRef: Type.Optional(Type.String()),
          actor: Type.Optional(Type.String()),
          before: Type.Optional(
            Type.String({ format: 'date-time', description: 'Only entries made before this time' }),
          ),
          cursor: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'Page back: only entries older than the entry with this id (the last id of the previous page)',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: { 200: Type.Array(AuditEntry), ...errorResponses() },
      },
    },
    async (request) => {
      const { before, limit, ...rest } = request.query;
      return listAudit(db, { ...rest, limit: limit ?? 100, ...(before && { before: Date.parse(before) }) });
    },
  );
};
