/**
 * PagerDuty Events API v2, compatible enough that a PagerDuty client only changes its base URL:
 * `POST /v2/enqueue` at the server root (and `/api/v1/integrations/pagerduty/enqueue`). The
 * routing key in the body selects the integration; replies are PagerDuty's bodies, never
 * problem+json:
 *   202 {"status":"success","message":"Event processed","dedup_key":…}
 *   400 {"status":"invalid event","message":"Event object is invalid","errors":[…]}
 *   400 {"status":"Unrecognized object","message":"Event object format is unrecognized","errors":["JSON parse error"]}
 *   404 the routing key is well-formed but no active PagerDuty integration has it (the same answer for any such key)
 *   413 body over the server's limit (1 MiB)
 *   429 the routing key sent faster than HEADROOM_PAGERDUTY_EVENTS_PER_MINUTE (Retry-After given)
 * Any content type is read as JSON, as PagerDuty does.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fromPagerDuty, validatePagerDutyEvent } from '@headroom/core/alerting/intake';
import { PagerDutyAccepted, PagerDutyError, PagerDutyEvent } from '@headroom/core/api/alert-intake';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../../app.js';
import type { Database } from '../../db/schema.js';
import { upsertAlerts } from '../alerts/store.js';
import { TokenBuckets } from './rate-limit.js';
import { authenticateIntegration, markReceived } from './service.js';

/** One bucket set per app (database), shared by the two paths of the endpoint. */
const limiters = new WeakMap<Kysely<Database>, TokenBuckets>();

function limiterFor(db: Kysely<Database>, perMinute: number): TokenBuckets {
  let limiter = limiters.get(db);
  if (!limiter || limiter.perMinute !== perMinute) {
    limiter = new TokenBuckets(perMinute);
    limiters.set(db, limiter);
  }
  return limiter;
}

function pdError(reply: FastifyReply, code: number, status: string, message: string, errors: string[]) {
  return reply.code(code).type('application/json').send({ status, message, errors });
}

const unrecognized = (reply: FastifyReply, error = 'JSON parse error') =>
  pdError(reply, 400, 'Unrecognized object', 'Event object format is unrecognized', [error]);

/** Registers `POST <path>`; the plugin is encapsulated so its parser and error answers stay here. */
export function pagerDutyIntake(path: string): FastifyPluginAsyncTypebox<AppDeps> {
  return async (app, { db, config }) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => done(null, String(text)));
    app.setErrorHandler((error: { code?: string; statusCode?: number; message?: string }, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return pdError(reply, 413, 'Request too large', 'Event object is too large', [
          `The request body is larger than ${config.bodyLimitBytes} bytes`,
        ]);
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) return unrecognized(reply, error.message ?? 'Bad request');
      request.log.error({ err: error }, 'PagerDuty intake failed');
      return pdError(reply, 500, 'error', 'The event could not be stored; retry it', ['Internal error']);
    });

    app.post(
      path,
      {
        config: { public: true },
        validatorCompiler: () => () => true,
        schema: {
          tags: ['alerts'],
          summary: 'Send a PagerDuty Events API v2 event (trigger, acknowledge, resolve)',
          description:
            'PagerDuty-compatible: point a PagerDuty client at this server instead of events.pagerduty.com ' +
            '(the same path, /v2/enqueue, is served at the server root). The routing key of a `pagerduty` ' +
            'integration selects it. A trigger opens or updates the alert with that dedup_key in the ' +
            'integration (one is generated and returned when missing); acknowledge and resolve apply to an ' +
            'open alert and are dropped otherwise, as PagerDuty does. Replies use PagerDuty’s bodies.',
          security: [],
          body: PagerDutyEvent,
          response: {
            202: PagerDutyAccepted,
            400: PagerDutyError,
            404: PagerDutyError,
            413: PagerDutyError,
            429: PagerDutyError,
          },
        },
      },
      async (request, reply) => {
        let body: unknown;
        try {
          body = JSON.parse(typeof request.body === 'string' ? request.body : '');
        } catch {
          return unrecognized(reply);
        }
        const checked = validatePagerDutyEvent(body);
        if (!checked.ok) {
          return checked.kind === 'unrecognized'
            ? unrecognized(reply, checked.errors[0])
            : pdError(reply, 400, 'invalid event', 'Event object is invalid', checked.errors);
        }
        const integration = await authenticateIntegration(db, 'pagerduty', checked.routingKey);
        if (!integration)
          return pdError(reply, 404, 'invalid routing key', 'Routing key not found', [
            "No active PagerDuty integration has this 'routing_key'",
          ]);
        const wait = limiterFor(db, config.pagerDutyEventsPerMinute).take(integration.id);
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          return pdError(
            reply,
            429,
            'throttle event',
            'Requests for this routing key are arriving too quickly',
            [
              `At most ${config.pagerDutyEventsPerMinute} events per minute per routing key; retry in ${wait} s`,
            ],
          );
        }
        const given = checked.event.dedup_key;
        const dedupKey = typeof given === 'string' && given !== '' ? given : randomBytes(16).toString('hex');
        await upsertAlerts(db, [fromPagerDuty(checked.event, checked.action, integration.id, dedupKey)]);
        await markReceived(db, integration);
        return reply.code(202).send({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
      },
    );
  };
}
