import Type from 'typebox';

/** RFC 9457 problem details, as every error response carries them. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code, e.g. INVALID_INPUT' }),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          message: Type.String(),
          file: Type.Optional(Type.String()),
          line: Type.Optional(Type.Integer()),
          column: Type.Optional(Type.Integer()),
          code: Type.Optional(Type.String({ description: 'Stable code of this one problem, where given' })),
        }),
      ),
    ),
  },
  { $id: 'Problem' },
);
export type Problem = Type.Static<typeof Problem>;

export const Timestamp = Type.String({ format: 'date-time' });

export const StringMap = Type.Record(Type.String(), Type.String());

export const Role = Type.Union([Type.Literal('viewer'), Type.Literal('editor'), Type.Literal('admin')]);
export type Role = Type.Static<typeof Role>;

/** An RFC 1123 label: service and team names. */
export const Rfc1123Name = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  maxLength: 63,
  description: 'RFC 1123 label: lower-case letters, digits and inner hyphens, at most 63 characters',
});

export const Namespace = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 63 });

export const Link = Type.Object(
  {
    url: Type.String({ minLength: 1 }),
    title: Type.Optional(Type.String()),
    type: Type.Optional(
      Type.String({ description: 'runbook, repo, dashboard, chat, docs or any other word' }),
    ),
    icon: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Link = Type.Static<typeof Link>;

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
