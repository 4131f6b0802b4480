import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  InhibitRule,
  RouteTestRequest,
  RouteTestResult,
  RouteTree,
  Silence,
  SilenceCreate,
  SilenceListQuery,
} from '@headroom/core/api/routing';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import {
  createSilence,
  expireSilence,
  getSilence,
  listInhibitRules,
  listSilences,
  routeTreeView,
  testRoutes,
} from './service.js';

const IdParam = Type.Object({ id: Type.String({ description: 'The silence id', maxLength: 100 }) });

export const routingRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/routes',
    {
      schema: {
        tags: ['routing'],
        summary: 'The effective alert route tree',
        description:
          'Every route depth-first, the root first, with its options after inheritance (receiver, group_by, ' +
          'group_wait, group_interval, repeat_interval) and its Alertmanager route key. Routes are ' +
          'headroom.dev/v1 Route documents applied with headroom apply.',
        security,
        response: { 200: RouteTree, ...errorResponses() },
      },
    },
    async () => routeTreeView(db),
  );
  app.post(
    '/routes/test',
    {
      schema: {
        tags: ['routing'],
        summary: 'Which routes and receivers a label set reaches',
        description:
          'Like amtool config routes test: the matching routes in order, their receivers, the group key ' +
          'and group labels on each, and the active silences that would mute the alert. Changes nothing.',
        security,
        body: RouteTestRequest,
        response: { 200: RouteTestResult, ...errorResponses() },
      },
    },
    async (request) => testRoutes(db, request.body.labels),
  );
  app.get(
    '/inhibit-rules',
    {
      schema: {
        tags: ['routing'],
        summary: 'Inhibition rules',
        description:
          'The built-in rules (a page for an SLO mutes its ticket) and the InhibitRule documents: while a firing ' +
          'alert matches sourceMatchers, alerts matching targetMatchers with the same equal labels are muted.',
        security,
        response: { 200: Type.Array(InhibitRule), ...errorResponses() },
      },
    },
    async () => listInhibitRules(db),
  );
  app.get(
    '/silences',
    {
      schema: {
        tags: ['routing'],
        summary: 'List silences',
        description:
          'Active silences first (soonest end first), then pending (soonest start first), then expired (most ' +
          'recent first). Expired silences are kept as history.',
        security,
        querystring: SilenceListQuery,
        response: { 200: Type.Array(Silence), ...errorResponses() },
      },
    },
    async (request) => listSilences(db, request.query),
  );
  app.post(
    '/silences',
    {
      schema: {
        tags: ['routing'],
        summary: 'Create a silence',
        description:
          'Editors and admins. Matchers in Alertmanager syntax; at least one must not match the empty string. ' +
          'Give endsAt or duration; a start in the past means now. createdBy defaults to the caller.',
        security,
        body: SilenceCreate,
        response: { 201: Silence, ...errorResponses(403) },
      },
    },
    async (request, reply) => reply.code(201).send(await createSilence(db, ctxOf(request), request.body)),
  );
  app.get(
    '/silences/:id',
    {
      schema: {
        tags: ['routing'],
        summary: 'Get a silence',
        security,
        params: IdParam,
        response: { 200: Silence, ...errorResponses(404) },
      },
    },
    async (request) => getSilence(db, request.params.id),
  );
  app.post(
    '/silences/:id/expire',
    {
      schema: {
        tags: ['routing'],
        summary: 'Expire a silence',
        description:
          'Editors and admins. Ends the silence now (a pending one never starts); it stays in the list as ' +
          'expired. 409 SILENCE_EXPIRED when it has ended already.',
        security,
        params: IdParam,
        response: { 200: Silence, ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => expireSilence(db, ctxOf(request), request.params.id),
  );
};
