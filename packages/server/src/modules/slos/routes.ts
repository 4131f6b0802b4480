import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { OpenSloExportQuery, Slo, SloListQuery } from '@headroom/core/api/slo';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { actorOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { exportOpenSlo, getSlo, listSlos } from './service.js';

export const sloRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/slos',
    {
      schema: {
        tags: ['slos'],
        summary: 'List SLOs',
        description:
          'Each SLO with its definition (objectives, window, budgeting method, indicator, where its data ' +
          'comes from) and its status (null until the evaluator has run). SLOs are written by apply.',
        security,
        querystring: SloListQuery,
        response: { 200: Type.Array(Slo), ...errorResponses() },
      },
    },
    async (request) => listSlos(db, request.query),
  );
  app.get(
    '/slos/:name',
    {
      schema: {
        tags: ['slos'],
        summary: 'Get an SLO',
        security,
        params: Type.Object({ name: Type.String({ description: 'metadata.name of the SLO' }) }),
        response: { 200: Slo, ...errorResponses(404) },
      },
    },
    async (request) => getSlo(db, request.params.name),
  );
  app.get(
    '/export/openslo',
    {
      schema: {
        tags: ['slos'],
        summary: 'Export SLOs as OpenSLO v1 YAML',
        description:
          'The SLOs (all, or one service’s) and the SLI, DataSource, AlertPolicy, AlertCondition, ' +
          'AlertNotificationTarget and Service objects they use, each document as applied; applying the ' +
          'export gives the same SLOs. DataSources (which may hold credentials) are included for admins only.',
        security,
        querystring: OpenSloExportQuery,
        produces: ['application/yaml'],
        response: {
          200: {
            description: 'OpenSLO v1 documents',
            content: { 'application/yaml': { schema: Type.String() } },
          },
          ...errorResponses(),
        },
      },
    },
    async (request, reply) =>
      reply
        .type('application/yaml; charset=utf-8')
        .send(await exportOpenSlo(db, actorOf(request), request.query)),
  );
};
