import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  FeedCreated,
  FinalSchedule,
  FinalScheduleQuery,
  OnCallEntry,
  OnCallQuery,
  OverrideCreate,
  OverrideListQuery,
  ScheduleDetail,
  ScheduleOverride,
  ScheduleSummary,
  UserFeedQuery,
} from '@headroom/core/api/schedule';
import { NotFoundError } from '@headroom/core/errors';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import type { ServerConfig } from '../../config.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import {
  createScheduleFeed,
  createUserFeed,
  revokeScheduleFeed,
  revokeUserFeed,
  scheduleFeedCalendar,
  userFeedCalendar,
} from './feeds.js';
import {
  createOverride,
  finalScheduleFor,
  getSchedule,
  listOverrides,
  listSchedules,
  onCallAcross,
  removeOverride,
} from './service.js';

const NameParam = Type.Object({
  name: Type.String({ description: 'metadata.name of the schedule', maxLength: 63 }),
});
const OverrideParams = Type.Object({
  name: Type.String({ description: 'metadata.name of the schedule', maxLength: 63 }),
  id: Type.String({ description: 'The override id', maxLength: 100 }),
});

const baseUrl = (config: ServerConfig, request: FastifyRequest) =>
  (config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');

export const scheduleRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  app.get(
    '/schedules',
    {
      schema: {
        tags: ['oncall'],
        summary: 'List on-call schedules',
        description:
          'Every schedule (a headroom.dev/v1 Schedule, written by apply) with who is on call now, since when, ' +
          'and the next hand-off (the next change of person).',
        security,
        response: { 200: Type.Array(ScheduleSummary), ...errorResponses() },
      },
    },
    async () => listSchedules(db),
  );
  app.get(
    '/schedules/:name',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Get an on-call schedule',
        description:
          'The layers (lowest first: a later layer wins), who is on call now and the next hand-off, the ' +
          'overrides that have not ended, and whether a secret iCalendar feed exists.',
        security,
        params: NameParam,
        response: { 200: ScheduleDetail, ...errorResponses(404) },
      },
    },
    async (request) => getSchedule(db, request.params.name),
  );
  app.get(
    '/schedules/:name/final',
    {
      schema: {
        tags: ['oncall'],
        summary: 'The final schedule for a range',
        description:
          'Who is on call from `from` (default now) to `to` (default 7 days later, at most 366 days), with ' +
          'overrides and every layer applied. The entries partition the range exactly; `user: null` is a gap.',
        security,
        params: NameParam,
        querystring: FinalScheduleQuery,
        response: { 200: FinalSchedule, ...errorResponses(404) },
      },
    },
    async (request) => finalScheduleFor(db, request.params.name, request.query),
  );
  app.get(
    '/schedules/:name/overrides',
    {
      schema: {
        tags: ['oncall'],
        summary: 'List a schedule’s overrides',
        description: 'Overrides ending after `from` (default now), by start.',
        security,
        params: NameParam,
        querystring: OverrideListQuery,
        response: { 200: Type.Array(ScheduleOverride), ...errorResponses(404) },
      },
    },
    async (request) => listOverrides(db, request.params.name, request.query.from),
  );
  app.post(
    '/schedules/:name/overrides',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Put someone on call for a period',
        description:
          'Editors of the owning team and admins. The override wins over every layer from start to end. ' +
          '400 UNKNOWN_USER for a user not in the catalog; 409 OVERRIDE_OVERLAP when it overlaps another override.',
        security,
        params: NameParam,
        body: OverrideCreate,
        response: { 201: ScheduleOverride, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createOverride(db, ctxOf(request), request.params.name, request.body)),
  );
  app.delete(
    '/schedules/:name/overrides/:id',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Remove an override',
        description:
          'Editors of the owning team and admins. 409 OVERRIDE_ENDED for one that is over (kept as history).',
        security,
        params: OverrideParams,
        response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await removeOverride(db, ctxOf(request), request.params.name, request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/schedules/:name/feed',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Create or rotate the schedule’s secret iCalendar URL',
        description:
          'Editors of the owning team and admins. Returns the URL once (only a hash is kept); an earlier URL ' +
          'stops working. Subscribe to it in a calendar app: the last 30 and next 90 days, refreshed hourly.',
        security,
        params: NameParam,
        response: { 201: FeedCreated, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createScheduleFeed(db, ctxOf(request), request.params.name, baseUrl(config, request))),
  );
  app.delete(
    '/schedules/:name/feed',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Revoke the schedule’s iCalendar URL',
        description: 'Editors of the owning team and admins. 404 FEED_NOT_FOUND when there is none.',
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await revokeScheduleFeed(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/oncall',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Who is on call, in every schedule',
        description:
          'At `at` (default now): the person on call in each schedule, since when, and the next hand-off.',
        security,
        querystring: OnCallQuery,
        response: { 200: Type.Array(OnCallEntry), ...errorResponses() },
      },
    },
    async (request) => onCallAcross(db, request.query.at),
  );
  app.post(
    '/oncall/feed',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Create or rotate a person’s secret iCalendar URL',
        description:
          'Their on-call shifts in every schedule. For the caller, or for `?user=` when the caller is an admin. ' +
          'Returns the URL once; an earlier URL stops working.',
        security,
        querystring: UserFeedQuery,
        response: { 201: FeedCreated, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await createUserFeed(db, ctxOf(request), request.query.user, baseUrl(config, request))),
  );
  app.delete(
    '/oncall/feed',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Revoke a person’s iCalendar URL',
        description: 'The caller’s, or `user`’s for an admin. 404 FEED_NOT_FOUND when there is none.',
        security,
        querystring: UserFeedQuery,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await revokeUserFeed(db, ctxOf(request), request.query.user);
      return reply.code(204).send(null);
    },
  );
};

const FileParam = Type.Object({ file: Type.String({ description: '`<token>.ics`', maxLength: 200 }) });
const calendarResponse = {
  200: {
    description: 'An iCalendar (RFC 5545) file',
    content: { 'text/calendar': { schema: Type.String() } },
  },
  404: errorResponses(404)[404],
};

/** The public feed URLs: the secret token is the only credential, so they sit outside /api/v1. */
export const icalRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  const serve = (kind: string, render: (token: string) => Promise<string | null>) =>
    app.get(
      `/ical/${kind}/:file`,
      {
        config: { public: true },
        schema: {
          tags: ['oncall'],
          summary: kind === 'schedules' ? 'A schedule’s iCalendar feed' : 'A person’s iCalendar feed',
          description: 'The secret URL from POST /api/v1/…/feed. 404 for an unknown or revoked token.',
          params: FileParam,
          produces: ['text/calendar'],
          response: calendarResponse,
        },
      },
      async (request, reply) => {
        const file = request.params.file;
        const body = file.endsWith('.ics') ? await render(file.slice(0, -'.ics'.length)) : null;
        if (body === null) throw new NotFoundError('Feed', 'this URL', 'FEED_NOT_FOUND');
        return reply
          .type('text/calendar; charset=utf-8')
          .header('cache-control', 'private, no-cache')
          .header('content-disposition', 'inline; filename="oncall.ics"')
          .send(body);
      },
    );
  serve('schedules', (token) => scheduleFeedCalendar(db, token));
  serve('users', (token) => userFeedCalendar(db, token));
};
