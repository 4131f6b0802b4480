import Type from 'typebox';
import { Role, Timestamp } from './common.js';

export const TokenCreate = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'What the token is for, e.g. "ci-pipeline"',
    }),
    user: Type.Optional(Type.String({ description: 'Admins may create tokens for another user' })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export type TokenCreate = Type.Static<typeof TokenCreate>;

export const Token = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    user: Type.String(),
    prefix: Type.String({ description: 'First characters of the token, to recognise it' }),
    createdAt: Timestamp,
    expiresAt: Type.Union([Timestamp, Type.Null()]),
    lastUsedAt: Type.Union([Timestamp, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  {},
);
export type Token = Type.Static<typeof Token>;

export const TokenCreated = Type.Object({
  token: Type.String({ description: 'The secret, shown only in this response' }),
  info: Token,
});
export type TokenCreated = Type.Static<typeof TokenCreated>;

export const LoginRequest = Type.Object(
  { user: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

export const WhoAmI = Type.Object({
  user: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  teams: Type.Array(Type.String()),
  via: Type.Union([Type.Literal('token'), Type.Literal('session')]),
  csrfToken: Type.Optional(
    Type.String({ description: 'Send as X-CSRF-Token on cookie-authenticated writes' }),
  ),
});
export type WhoAmI = Type.Static<typeof WhoAmI>;

export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Timestamp,
  actor: Type.String(),
  action: Type.String(),
  targetKind: Type.String(),
  targetRef: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  requestId: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEntry = Type.Static<typeof AuditEntry>;
