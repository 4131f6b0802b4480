import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AssumptionTest,
  AssumptionTestCreate,
  AssumptionTestList,
  AssumptionTestListQuery,
  AssumptionTestUpdate,
  Backlog,
  BacklogQuery,
  DiscoveryName,
  Evidence,
  Opportunity,
  OpportunityCreate,
  OpportunityLinkRequest,
  OpportunityList,
  OpportunityListQuery,
  OpportunityUpdate,
  Outcome,
  OutcomeCreate,
  OutcomeList,
  OutcomeListQuery,
  OutcomeUpdate,
  Solution,
  SolutionCreate,
  SolutionList,
  SolutionListQuery,
  SolutionUpdate,
  Tree,
  TreeQuery,
} from '@headroom/core/api/discovery';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import * as opp from './opportunities.js';
import * as svc from './service.js';
import * as sol from './solutions.js';
import { discoveryBacklog, discoveryTree } from './tree.js';

const NameParam = Type.Object({ name: DiscoveryName });
const tags = ['discovery'];
const WHO = 'Editors and admins; audited.';

/** GET list, POST, GET one, PATCH, DELETE for one kind of tree object. */
export const discoveryRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  // ---- outcomes
  app.get(
    '/discovery/outcomes',
    {
      schema: {
        tags,
        summary: 'Outcomes of the opportunity-solution tree',
        description: 'By name, with the computed measure’s current value where the metric names one.',
        security,
        querystring: OutcomeListQuery,
        response: { 200: OutcomeList, ...errorResponses() },
      },
    },
    async (request) => ({ items: await svc.listOutcomeViews(db, config, request.query.limit ?? 200) }),
  );
  app.post(
    '/discovery/outcomes',
    {
      schema: {
        tags,
        summary: 'Create an outcome',
        description: `409 OUTCOME_EXISTS when the name is taken. ${WHO}`,
        security,
        body: OutcomeCreate,
        response: { 201: Outcome, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await svc.createOutcome(db, ctxOf(request), config, request.body)),
  );
  app.get(
    '/discovery/outcomes/:name',
    {
      schema: {
        tags,
        summary: 'An outcome',
        security,
        params: NameParam,
        response: { 200: Outcome, ...errorResponses(404) },
      },
    },
    async (request) => svc.getOutcome(db, config, request.params.name),
  );
  app.patch(
    '/discovery/outcomes/:name',
    {
      schema: {
        tags,
        summary: 'Change an outcome',
        description: WHO,
        security,
        params: NameParam,
        body: OutcomeUpdate,
        response: { 200: Outcome, ...errorResponses(403, 404) },
      },
    },
    async (request) => svc.updateOutcome(db, ctxOf(request), config, request.params.name, request.body),
  );
  app.delete(
    '/discovery/outcomes/:name',
    {
      schema: {
        tags,
        summary: 'Delete an outcome',
        description: `409 HAS_DEPENDENTS while opportunities belong to it. ${WHO}`,
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await svc.deleteOutcome(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );

  // ---- opportunities
  app.get(
    '/discovery/opportunities',
    {
      schema: {
        tags,
        summary: 'Opportunities',
        description: 'By outcome and name; filter by outcome, parent opportunity or service.',
        security,
        querystring: OpportunityListQuery,
        response: { 200: OpportunityList, ...errorResponses() },
      },
    },
    async (request) => ({ items: await opp.listOpportunityViews(db, request.query) }),
  );
  app.post(
    '/discovery/opportunities',
    {
      schema: {
        tags,
        summary: 'Create an opportunity',
        description:
          'The outcome, the parent opportunity (same outcome) and every linked feedback item and interview must ' +
          `exist: 400 UNKNOWN_REFERENCE naming the field otherwise. ${WHO}`,
        security,
        body: OpportunityCreate,
        response: { 201: Opportunity, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await opp.createOpportunity(db, ctxOf(request), request.body)),
  );
  app.get(
    '/discovery/opportunities/:name',
    {
      schema: {
        tags,
        summary: 'An opportunity',
        security,
        params: NameParam,
        response: { 200: Opportunity, ...errorResponses(404) },
      },
    },
    async (request) => opp.getOpportunity(db, request.params.name),
  );
  app.patch(
    '/discovery/opportunities/:name',
    {
      schema: {
        tags,
        summary: 'Change or move an opportunity',
        description: `Moving it to another outcome moves its sub-opportunities too. ${WHO}`,
        security,
        params: NameParam,
        body: OpportunityUpdate,
        response: { 200: Opportunity, ...errorResponses(403, 404) },
      },
    },
    async (request) => opp.updateOpportunity(db, ctxOf(request), request.params.name, request.body),
  );
  app.delete(
    '/discovery/opportunities/:name',
    {
      schema: {
        tags,
        summary: 'Delete an opportunity',
        description: `409 HAS_DEPENDENTS while sub-opportunities or solutions hang under it. ${WHO}`,
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await opp.deleteOpportunity(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/discovery/opportunities/:name/links',
    {
      schema: {
        tags,
        summary: 'Link a feedback item or an interview to an opportunity',
        description: `201 when linked now, 200 when it was linked already. ${WHO}`,
        security,
        params: NameParam,
        body: OpportunityLinkRequest,
        response: { 200: Opportunity, 201: Opportunity, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      const r = await opp.linkOpportunity(db, ctxOf(request), request.params.name, request.body.id);
      return reply.code(r.created ? 201 : 200).send(r.opportunity);
    },
  );
  app.delete(
    '/discovery/opportunities/:name/links/:id',
    {
      schema: {
        tags,
        summary: 'Unlink a feedback item or an interview from an opportunity',
        description: `Only links made here; an interview linked from the interview is unlinked there. ${WHO}`,
        security,
        params: Type.Object({
          name: DiscoveryName,
          id: Type.String({ maxLength: 20, description: 'FB-<n> or INT-<n>' }),
        }),
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await opp.unlinkOpportunity(db, ctxOf(request), request.params.name, request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/discovery/opportunities/:name/evidence',
    {
      schema: {
        tags,
        summary: 'Evidence for an opportunity from Headroom’s own data',
        description:
          'For the opportunity’s services and those of its linked feedback: incidents in 30 and 90 days per ' +
          'severity, the error budget those incidents consumed (incident impact), pages and pages outside working ' +
          'hours, teams affected, votes and mean pain of linked feedback, linked interviews.',
        security,
        params: NameParam,
        response: { 200: Evidence, ...errorResponses(404) },
      },
    },
    async (request) => opp.evidenceOf(db, config, request.params.name),
  );

  // ---- solutions
  app.get(
    '/discovery/solutions',
    {
      schema: {
        tags,
        summary: 'Solutions',
        security,
        querystring: SolutionListQuery,
        response: { 200: SolutionList, ...errorResponses() },
      },
    },
    async (request) => ({ items: await sol.listSolutionViews(db, request.query) }),
  );
  app.post(
    '/discovery/solutions',
    {
      schema: {
        tags,
        summary: 'Create a solution',
        description:
          'rice is optional (unscored solutions rank last); impact 3|2|1|0.5|0.25, confidence 100|80|50, effort in ' +
          `person-months > 0; reach overrides the evidence and needs reachReason (400 INVALID_RICE). ${WHO}`,
        security,
        body: SolutionCreate,
        response: { 201: Solution, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await sol.createSolution(db, ctxOf(request), request.body)),
  );
  app.get(
    '/discovery/solutions/:name',
    {
      schema: {
        tags,
        summary: 'A solution',
        security,
        params: NameParam,
        response: { 200: Solution, ...errorResponses(404) },
      },
    },
    async (request) => sol.getSolution(db, request.params.name),
  );
  app.patch(
    '/discovery/solutions/:name',
    {
      schema: {
        tags,
        summary: 'Change, score or move a solution',
        description: WHO,
        security,
        params: NameParam,
        body: SolutionUpdate,
        response: { 200: Solution, ...errorResponses(403, 404) },
      },
    },
    async (request) => sol.updateSolution(db, ctxOf(request), request.params.name, request.body),
  );
  app.delete(
    '/discovery/solutions/:name',
    {
      schema: {
        tags,
        summary: 'Delete a solution',
        description: `409 HAS_DEPENDENTS while assumption tests belong to it. ${WHO}`,
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await sol.deleteSolution(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );

  // ---- assumption tests
  app.get(
    '/discovery/assumption-tests',
    {
      schema: {
        tags,
        summary: 'Assumption tests',
        security,
        querystring: AssumptionTestListQuery,
        response: { 200: AssumptionTestList, ...errorResponses() },
      },
    },
    async (request) => ({ items: await sol.listAssumptionTestViews(db, request.query) }),
  );
  app.post(
    '/discovery/assumption-tests',
    {
      schema: {
        tags,
        summary: 'Create an assumption test',
        description: WHO,
        security,
        body: AssumptionTestCreate,
        response: { 201: AssumptionTest, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await sol.createAssumptionTest(db, ctxOf(request), request.body)),
  );
  app.get(
    '/discovery/assumption-tests/:name',
    {
      schema: {
        tags,
        summary: 'An assumption test',
        security,
        params: NameParam,
        response: { 200: AssumptionTest, ...errorResponses(404) },
      },
    },
    async (request) => sol.getAssumptionTest(db, request.params.name),
  );
  app.patch(
    '/discovery/assumption-tests/:name',
    {
      schema: {
        tags,
        summary: 'Change an assumption test (e.g. record its result)',
        description: WHO,
        security,
        params: NameParam,
        body: AssumptionTestUpdate,
        response: { 200: AssumptionTest, ...errorResponses(403, 404) },
      },
    },
    async (request) => sol.updateAssumptionTest(db, ctxOf(request), request.params.name, request.body),
  );
  app.delete(
    '/discovery/assumption-tests/:name',
    {
      schema: {
        tags,
        summary: 'Delete an assumption test',
        description: WHO,
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await sol.deleteAssumptionTest(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );

  // ---- tree and backlog
  app.get(
    '/discovery/tree',
    {
      schema: {
        tags,
        summary: 'The opportunity-solution tree',
        description:
          'Every outcome (or the one asked for) with its opportunities nested by parent; beside each opportunity ' +
          'its evidence, beside each solution its RICE score (highest first) and assumption tests.',
        security,
        querystring: TreeQuery,
        response: { 200: Tree, ...errorResponses(404) },
      },
    },
    async (request) => discoveryTree(db, config, request.query.outcome),
  );
  app.get(
    '/discovery/backlog',
    {
      schema: {
        tags,
        summary: 'Every solution ranked by RICE',
        description:
          'Highest score first, unscored last; each with its RICE inputs, where reach came from (evidence: teams ' +
          'affected of its opportunity, or an override with its reason), its opportunity and outcome.',
        security,
        querystring: BacklogQuery,
        response: { 200: Backlog, ...errorResponses(404) },
      },
    },
    async (request) => discoveryBacklog(db, config, request.query),
  );
};
