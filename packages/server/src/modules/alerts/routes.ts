import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Alert, AlertListQuery, AlertWithEvents } from '@headroom/core/api/alert';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { getAlert, listAlerts } from './service.js';

export const alertRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'List alerts, newest first',
        description:
          'One alert per identity (Alertmanager’s fingerprint of the labels; for PagerDuty events the ' +
          'dedup_key within its integration), from every source: Alertmanager, PagerDuty-compatible ' +
          'events, the generic endpoint and Headroom itself. Filters combine; `label=name=value` may ' +
          'repeat. Page on with `cursor` set to the last id of the previous page.',
        security,
        querystring: AlertListQuery,
        response: { 200: Type.Array(Alert), ...errorResponses() },
      },
    },
    async (request) => listAlerts(db, request.query),
  );

  app.get(
    '/alerts/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Get an alert and its events',
        security,
        params: Type.Object({
          id: Type.String({ description: 'Alert id, or its 16-hex-digit fingerprint' }),
        }),
        response: { 200: AlertWithEvents, ...errorResponses(404) },
      },
    },
    async (request) => getAlert(db, request.params.id),
  );
};
