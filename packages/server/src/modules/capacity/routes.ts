import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AdhocForecast,
  AdhocForecastRequest,
  CapacityBackfillRequest,
  CapacityBackfillResult,
  CapacityForecast,
  CapacityResourceList,
  CapacityResourceQuery,
  CapacityResourceSummary,
  ForecastQuery,
  RunwayQuery,
  RunwayTable,
  ScenarioDetail,
  ScenarioList,
  UsageQuery,
  UsageRecord,
  UsageResult,
  UsageSeries,
} from '@headroom/core/api/capacity';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { adhocForecast } from './adhoc.js';
import { backfillCapacity } from './backfill.js';
import {
  type CapacitySettings,
  forecastResource,
  getResource,
  listResources,
  listScenarios,
  runwayTable,
  scenarioDetail,
  usageOf,
} from './service.js';
import { ingestUsage, type UsageBody } from './usage.js';

const NameParam = Type.Object({ name: Type.String({ maxLength: 63, description: 'metadata.name' }) });
const tags = ['capacity'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'];
/** A year of per-minute samples of a few resources. */
const USAGE_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

export const capacityRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  const settings: CapacitySettings = { currency: config.capacityCurrency };

  app.get(
    '/capacity/resources',
    {
      schema: {
        tags,
        summary: 'Capacity resources with latest usage, utilisation and runway',
        security,
        querystring: CapacityResourceQuery,
        response: { 200: CapacityResourceList, ...errorResponses() },
      },
    },
    async (request) => listResources(db, settings, request.query),
  );
  app.get(
    '/capacity/resources/:name',
    {
      schema: {
        tags,
        summary: 'One capacity resource with latest usage, utilisation and runway',
        security,
        params: NameParam,
        response: { 200: CapacityResourceSummary, ...errorResponses(404) },
      },
    },
    async (request) => getResource(db, settings, request.params.name),
  );
  app.get(
    '/capacity/resources/:name/usage',
    {
      schema: {
        tags,
        summary: 'Hourly usage of a resource (max and mean per hour)',
        description:
          '`from` and `to` take RFC 3339 times or a duration back from now (30d); default the last 30 days.',
        security,
        params: NameParam,
        querystring: UsageQuery,
        response: { 200: UsageSeries, ...errorResponses(404) },
      },
    },
    async (request) => usageOf(db, request.params.name, request.query),
  );
  app.get(
    '/capacity/resources/:name/forecast',
    {
      schema: {
        tags,
        summary: 'Forecast of a resource: model, interval, backtest, runway, N+k sizing and cost',
        description:
          'Fitted on the last 90 days of hourly max usage; the model (Holt-Winters with daily or weekly ' +
          'seasonality, or a damped/linear trend) is chosen automatically and explained. Runway gives the ' +
          'threshold (limit × safeUtilisation) and limit crossings on the mean and the interval’s early and ' +
          'late bounds, with a warning when the threshold falls inside the lead time. With `scenario`, the same ' +
          'figures under the growth scenario are returned beside the organic ones. Cached per resource until ' +
          'its usage or definition changes.',
        security,
        params: NameParam,
        querystring: ForecastQuery,
        response: { 200: CapacityForecast, ...errorResponses(404) },
      },
    },
    async (request) => forecastResource(db, settings, request.params.name, request.query),
  );
  app.post(
    '/capacity/resources/:name/backfill',
    {
      schema: {
        tags,
        summary: 'Backfill a Prometheus-backed resource’s usage',
        description:
          'Reads usage with query_range at a one-minute step, a week per request, newest first, back to ' +
          '`from` before now (default 90d). What is covered already is not read again. Editors of the team ' +
          'owning the resource’s service, and admins.',
        security,
        params: NameParam,
        body: CapacityBackfillRequest,
        response: { 200: CapacityBackfillResult, ...errorResponses(403, 404, 502, 504) },
      },
    },
    async (request) => backfillCapacity(db, ctxOf(request), request.params.name, request.body.from ?? '90d'),
  );
  app.get(
    '/capacity/runway',
    {
      schema: {
        tags,
        summary: 'Runway of every resource, most urgent first',
        description:
          'Sorted by runway to the safe threshold minus lead time (slackDays; negative = inside the lead ' +
          'time). Resources that do not cross within 90 days follow, then those that cannot be forecast.',
        security,
        querystring: RunwayQuery,
        response: { 200: RunwayTable, ...errorResponses(404) },
      },
    },
    async (request) => runwayTable(db, settings, request.query),
  );
  app.get(
    '/capacity/scenarios',
    {
      schema: {
        tags,
        summary: 'Growth scenarios',
        security,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
        }),
        response: { 200: ScenarioList, ...errorResponses() },
      },
    },
    async (request) => listScenarios(db, request.query.limit),
  );
  app.get(
    '/capacity/scenarios/:name',
    {
      schema: {
        tags,
        summary: 'A growth scenario with its effect per resource (runway and cost, organic vs scenario)',
        security,
        params: NameParam,
        response: { 200: ScenarioDetail, ...errorResponses(404) },
      },
    },
    async (request) => scenarioDetail(db, settings, request.params.name),
  );
  app.post(
    '/capacity/forecast',
    {
      schema: {
        tags,
        summary: 'Forecast any series without storing it',
        description:
          'Give `points` ([{t, v}], t RFC 3339 or epoch ms) or `csv` (`timestamp,value` rows). The step is ' +
          'the most common gap unless `step` is given; `season` (in steps) skips detection; `horizon` is in steps.',
        security,
        body: AdhocForecastRequest,
        response: { 200: AdhocForecast, ...errorResponses() },
      },
    },
    async (request) => adhocForecast(request.body),
  );

  // Usage bodies stay text here (encapsulated): they are validated per record by the service.
  await app.register(async (usage) => {
    usage.removeContentTypeParser('application/json');
    usage.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, text, done) =>
      done(null, { format: 'json', text: String(text) } satisfies UsageBody),
    );
    usage.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string' }, (_r, text, done) =>
      done(null, { format: 'ndjson', text: String(text) } satisfies UsageBody),
    );
    usage.post(
      '/capacity/usage',
      {
        bodyLimit: USAGE_BODY_LIMIT_BYTES,
        validatorCompiler: () => () => true,
        schema: {
          tags,
          summary: 'Send usage samples of push resources (JSON array or NDJSON)',
          description:
            'Records `{resource, ts, value}`: ts an RFC 3339 time or epoch ms, value ≥ 0 in the resource’s unit. ' +
            'All or nothing: one bad record refuses the batch (400 INVALID_USAGE listing record index, NDJSON ' +
            'line and field) and nothing is stored. Samples are kept per minute (a second sample for the same ' +
            'resource and minute replaces the first), so a re-sent batch changes nothing. Editors of the team ' +
            'owning each resource’s service, and admins.',
          security,
          body: {
            content: {
              'application/json': { schema: Type.Array(UsageRecord) },
              'application/x-ndjson': { schema: Type.String({ description: 'One record per line' }) },
            },
          },
          response: { 200: UsageResult, ...errorResponses(403, 413, 415) },
        },
      },
      async (request) =>
        ingestUsage(
          db,
          ctxOf(request),
          (request.body as UsageBody | undefined) ?? { format: 'json', text: '' },
        ),
    );
  });
};
