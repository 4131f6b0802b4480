import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SloAlertTiers } from '@headroom/core/api/slo-alert-tiers';
import { SloSeries, SloSeriesQuery } from '@headroom/core/api/slo-status';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { getResolvedSlo } from '../slos/service.js';
import { sloAlertTiers } from './alert-tiers.js';
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
  app.get(
    '/slos/:name/alert-tiers',
    {
      schema: {
        tags: ['slos'],
        summary: 'The multiwindow burn-rate alert tiers now: each window pair against its threshold',
        description:
          'For each objective (a composite: its one budget) the page and ticket tiers, each window pair’s ' +
          'burn rates against its factor, the minimum-events rule, whether the tier fires now, and its ' +
          'alert in the alert store. Computed from the stored data at request time.',
        security,
        params: Type.Object({ name: Type.String() }),
        response: { 200: SloAlertTiers, ...errorResponses(404) },
      },
    },
    async (request) => {
      const resolved = await getResolvedSlo(db, request.params.name);
      return sloAlertTiers(db, resolved.name, resolved.slo);
    },
  );
};
