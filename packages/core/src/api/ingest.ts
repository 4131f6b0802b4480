/** SLI data ingest: the records `POST /api/v1/ingest/events` takes, its reply, and the streams listing. */
import Type from 'typebox';
import { Timestamp } from './common.js';

/**
 * A stream name: lower-case letters and digits, with `-`, `.`, `_` and `/` inside, at most 253
 * characters. Every SLO name (an RFC 1123 label) is one; `/` allows `team/slo` style names.
 */
export const STREAM_NAME_PATTERN = '^[a-z0-9]([-a-z0-9._/]{0,251}[a-z0-9])?$';

export const StreamName = Type.String({
  pattern: STREAM_NAME_PATTERN,
  maxLength: 253,
  description:
    'Stream name: lower-case letters, digits, and `-` `.` `_` `/` inside, at most 253 characters. ' +
    'Every SLO has a stream named after it; a `metricSource` of type `headroom` may name another.',
});

/**
 * One record, as a line of NDJSON or an element of a JSON array (documentation; validated by hand):
 * counts (`good` or `bad`, and `total`) for ratio SLIs, or one `value` for threshold and raw SLIs.
 */
export const IngestRecord = Type.Object(
  {
    stream: StreamName,
    ts: Type.Union([Type.String({ format: 'date-time' }), Type.Number()], {
      description:
        'When the events happened: RFC 3339 / ISO 8601 with a time zone (`2026-03-01T12:00:05Z`) or epoch ' +
        'milliseconds. Counted in the minute it falls in (UTC).',
    }),
    good: Type.Optional(Type.Number({ minimum: 0, description: 'Good events (give good or bad, not both)' })),
    bad: Type.Optional(Type.Number({ minimum: 0, description: 'Bad events; good = total − bad' })),
    total: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'All events; at least good (or bad). Required with good or bad',
      }),
    ),
    value: Type.Optional(
      Type.Number({
        description:
          'A measurement for a threshold SLI (e.g. p99 latency) or a precomputed ratio in [0, 1] for a raw SLI, ' +
          'instead of counts. One value per stream and minute: a later one for the same minute replaces it.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type IngestRecord = Type.Static<typeof IngestRecord>;

/** Why a record was rejected; stable, for programs. */
export const INGEST_REJECTION_CODES = [
  'INVALID_JSON',
  'NOT_AN_OBJECT',
  'UNKNOWN_FIELD',
  'INVALID_STREAM',
  'INVALID_TIMESTAMP',
  'TOO_OLD',
  'IN_FUTURE',
  'INVALID_COUNT',
  'GOOD_OR_BAD_REQUIRED',
  'COUNT_EXCEEDS_TOTAL',
  'INVALID_VALUE',
  'VALUE_WITH_COUNTS',
] as const;
export type IngestRejectionCode = (typeof INGEST_REJECTION_CODES)[number];

export const IngestRejection = Type.Object({
  line: Type.Optional(Type.Integer({ minimum: 1, description: 'NDJSON: the 1-based line of the body' })),
  index: Type.Optional(Type.Integer({ minimum: 0, description: 'JSON array: the 0-based element index' })),
  field: Type.Optional(Type.String({ description: 'The field at fault, when one is' })),
  code: Type.Enum(INGEST_REJECTION_CODES, { description: 'Stable reason code' }),
  reason: Type.String(),
});
export type IngestRejection = Type.Static<typeof IngestRejection>;

export const IngestResult = Type.Object({
  accepted: Type.Integer({ description: 'Records written (durably, when this reply is sent)' }),
  rejected: Type.Integer({ description: 'Records refused; the first 1,000 are listed in `errors`' }),
  errors: Type.Array(IngestRejection),
  errorsTruncated: Type.Boolean({ description: 'More records were rejected than `errors` lists' }),
  streams: Type.Integer({ description: 'Distinct streams the accepted records touched' }),
  buckets: Type.Integer({ description: 'Distinct (stream, minute) buckets the accepted records added to' }),
  values: Type.Optional(
    Type.Integer({
      description: 'Distinct (stream, minute) values the accepted value records set; absent when none',
    }),
  ),
  from: Timestamp,
  to: Timestamp,
});
export type IngestResult = Type.Static<typeof IngestResult>;

export const IngestStream = Type.Object({
  stream: Type.String(),
  firstMinute: Type.String({ format: 'date-time', description: 'Start of the oldest bucket kept' }),
  lastMinute: Type.String({ format: 'date-time', description: 'Start of the newest bucket' }),
  dataAgeSeconds: Type.Integer({
    description: 'Seconds from the end of the newest bucket to now (0 when it is the current minute)',
  }),
  buckets: Type.Integer({ description: 'Minutes with data (count buckets and values)' }),
  lastIngestAt: Type.String({ format: 'date-time', description: 'When data for the stream last arrived' }),
});
export type IngestStream = Type.Static<typeof IngestStream>;
