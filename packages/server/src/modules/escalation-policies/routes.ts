import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { EscalationPolicyDetail, EscalationPolicySummary } from '@headroom/core/api/escalation-policy';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { getEscalationPolicy, listEscalationPolicies } from './service.js';

const NameParam = Type.Object({
  name: Type.String({ description: 'metadata.name of the escalation policy', maxLength: 63 }),
});

export const escalationPolicyRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/escalation-policies',
    {
      schema: {
        tags: ['oncall'],
        summary: 'List escalation policies',
        description:
          'Every escalation policy (a headroom.dev/v1 EscalationPolicy, written by apply) with its steps: ' +
          'whom each notifies (schedules, users, channels) and the delay before the next step.',
        security,
        response: { 200: Type.Array(EscalationPolicySummary), ...errorResponses() },
      },
    },
    async () => listEscalationPolicies(db),
  );
  app.get(
    '/escalation-policies/:name',
    {
      schema: {
        tags: ['oncall'],
        summary: 'Get an escalation policy',
        description:
          'The steps and, for each, whom it would notify right now: schedules resolve to whoever is on ' +
          'call at `at`; `notes` say why a target gives nobody (nobody on call, a user or schedule that is gone).',
        security,
        params: NameParam,
        response: { 200: EscalationPolicyDetail, ...errorResponses(404) },
      },
    },
    async (request) => getEscalationPolicy(db, request.params.name),
  );
};
