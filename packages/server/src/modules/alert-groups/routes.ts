import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AlertGroup } from '@headroom/core/api/alert-group';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { getAlertGroup, listAlertGroups } from './service.js';

export const alertGroupRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/alert-groups',
    {
      schema: {
        tags: ['alerts'],
        summary: 'List alert groups',
        description:
          'Alerts as routed: one group per route and group labels, with its members (and which silences or ' +
          'inhibitions mute them), the last notification, and when the next goes out and why.',
        security,
        response: { 200: Type.Array(AlertGroup), ...errorResponses() },
      },
    },
    async () => listAlertGroups(db),
  );
  app.get(
    '/alert-groups/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Get an alert group',
        security,
        params: Type.Object({ id: Type.String() }),
        response: { 200: AlertGroup, ...errorResponses(404) },
      },
    },
    async (request) => getAlertGroup(db, request.params.id),
  );
};
