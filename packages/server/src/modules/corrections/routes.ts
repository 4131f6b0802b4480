import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BudgetCorrection, CorrectionListQuery } from '@headroom/core/api/correction';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { getCorrection, listCorrections } from './service.js';

export const correctionRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/corrections',
    {
      schema: {
        tags: ['slos'],
        summary: 'List budget corrections',
        description:
          'Every budget correction (a headroom.dev/v1 BudgetCorrection, written by apply) with the SLOs ' +
          'it selects now and its current or next occurrence. Buckets inside an occurrence count ' +
          'neither for nor against the selected SLOs’ budgets.',
        security,
        querystring: CorrectionListQuery,
        response: { 200: Type.Array(BudgetCorrection), ...errorResponses() },
      },
    },
    async (request) => listCorrections(db, request.query),
  );
  app.get(
    '/corrections/:name',
    {
      schema: {
        tags: ['slos'],
        summary: 'Get a budget correction',
        security,
        params: Type.Object({ name: Type.String({ description: 'metadata.name of the correction' }) }),
        response: { 200: BudgetCorrection, ...errorResponses(404) },
      },
    },
    async (request) => getCorrection(db, request.params.name),
  );
};
