import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  Deployment,
  DeploymentListQuery,
  DeploymentSuggestionQuery,
  DeploymentSuggestions,
  DoraQuery,
  DoraReport,
  IncidentDeploymentLink,
  LinkDeploymentRequest,
  RecordDeploymentRequest,
} from '@headroom/core/api/deployment';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { doraReport } from './dora.js';
import {
  deploymentSuggestions,
  getDeployment,
  incidentDeployments,
  linkDeployment,
  listDeployments,
  recordDeployment,
  unlinkDeployment,
} from './service.js';

const DeploymentId = Type.String({ description: 'The deployment id (DEP-<n>)', maxLength: 100 });
const IncidentIdParam = Type.Object({
  id: Type.String({ description: 'The incident id (INC-<n>)', maxLength: 100 }),
});

export const deploymentRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.post(
    '/deployments',
    {
      schema: {
        tags: ['deployments'],
        summary: 'Record a deployment',
        description:
          'Editors and admins (a CI token). The service must be a catalog service (400 UNKNOWN_SERVICE); ' +
          'commitTime after startedAt is 400 COMMIT_AFTER_START; finishedAt before startedAt and a start ' +
          'more than 5 minutes in the future are 400. Recording the same service, version, commit and ' +
          'startedAt again answers the stored deployment with 200 and records nothing. gateDecision ' +
          'carries the id of the release gate decision that preceded it.',
        security,
        body: RecordDeploymentRequest,
        response: { 200: Deployment, 201: Deployment, ...errorResponses(403) },
      },
    },
    async (request, reply) => {
      const { deployment, created } = await recordDeployment(db, ctxOf(request), request.body);
      return reply.code(created ? 201 : 200).send(deployment);
    },
  );
  app.get(
    '/deployments',
    {
      schema: {
        tags: ['deployments'],
        summary: 'List deployments',
        description:
          'Newest start first; started in [from, to). team = the services the team owns now. ' +
          'Enough for SLO chart annotations: GET /api/v1/deployments?service=…&from=…&to=….',
        security,
        querystring: DeploymentListQuery,
        response: { 200: Type.Array(Deployment), ...errorResponses() },
      },
    },
    async (request) => listDeployments(db, request.query),
  );
  app.get(
    '/deployments/:id',
    {
      schema: {
        tags: ['deployments'],
        summary: 'Get a deployment',
        security,
        params: Type.Object({ id: DeploymentId }),
        response: { 200: Deployment, ...errorResponses(404) },
      },
    },
    async (request) => getDeployment(db, request.params.id),
  );
  app.get(
    '/incidents/:id/deployments',
    {
      schema: {
        tags: ['deployments'],
        summary: 'The deployments linked to an incident',
        description: 'Oldest link first.',
        security,
        params: IncidentIdParam,
        response: { 200: Type.Array(IncidentDeploymentLink), ...errorResponses(404) },
      },
    },
    async (request) => incidentDeployments(db, request.params.id),
  );
  app.post(
    '/incidents/:id/deployments',
    {
      schema: {
        tags: ['deployments'],
        summary: 'Link a deployment to an incident',
        description:
          'Editors and admins: the deployment caused (or contributed to) the incident. source says whether ' +
          'by hand (manual, the default) or by accepting a suggestion. Written to the incident timeline and ' +
          'the audit log; 201 with the links. Linking again changes nothing (200). An unknown deployment is ' +
          '400 UNKNOWN_DEPLOYMENT.',
        security,
        params: IncidentIdParam,
        body: LinkDeploymentRequest,
        response: {
          200: Type.Array(IncidentDeploymentLink),
          201: Type.Array(IncidentDeploymentLink),
          ...errorResponses(403, 404),
        },
      },
    },
    async (request, reply) => {
      const { links, created } = await linkDeployment(db, ctxOf(request), request.params.id, request.body);
      return reply.code(created ? 201 : 200).send(links);
    },
  );
  app.delete(
    '/incidents/:id/deployments/:deployment',
    {
      schema: {
        tags: ['deployments'],
        summary: 'Unlink a deployment from an incident',
        description:
          'Editors and admins. Written to the timeline and the audit log; answers the remaining links.',
        security,
        params: Type.Object({ ...IncidentIdParam.properties, deployment: DeploymentId }),
        response: { 200: Type.Array(IncidentDeploymentLink), ...errorResponses(403, 404) },
      },
    },
    async (request) => unlinkDeployment(db, ctxOf(request), request.params.id, request.params.deployment),
  );
  app.get(
    '/incidents/:id/deployment-suggestions',
    {
      schema: {
        tags: ['deployments'],
        summary: 'Deployments that may have caused an incident',
        description:
          "Deployments of the incident's impacted services (any environment) that started in the `hours` " +
          '(default 24) before impact started (else detected, else declared), not linked yet, nearest first, ' +
          'each with the reason.',
        security,
        params: IncidentIdParam,
        querystring: DeploymentSuggestionQuery,
        response: { 200: DeploymentSuggestions, ...errorResponses(404) },
      },
    },
    async (request) => deploymentSuggestions(db, request.params.id, request.query.hours),
  );
  app.get(
    '/dora',
    {
      schema: {
        tags: ['deployments'],
        summary: 'DORA four keys',
        description:
          'Deployment frequency, lead time for changes, change failure rate and failed deployment recovery ' +
          'time over [from, to) (default the 30 days to now) in one environment (default production), ' +
          'overall, per service and per owning team, each with its 2024 State of DevOps performance level. ' +
          '`definitions` gives the thresholds used and `source` the report and the interpretations made.',
        security,
        querystring: DoraQuery,
        response: { 200: DoraReport, ...errorResponses() },
      },
    },
    async (request) => doraReport(db, request.query),
  );
};
