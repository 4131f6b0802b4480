import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromAlertmanager, fromGeneric } from '@headroom/core/alerting/intake';
import type { IncomingAlert } from '@headroom/core/alerting/lifecycle';
import { AlertmanagerWebhook, GenericAlertBatch, IntakeResult } from '@headroom/core/api/alert-intake';
import {
  Integration,
  IntegrationCreate,
  IntegrationCreated,
  type IntegrationType,
} from '@headroom/core/api/integration';
import { AuthenticationError } from '@headroom/core/errors';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { upsertAlerts } from '../alerts/store.js';
import { pagerDutyIntake } from './pagerduty.js';
import {
  authenticateIntegration,
  createIntegration,
  getIntegration,
  type IntegrationRow,
  type IntegrationSettings,
  listIntegrations,
  markReceived,
  revokeIntegration,
} from './service.js';

/** The integration a bearer intake request authenticated as (set by its onRequest hook). */
const authenticated = new WeakMap<FastifyRequest, IntegrationRow>();

const integrationSecurity = [{ integration: [] }];

export const integrationRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  const { db, config } = deps;
  const settings = (request: FastifyRequest): IntegrationSettings => ({
    baseUrl: (config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, ''),
    defaultResolveTimeoutMinutes: config.alertResolveTimeoutMinutes,
  });

  app.get(
    '/integrations',
    {
      schema: {
        tags: ['alerts'],
        summary: 'List integrations (revoked ones too)',
        security,
        response: { 200: Type.Array(Integration), ...errorResponses() },
      },
    },
    async (request) => listIntegrations(db, settings(request)),
  );

  app.post(
    '/integrations',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Create an integration; its token or routing key is returned only once',
        description:
          'alertmanager: a bearer token for POST /api/v1/integrations/alertmanager (Alertmanager’s ' +
          '`http_config.authorization.credentials`). generic: a bearer token for POST ' +
          '/api/v1/integrations/generic. pagerduty: a 32-character routing key for POST /v2/enqueue. ' +
          'Admins, or editors of the given team.',
        security,
        body: IntegrationCreate,
        response: { 201: IntegrationCreated, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createIntegration(db, ctxOf(request), request.body, settings(request))),
  );

  app.get(
    '/integrations/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Get an integration',
        security,
        params: Type.Object({ id: Type.String({ description: 'Integration id or name' }) }),
        response: { 200: Integration, ...errorResponses(404) },
      },
    },
    async (request) => getIntegration(db, request.params.id, settings(request)),
  );

  app.delete(
    '/integrations/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Revoke an integration: its secret is refused from now on; its alerts stay',
        security,
        params: Type.Object({ id: Type.String({ description: 'Integration id or name' }) }),
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await revokeIntegration(db, ctxOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  /** Before the body is read: the Bearer token must be an active integration of this type. */
  const bearer = (type: IntegrationType) => async (request: FastifyRequest) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match)
      throw new AuthenticationError(
        `Send the ${type} integration’s token as "Authorization: Bearer <token>".`,
      );
    const integration = await authenticateIntegration(db, type, match[1]!);
    if (!integration)
      throw new AuthenticationError(
        'The integration token is unknown or revoked.',
        'INVALID_INTEGRATION_TOKEN',
      );
    authenticated.set(request, integration);
  };

  const intake = async (request: FastifyRequest, build: (integrationId: string) => IncomingAlert[]) => {
    const integration = authenticated.get(request);
    if (!integration) throw new AuthenticationError();
    const incoming = build(integration.id);
    const result = await upsertAlerts(db, incoming);
    await markReceived(db, integration);
    return { received: incoming.length, changed: result.changed, alerts: result.alerts };
  };

  app.post(
    '/integrations/alertmanager',
    {
      config: { public: true },
      onRequest: bearer('alertmanager'),
      schema: {
        tags: ['alerts'],
        summary: 'Alertmanager webhook receiver (payload version 4)',
        description:
          'Point an Alertmanager `webhook_configs` entry here with the integration token in ' +
          '`http_config.authorization.credentials`. Each alert is stored under Alertmanager’s fingerprint ' +
          'of its labels. A repeated delivery changes nothing. A firing alert’s endsAt is not an expiry ' +
          '(Alertmanager re-sends only every repeat_interval); one never resolved is auto-resolved after ' +
          'the integration’s stale timeout. Answers once every alert is stored.',
        security: integrationSecurity,
        body: AlertmanagerWebhook,
        response: { 200: IntakeResult, ...errorResponses(413, 415) },
      },
    },
    async (request) => intake(request, (id) => fromAlertmanager(request.body, id)),
  );

  app.post(
    '/integrations/generic',
    {
      config: { public: true },
      onRequest: bearer('generic'),
      schema: {
        tags: ['alerts'],
        summary: 'Send alerts in Headroom’s generic JSON format',
        description:
          '`{"alerts": [{"labels": {…}, "annotations": {…}, "summary": "…", "status": "firing|resolved", ' +
          '"startsAt": "…", "endsAt": "…", "generatorURL": "…"}]}`. Labels are the identity ' +
          '(Alertmanager’s fingerprint). status defaults to resolved when endsAt is not in the future; a ' +
          'firing alert with a future endsAt resolves then unless sent again. Unknown fields are refused.',
        security: integrationSecurity,
        body: GenericAlertBatch,
        response: { 200: IntakeResult, ...errorResponses(413, 415) },
      },
    },
    async (request) => intake(request, (id) => fromGeneric(request.body, id, Date.now())),
  );

  await app.register(pagerDutyIntake('/integrations/pagerduty/enqueue'), deps);
};

/** `POST /v2/enqueue` at the server root: PagerDuty's own path, so a client changes only its base URL. */
export const pagerDutyRootRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, deps) => {
  await app.register(pagerDutyIntake('/v2/enqueue'), deps);
};
