import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SloSeries, SloSeriesQuery } from '@headroom/core/api/slo-status';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { getResolvedSlo } from '../slos/service.js';
import { sloSeries } from './series.js';

export const sloStatusRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/slos/:name/series',
    {
      schema: {
        tags: ['slos'],
        summary: 'SLI, error budget remaining and 1-hour burn rate over time, for charts',
        security,
        params: Type.Object({ name: Type.String() }),
        querystring: SloSeriesQuery,
        response: { 200: SloSeries, ...errorResponses(404) },
      },
    },
    async (request) => {
      const resolved = await getResolvedSlo(db, request.params.name);
      const { from, to, step } = request.query;
      return sloSeries(db, resolved.name, resolved.slo, {
        ...(from && { from: Date.parse(from) }),
        ...(to && { to: Date.parse(to) }),
        ...(step && { step }),
      });
    },
  );
};
