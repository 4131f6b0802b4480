import Type from 'typebox';

/** One YAML file as sent to POST /api/v1/apply; the CLI reads files and sends their text. */
export const ApplyFile = Type.Object(
  { path: Type.String({ minLength: 1 }), content: Type.String() },
  { additionalProperties: false },
);

export const ApplyRequest = Type.Object(
  {
    files: Type.Array(ApplyFile, { minItems: 1 }),
    dryRun: Type.Optional(Type.Boolean({ default: false })),
    prune: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Delete objects an earlier apply created that are no longer in the files',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApplyRequest = Type.Static<typeof ApplyRequest>;

export const PlanAction = Type.Union([
  Type.Literal('create'),
  Type.Literal('update'),
  Type.Literal('unchanged'),
  Type.Literal('delete'),
]);
export type PlanAction = Type.Static<typeof PlanAction>;

export const PlanItem = Type.Object({
  action: PlanAction,
  kind: Type.String(),
  ref: Type.String(),
  file: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  changes: Type.Optional(Type.Array(Type.String(), { description: 'Fields that differ, for updates' })),
});
export type PlanItem = Type.Static<typeof PlanItem>;

export const PlanWarning = Type.Object({
  message: Type.String(),
  file: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
  path: Type.Optional(Type.String()),
});
export type PlanWarning = Type.Static<typeof PlanWarning>;

export const ApplyResult = Type.Object({
  dryRun: Type.Boolean(),
  items: Type.Array(PlanItem),
  warnings: Type.Array(PlanWarning),
  summary: Type.Object({
    create: Type.Integer(),
    update: Type.Integer(),
    unchanged: Type.Integer(),
    delete: Type.Integer(),
  }),
});
export type ApplyResult = Type.Static<typeof ApplyResult>;
