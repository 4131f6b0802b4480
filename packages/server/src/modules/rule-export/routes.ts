import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { exportPrometheusRules } from './service.js';

export const ruleExportRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/export/prometheus-rules',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Export burn-rate alerts as a Prometheus rule file',
        description:
          'Recording rules of each SLO’s events and errors over the burn-rate windows and the SLO window, ' +
          'error ratios as ratios of those sums, and the page and ticket alerts with Headroom’s factors, ' +
          'minimum events and labels. SLOs whose data Prometheus does not hold, timeslice and composite SLOs ' +
          'are listed as comments and in the `Headroom-Skipped` header (a count).',
        security,
        querystring: Type.Object({
          service: Type.Optional(Type.String({ description: 'Only SLOs of this service' })),
        }),
        produces: ['application/yaml'],
        response: {
          200: {
            description: 'A Prometheus rule file (`promtool check rules` accepts it)',
            content: { 'application/yaml': { schema: Type.String() } },
          },
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const result = await exportPrometheusRules(db, request.query);
      return reply
        .type('application/yaml; charset=utf-8')
        .header('headroom-skipped', String(result.skipped.length))
        .send(result.yaml);
    },
  );
};
