import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DeclareIncidentRequest,
  Incident,
  IncidentChangeRequest,
  IncidentDetail,
  IncidentListQuery,
  MttxQuery,
  MttxReport,
  SeverityDefinition,
} from '@headroom/core/api/incident';
import { DEFAULT_SEVERITY_DEFINITIONS } from '@headroom/core/incidents/model';
import { severityDefinitionsView } from '@headroom/core/incidents/view';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { followUpRoutes } from './follow-up-routes.js';
import {
  changeIncident,
  declareFromAlertGroup,
  declareIncidentFromRequest,
  getIncident,
  incidentMttx,
  listIncidents,
} from './service.js';

const IdParam = Type.Object({
  id: Type.String({ description: 'The incident id (INC-<n>)', maxLength: 100 }),
});

const DeclareFromGroup = Type.Partial(
  Type.Pick(DeclareIncidentRequest, ['title', 'summary', 'severity', 'status', 'services', 'roles']),
  { additionalProperties: false },
);

export const incidentRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  const { db } = deps;
  await followUpRoutes(app, deps);
  app.post(
    '/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Declare an incident',
        description:
          'Editors and admins. Status triage (default) or investigating; services must be catalog services, ' +
          'role holders catalog users and alert groups existing groups (400 naming the field).',
        security,
        body: DeclareIncidentRequest,
        response: { 201: IncidentDetail, ...errorResponses(403) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await declareIncidentFromRequest(db, ctxOf(request), request.body)),
  );
  app.get(
    '/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'List incidents',
        description: 'Newest declared first. status=open means triage, investigating or mitigated.',
        security,
        querystring: IncidentListQuery,
        response: { 200: Type.Array(Incident), ...errorResponses() },
      },
    },
    async (request) => listIncidents(db, request.query),
  );
  app.get(
    '/incidents/severities',
    {
      schema: {
        tags: ['incidents'],
        summary: 'The severity levels, what each means, and whether closing needs a postmortem',
        description:
          'SEV1 is the most severe. The definitions are the defaults for now; making them configurable is planned.',
        security,
        response: { 200: Type.Array(SeverityDefinition), ...errorResponses() },
      },
    },
    async () => severityDefinitionsView(DEFAULT_SEVERITY_DEFINITIONS),
  );
  app.get(
    '/incidents/mttx',
    {
      schema: {
        tags: ['incidents'],
        summary: 'MTTx report',
        description:
          'MTTD, MTTA, MTTM and MTTR (from impact start and from declaration) over the incidents declared in ' +
          '[from, to), overall and by severity, service and owning team, each clock named in `definitions`. ' +
          'Cancelled and merged incidents are counted in `excluded` only.',
        security,
        querystring: MttxQuery,
        response: { 200: MttxReport, ...errorResponses() },
      },
    },
    async (request) => incidentMttx(db, request.query),
  );
  app.get(
    '/incidents/:id',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Get an incident with its timeline',
        security,
        params: IdParam,
        response: { 200: IncidentDetail, ...errorResponses(404) },
      },
    },
    async (request) => getIncident(db, request.params.id),
  );
  app.post(
    '/incidents/:id/changes',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Change an incident',
        description:
          'Editors and admins. One change: status, severity, edit, milestones, role, services, alert-groups, ' +
          'note, status-update or acknowledge. It is written to the timeline and the audit log; repeating ' +
          'the current state changes nothing. An invalid transition or milestone order is a 400 naming the ' +
          'field. Closing needs a published postmortem for SEV1/SEV2, and for an incident that consumed more ' +
          "than 20 % of an SLO's four-week budget also a P0 action item; else 409 POSTMORTEM_REQUIRED naming " +
          'the SLO and the share, changing nothing. A status-update is sent to the subscribed channels.',
        security,
        params: IdParam,
        body: IncidentChangeRequest,
        response: { 200: IncidentDetail, ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => changeIncident(db, ctxOf(request), request.params.id, request.body),
  );
  app.post(
    '/alert-groups/:id/incident',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Declare an incident from an alert group',
        description:
          'One action: the group is linked, the title comes from its alerts (alertname and summary), the ' +
          'severity is SEV2 when an alert has severity critical or page (else SEV3), catalog services named ' +
          "by the alerts' service label are impacted, detection is the first alert's start, and each alert " +
          'is on the timeline. Everything can be given explicitly instead. 409 ALERT_GROUP_HAS_INCIDENT ' +
          'when an open incident already links the group.',
        security,
        params: Type.Object({ id: Type.String({ description: 'The alert group id' }) }),
        body: Type.Optional(DeclareFromGroup),
        response: { 201: IncidentDetail, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await declareFromAlertGroup(db, ctxOf(request), request.params.id, request.body ?? {})),
  );
};
