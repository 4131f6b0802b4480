import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ChannelTestResult,
  Notification,
  NotificationChannel,
  NotificationDetail,
  NotificationListQuery,
} from '@headroom/core/api/notification';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import {
  getChannelView,
  getNotification,
  listChannelViews,
  listNotifications,
  retryNotification,
  testChannel,
} from './service.js';

const ChannelName = Type.Object({ name: Type.String({ description: 'metadata.name of the channel' }) });
const NotificationId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const notificationRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/channels',
    {
      schema: {
        tags: ['notifications'],
        summary: 'List notification channels',
        description:
          'Every notification channel (a headroom.dev/v1 NotificationChannel, written by apply). Secrets — signing secrets, header values, Slack webhook URLs, SMTP passwords — are never shown; `secrets` names those that are set.',
        security,
        response: { 200: Type.Array(NotificationChannel), ...errorResponses() },
      },
    },
    async () => listChannelViews(db),
  );
  app.get(
    '/channels/:name',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Get a notification channel',
        security,
        params: ChannelName,
        response: { 200: NotificationChannel, ...errorResponses(404) },
      },
    },
    async (request) => getChannelView(db, request.params.name),
  );
  app.post(
    '/channels/:name/test',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Send a test notification through a channel',
        description:
          'Enqueues a test notification (editors and admins); the dispatcher delivers it like any other. Follow it with GET /notifications/{id}.',
        security,
        params: ChannelName,
        response: { 202: ChannelTestResult, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return testChannel(db, ctxOf(request), request.params.name);
    },
  );
  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'List notifications in the outbox, newest first',
        description:
          'Filter by status (dead: the dead letters) and channel; page back with cursor = the last id of the previous page.',
        security,
        querystring: NotificationListQuery,
        response: { 200: Type.Array(Notification), ...errorResponses() },
      },
    },
    async (request) => listNotifications(db, request.query),
  );
  app.get(
    '/notifications/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Get a notification with every delivery attempt',
        security,
        params: NotificationId,
        response: { 200: NotificationDetail, ...errorResponses(404) },
      },
    },
    async (request) => getNotification(db, request.params.id),
  );
  app.post(
    '/notifications/:id/retry',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Retry a dead notification',
        description:
          'Moves a dead notification back to pending, due now, with a fresh set of attempts (editors and admins). 409 NOT_DEAD for any other status.',
        security,
        params: NotificationId,
        response: { 200: Notification, ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => retryNotification(db, ctxOf(request), request.params.id),
  );
};
