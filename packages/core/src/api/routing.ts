/**
 * Alert routing as the API shows it: the effective route tree (every option resolved), route
 * tests, inhibition rules and silences. Matchers travel as Alertmanager's strings
 * (`severity="page"`, `team=~"pay.*"`).
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const MatcherStrings = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { description, maxItems: 100 });

export const RouteNode = Type.Object({
  name: Nullable(
    Type.String({
      description: 'The Route document (metadata.name); null for nested routes and the default root',
    }),
  ),
  document: Nullable(Type.String({ description: 'The Route document this node is part of' })),
  path: Type.Array(Type.Integer(), {
    description: 'Child indexes from the root: [] is the root, [0, 1] a nested route',
  }),
  depth: Type.Integer(),
  key: Type.String({ description: 'Alertmanager route key, e.g. {}/{severity="page"}' }),
  matchers: Type.Array(Type.String(), { description: 'Sorted as Alertmanager sorts them' }),
  continue: Type.Boolean(),
  receiver: Nullable(
    Type.String({ description: 'NotificationChannel name; null: matching alerts are not notified' }),
  ),
  groupBy: Type.Array(Type.String()),
  groupByAll: Type.Boolean({ description: "group_by ['...']: one group per label set" }),
  groupWait: Type.String({ description: 'Prometheus duration, e.g. 30s' }),
  groupInterval: Type.String(),
  repeatInterval: Type.String(),
  inherited: Type.Object(
    {
      receiver: Type.Boolean(),
      groupBy: Type.Boolean(),
      groupWait: Type.Boolean(),
      groupInterval: Type.Boolean(),
      repeatInterval: Type.Boolean(),
    },
    { description: 'true for each option taken from the parent route or the defaults' },
  ),
});
export type RouteNode = Type.Static<typeof RouteNode>;

export const RouteTree = Type.Object({
  root: Nullable(
    Type.String({ description: 'The Route document with spec.root: true; null when none is applied' }),
  ),
  routes: Type.Array(RouteNode, { description: 'Every route, depth-first, the root first' }),
});
export type RouteTree = Type.Static<typeof RouteTree>;

export const LabelSet = Type.Record(Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' }), Type.String(), {
  description: 'Label names and values, e.g. {"alertname": "HighLatency", "severity": "page"}',
});

export const RouteTestRequest = Type.Object({ labels: LabelSet }, { additionalProperties: false });
export type RouteTestRequest = Type.Static<typeof RouteTestRequest>;

export const RouteTestResult = Type.Object({
  labels: LabelSet,
  receivers: Type.Array(Type.String(), { description: 'Receivers in match order, without repeats' }),
  matches: Type.Array(
    Type.Object({
      route: RouteNode,
      groupKey: Type.String({ description: 'Alertmanager group key: <route key>:<group labels>' }),
      groupLabels: LabelSet,
    }),
  ),
  silencedBy: Type.Array(Type.String(), { description: 'Ids of the active silences that mute these labels' }),
});
export type RouteTestResult = Type.Static<typeof RouteTestResult>;

export const InhibitRule = Type.Object({
  name: Type.String(),
  builtIn: Type.Boolean({ description: 'Headroom’s own rule, not an InhibitRule document' }),
  description: Nullable(Type.String()),
  sourceMatchers: Type.Array(Type.String()),
  targetMatchers: Type.Array(Type.String()),
  equal: Type.Array(Type.String()),
  dependants: Type.Boolean({
    description: 'The source’s service mutes targets of the services that depend on it (from the catalog)',
  }),
});
export type InhibitRule = Type.Static<typeof InhibitRule>;

export const SilenceState = Type.Union([
  Type.Literal('active'),
  Type.Literal('pending'),
  Type.Literal('expired'),
]);
export type SilenceState = Type.Static<typeof SilenceState>;

export const Silence = Type.Object({
  id: Type.String(),
  name: Nullable(
    Type.String({
      description: 'The Silence document that manages it; null for silences made through the API',
    }),
  ),
  matchers: Type.Array(Type.String()),
  startsAt: Timestamp,
  endsAt: Timestamp,
  createdBy: Type.String(),
  comment: Type.String(),
  status: Type.Object({ state: SilenceState }),
  source: Type.Union([Type.Literal('api'), Type.Literal('apply')]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Silence = Type.Static<typeof Silence>;

export const SilenceCreate = Type.Object(
  {
    matchers: MatcherStrings(
      'Alertmanager matchers, each one matcher or a comma list; at least one must not match the empty string',
    ),
    startsAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'Default now; a time in the past means now' }),
    ),
    endsAt: Type.Optional(Type.String({ format: 'date-time', description: 'Give endsAt or duration' })),
    duration: Type.Optional(
      Type.String({ description: 'Prometheus duration from startsAt, e.g. 2h or 1h30m' }),
    ),
    createdBy: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Default: the caller' }),
    ),
    comment: Type.String({ minLength: 1, maxLength: 1050 }),
  },
  { additionalProperties: false },
);
export type SilenceCreate = Type.Static<typeof SilenceCreate>;

export const SilenceListQuery = Type.Object({
  state: Type.Optional(SilenceState),
});
export type SilenceListQuery = Type.Static<typeof SilenceListQuery>;
