import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BackfillRequest, BackfillResult } from '@headroom/core/api/backfill';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { actorOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { backfillSlo } from './service.js';

export const prometheusRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.post(
    '/slos/:name/backfill',
    {
      schema: {
        tags: ['slos'],
        summary: 'Backfill a Prometheus-backed SLO',
        description:
          'Reads the history of each of the SLO’s Prometheus indicators with query_range, a day per request, ' +
          'newest first, into its per-minute buckets, back to `since` before now. Minutes already read are not ' +
          'read again, so a retry resumes where an interrupted run stopped. Editors of the team owning the ' +
          'SLO’s service, and admins.',
        security,
        params: Type.Object({ name: Type.String({ description: 'metadata.name of the SLO' }) }),
        body: BackfillRequest,
        response: { 200: BackfillResult, ...errorResponses(403, 404, 502, 504) },
      },
    },
    async (request) => backfillSlo(db, actorOf(request), request.params.name, request.body.since),
  );
};
