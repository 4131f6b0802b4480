/** `POST /api/v1/slos/{name}/backfill`: filling a Prometheus-backed SLO's history. */
import Type from 'typebox';
import { Timestamp } from './common.js';

export const BackfillRequest = Type.Object(
  {
    since: Type.String({
      pattern: '^[1-9][0-9]*[mhdw]$',
      default: '30d',
      description: 'How far back from now: minutes, hours, days or weeks, such as `30d` (default) or `12h`',
    }),
  },
  { additionalProperties: false },
);
export type BackfillRequest = Type.Static<typeof BackfillRequest>;

export const BackfillStream = Type.Object({
  stream: Type.String({ description: 'The bucket-store stream the indicator’s buckets went to' }),
  from: Timestamp,
  to: Type.String({
    format: 'date-time',
    description: 'End of what was read (exclusive); equal to `from` when it was all covered already',
  }),
  buckets: Type.Integer({ minimum: 0, description: 'Minute buckets written' }),
  warnings: Type.Array(Type.String()),
});
export type BackfillStream = Type.Static<typeof BackfillStream>;

export const BackfillResult = Type.Object({
  slo: Type.String(),
  since: Type.String(),
  streams: Type.Array(BackfillStream),
});
export type BackfillResult = Type.Static<typeof BackfillResult>;
