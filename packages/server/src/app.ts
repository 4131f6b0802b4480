import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Problem } from '@headroom/core/api/common';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { ServerConfig } from './config.js';
import { type Db, migrateToLatest, openDatabase } from './db/index.js';
import type { Database } from './db/schema.js';
import { registerAuth } from './http/auth.js';
import { registerMetrics } from './http/metrics.js';
import { frameworkErrorProblem, registerProblemHandlers } from './http/problem.js';
import { redactSecretPaths } from './http/redact.js';
import { requestIdFrom } from './http/request-id.js';
import { validatorFactory } from './http/validation.js';
import { webUi } from './http/web.js';
import { alertGroupRoutes } from './modules/alert-groups/routes.js';
import { alertRoutes } from './modules/alerts/routes.js';
import { applyRoutes } from './modules/apply/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { type BootstrapResult, bootstrapAdmin } from './modules/auth/service.js';
import { budgetPolicyRoutes } from './modules/budget-policies/routes.js';
import { capacityRoutes } from './modules/capacity/routes.js';
import { catalogRoutes } from './modules/catalog/routes.js';
import { correctionRoutes } from './modules/corrections/routes.js';
import { deploymentRoutes } from './modules/deployments/routes.js';
import { discoveryRoutes } from './modules/discovery/routes.js';
import { escalationPolicyRoutes } from './modules/escalation-policies/routes.js';
import { feedbackRoutes } from './modules/feedback/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { incidentRoutes } from './modules/incidents/routes.js';
import { integrationRoutes, pagerDutyRootRoutes } from './modules/integrations/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { ackLinkRoutes, pagingRoutes } from './modules/paging/routes.js';
import { platformRoutes } from './modules/platform/routes.js';
import { prometheusRoutes } from './modules/prometheus/routes.js';
import { routingRoutes } from './modules/routing/routes.js';
import { ruleExportRoutes } from './modules/rule-export/routes.js';
import { icalRoutes, scheduleRoutes } from './modules/schedules/routes.js';
import { setUpSecrets } from './modules/secrets/setup.js';
import { sliDataRoutes } from './modules/sli-data/routes.js';
import { sloStatusRoutes } from './modules/slo-status/routes.js';
import { sloRoutes } from './modules/slos/routes.js';
import { surveyLinkRoutes } from './modules/surveys/link-routes.js';
import { surveyRoutes } from './modules/surveys/routes.js';

/** What every route plugin receives. */
export interface AppDeps {
  db: Kysely<Database>;
  config: ServerConfig;
}

export interface BuildOptions {
  config: ServerConfig;
  /** An open database; opened from config.databaseUrl when absent (and closed with the app). */
  database?: Db;
  /** false silences logs (tests); otherwise JSON logs at config.logLevel. */
  logger?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    headroom: { database: Db; bootstrap: BootstrapResult };
  }
}

export const API_PREFIX = '/api/v1';

/** Builds the whole server without listening: migrations run, the first admin exists. */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const database = options.database ?? openDatabase(config.databaseUrl);
  await migrateToLatest(database.db);
  const bootstrap = await bootstrapAdmin(database.db, config.adminToken);

  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // Calendar feed URLs carry their secret token: logs show the path without it.
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({
                method: req.method,
                url: redactSecretPaths(req.url),
                id: req.id,
              }),
            },
          },
    bodyLimit: config.bodyLimitBytes,
    // A full ref of the longest names, `component:<63>/<63>` URL-encoded, is about 150 characters.
    routerOptions: { maxParamLength: 512 },
    requestIdHeader: false,
    genReqId: requestIdFrom,
    frameworkErrors: frameworkErrorProblem,
    ajv: {
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true },
    },
    // Coercion only for text parts (query, params, headers); JSON bodies are validated as sent.
    schemaController: { compilersFactory: { buildValidator: validatorFactory() } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // The API speaks JSON only: a text/plain body is 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');

  app.decorate('headroom', { database, bootstrap });
  const secrets = await setUpSecrets(database, config, app.log);
  app.addHook('onClose', async () => secrets.release());
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (!options.database) app.addHook('onClose', async () => database.close());

  app.addSchema(Problem);
  const web = webUi(config.webDir);
  registerProblemHandlers(app, web.fallback);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Headroom API',
        version: '1.0.0',
        description: 'Reliability, run as a product. Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`headroom tokens create`)' },
          session: { type: 'apiKey', in: 'cookie', name: 'headroom_session' },
          integration: {
            type: 'http',
            scheme: 'bearer',
            description: 'An integration token (`headroom integrations create`)',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  registerMetrics(app);
  registerAuth(app, database.db);

  const deps: AppDeps = { db: database.db, config };
  await app.register(healthRoutes, deps);
  await app.register(pagerDutyRootRoutes, deps);
  await app.register(icalRoutes, deps);
  await app.register(ackLinkRoutes, deps);
  await app.register(surveyLinkRoutes, deps);
  await app.register(
    async (api) => {
      api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      await api.register(authRoutes, deps);
      await api.register(catalogRoutes, deps);
      await api.register(applyRoutes, deps);
      await api.register(auditRoutes, deps);
      await api.register(sloRoutes, deps);
      await api.register(sliDataRoutes, deps);
      await api.register(sloStatusRoutes, deps);
      await api.register(correctionRoutes, deps);
      await api.register(prometheusRoutes, deps);
      await api.register(routingRoutes, deps);
      await api.register(ruleExportRoutes, deps);
      await api.register(integrationRoutes, deps);
      await api.register(alertRoutes, deps);
      await api.register(alertGroupRoutes, deps);
      await api.register(pagingRoutes, deps);
      await api.register(notificationRoutes, deps);
      await api.register(scheduleRoutes, deps);
      await api.register(incidentRoutes, deps);
      await api.register(escalationPolicyRoutes, deps);
      await api.register(budgetPolicyRoutes, deps);
      await api.register(deploymentRoutes, deps);
      await api.register(discoveryRoutes, deps);
      await api.register(capacityRoutes, deps);
      await api.register(surveyRoutes, deps);
      await api.register(platformRoutes, deps);
      await api.register(feedbackRoutes, deps);
    },
    { prefix: API_PREFIX },
  );
  await web.register(app);
  await app.ready();
  return app;
}
