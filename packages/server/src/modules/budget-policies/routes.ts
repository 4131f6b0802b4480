import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Exemption,
  ExemptionCreate,
  ExemptionList,
  ExemptionListQuery,
  GateDecisionList,
  GateDecisionQuery,
  GateQuery,
  GateRequest,
  GateResponse,
  PolicyVerdict,
} from '@headroom/core/api/budget-policy';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import {
  askGate,
  createExemption,
  gateDecisions,
  listServiceExemptions,
  removeExemption,
  servicePolicyVerdict,
} from './service.js';

const NameParam = Type.Object({ name: Type.String({ description: 'Service name or ref', maxLength: 300 }) });
const GATE_DESCRIPTION =
  'The release gate: allow, warn or deny for a change to the service, from the error budget policies ' +
  'that select it and the budgets the SLO evaluator last stored. deny = release freeze (an SLO’s budget ' +
  'is exhausted and the change carries none of the allowed labels, and no exemption covers it); warn = ' +
  'budget below the warning threshold, or a freeze passed by a label or exemption. No policy → allow. ' +
  'Each answer is recorded as a gate decision with the asking user.';

export const budgetPolicyRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/services/:name/policy',
    {
      schema: {
        tags: ['policies'],
        summary: 'Error budget policy verdict of a service',
        description:
          'The verdict for a change without labels, with the policies, the rules in force (the strictest ' +
          'of all that apply), each SLO’s budget remaining and the reasons. Not recorded.',
        security,
        params: NameParam,
        response: { 200: PolicyVerdict, ...errorResponses(404) },
      },
    },
    async (request) => servicePolicyVerdict(db, request.params.name),
  );
  app.get(
    '/services/:name/gate',
    {
      schema: {
        tags: ['policies'],
        summary: 'Ask the release gate',
        description: `${GATE_DESCRIPTION} Labels are comma-separated in \`labels\`.`,
        security,
        params: NameParam,
        querystring: GateQuery,
        response: { 200: GateResponse, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { labels, ...rest } = request.query;
      return askGate(db, ctxOf(request), request.params.name, {
        ...rest,
        labels: labels ? labels.split(',') : [],
      });
    },
  );
  app.post(
    '/services/:name/gate',
    {
      schema: {
        tags: ['policies'],
        summary: 'Ask the release gate about a change',
        description: GATE_DESCRIPTION,
        security,
        params: NameParam,
        body: GateRequest,
        response: { 200: GateResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => askGate(db, ctxOf(request), request.params.name, request.body ?? {}),
  );
  app.get(
    '/services/:name/gate-decisions',
    {
      schema: {
        tags: ['policies'],
        summary: 'Recorded gate decisions of a service',
        description: 'Newest first: who asked, for which change, and the verdict with its reasons.',
        security,
        params: NameParam,
        querystring: GateDecisionQuery,
        response: { 200: GateDecisionList, ...errorResponses(404) },
      },
    },
    async (request) => ({ items: await gateDecisions(db, request.params.name, request.query) }),
  );
  app.get(
    '/services/:name/exemptions',
    {
      schema: {
        tags: ['policies'],
        summary: 'Exemptions of a service from its release freeze',
        description: 'Active ones, newest first; `all=true` includes expired ones.',
        security,
        params: NameParam,
        querystring: ExemptionListQuery,
        response: { 200: ExemptionList, ...errorResponses(404) },
      },
    },
    async (request) => ({
      items: await listServiceExemptions(db, request.params.name, request.query.all ?? false),
    }),
  );
  app.post(
    '/services/:name/exemptions',
    {
      schema: {
        tags: ['policies'],
        summary: 'Exempt a service from its release freeze',
        description:
          'While active, a freeze of the named SLOs (default: all) becomes a warning naming the exemption. ' +
          'Editors of the owning team and admins; the approver must be a user; at most 90 days. Audited.',
        security,
        params: NameParam,
        body: ExemptionCreate,
        response: { 201: Exemption, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createExemption(db, ctxOf(request), request.params.name, request.body)),
  );
  app.delete(
    '/services/:name/exemptions/:id',
    {
      schema: {
        tags: ['policies'],
        summary: 'Remove an exemption',
        description: 'Editors of the owning team and admins. Audited.',
        security,
        params: Type.Object({ name: Type.String({ maxLength: 300 }), id: Type.String({ maxLength: 100 }) }),
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await removeExemption(db, ctxOf(request), request.params.name, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
