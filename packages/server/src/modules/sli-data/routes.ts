import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IngestRecord, IngestResult, IngestStream } from '@headroom/core/api/ingest';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { actorOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { assertMayIngest, ingestEvents, listStreams, sweepIfDue } from './service.js';

/** Largest ingest batch: about 800,000 records of the usual size. Other routes keep 1 MiB. */
export const INGEST_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/** NDJSON media types; `application/jsonl` is the JSON Lines spelling of the same format. */
const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'];

interface RawBody {
  format: 'ndjson' | 'json';
  text: string;
}

export const sliDataRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  // Bodies stay text in this plugin (encapsulated, so other routes keep the JSON parser): the
  // service parses and validates them by hand, far faster than a schema per record would.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) =>
    done(null, { format: 'json', text: String(text) } satisfies RawBody),
  );
  app.addContentTypeParser(NDJSON_TYPES, { parseAs: 'string' }, (_request, text, done) =>
    done(null, { format: 'ndjson', text: String(text) } satisfies RawBody),
  );

  app.post(
    '/ingest/events',
    {
      bodyLimit: INGEST_BODY_LIMIT_BYTES,
      // A viewer is refused before a byte of a large body is read.
      onRequest: async (request) => assertMayIngest(actorOf(request)),
      // The body schemas below document the formats; validation is the service's (per record).
      validatorCompiler: () => () => true,
      schema: {
        tags: ['sli-data'],
        summary: 'Send SLI records (NDJSON or a JSON array) to embedded streams',
        description:
          'Each record adds `good` (or `total − bad`) and `total` to the bucket of its stream and minute, or ' +
          'sets the `value` of its stream and minute (threshold and raw SLIs; the last value for a minute wins). ' +
          'A record with both counts and a value is rejected (`VALUE_WITH_COUNTS`). ' +
          'Invalid records are listed by line (NDJSON, 1-based) or index (JSON array, 0-based) with a code and ' +
          'reason; the valid ones are written. When every record is invalid the answer is 400 and nothing is ' +
          'written. A 200 is sent after the batch is committed (durable). With an `Idempotency-Key` header a ' +
          'retried batch is counted once and answered with the first reply (header `Idempotent-Replayed: true`); ' +
          'the same key with another body is 409. Keys are kept 24 hours, per user. Needs the editor or admin role. ' +
          'Body up to 64 MiB.',
        security,
        headers: Type.Object({
          'idempotency-key': Type.Optional(
            Type.String({
              maxLength: 255,
              description: 'Makes a retried batch count once (24 hours, per user)',
            }),
          ),
        }),
        body: {
          content: {
            'application/x-ndjson': {
              schema: Type.String({
                description:
                  'One record per line, each a JSON object like the JSON array elements; blank lines are skipped',
              }),
            },
            'application/json': { schema: Type.Array(IngestRecord) },
          },
        },
        response: { 200: IngestResult, ...errorResponses(403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const body = request.body as RawBody | undefined;
      const key = request.headers['idempotency-key'];
      const outcome = await ingestEvents(
        db,
        actorOf(request),
        {
          format: body?.format ?? 'ndjson',
          text: body?.text ?? '',
          idempotencyKey: Array.isArray(key) ? key.join(',') : key,
        },
        { retentionDays: config.sliRetentionDays },
      );
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      // The batch is committed; a failing sweep is logged and tried again an hour later.
      await sweepIfDue(db, Date.now(), config.sliRetentionDays).catch((error: unknown) =>
        request.log.error({ err: error }, 'deleting SLI data past retention failed'),
      );
      return outcome.result;
    },
  );

  app.get(
    '/ingest/streams',
    {
      schema: {
        tags: ['sli-data'],
        summary: 'Streams with SLI data: first and last minute, data age, bucket count',
        security,
        response: { 200: Type.Array(IngestStream), ...errorResponses() },
      },
    },
    async () => listStreams(db),
  );
};
