import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CatalogEntity,
  DependencyGraph,
  Service,
  ServiceCreate,
  ServiceUpdate,
  Team,
  TeamCreate,
  TeamMembership,
  TeamUpdate,
  User,
  UserCreate,
  UserUpdate,
} from '@headroom/core/api/catalog';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { listEntities } from './entities.js';
import { dependencyGraph } from './graph.js';
import { createService, deleteService, getService, listServices, updateService } from './services.js';
import {
  addTeamMember,
  createTeam,
  deleteTeam,
  getTeam,
  listTeams,
  removeTeamMember,
  updateTeam,
} from './teams.js';
import { createUser, deleteUser, getUser, listUsers, updateUser } from './users.js';

const NameParam = Type.Object({
  name: Type.String({ description: 'A name, `namespace/name` (URL-encoded slash) or a full entity ref' }),
});

const DependencyQuery = Type.Object({
  direction: Type.Optional(
    Type.Union([Type.Literal('upstream'), Type.Literal('downstream')], { default: 'upstream' }),
  ),
  depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
});

export const catalogRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  // ---- services
  app.get(
    '/services',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List services',
        security,
        querystring: Type.Object({
          team: Type.Optional(Type.String({ description: 'Owning team' })),
          tier: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
          lifecycle: Type.Optional(Type.String()),
          tag: Type.Optional(Type.String()),
          q: Type.Optional(Type.String({ description: 'Text in name, title or description' })),
        }),
        response: { 200: Type.Array(Service), ...errorResponses() },
      },
    },
    async (request) => listServices(db, request.query),
  );
  app.post(
    '/services',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Create a service',
        security,
        body: ServiceCreate,
        response: { 201: Service, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await createService(db, ctxOf(request), request.body)),
  );
  app.get(
    '/services/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Get a service',
        security,
        params: NameParam,
        response: { 200: Service, ...errorResponses(404) },
      },
    },
    async (request) => getService(db, request.params.name),
  );
  app.patch(
    '/services/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Change a service (fields left out stay as they are)',
        security,
        params: NameParam,
        body: ServiceUpdate,
        response: { 200: Service, ...errorResponses(403, 404) },
      },
    },
    async (request) => updateService(db, ctxOf(request), request.params.name, request.body),
  );
  app.delete(
    '/services/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Delete a service',
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await deleteService(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/services/:name/dependencies',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Upstream (what it depends on) or downstream (what depends on it), transitively',
        security,
        params: NameParam,
        querystring: DependencyQuery,
        response: { 200: DependencyGraph, ...errorResponses(404) },
      },
    },
    async (request) =>
      dependencyGraph(
        db,
        request.params.name,
        request.query.direction ?? 'upstream',
        request.query.depth ?? 10,
        'service',
      ),
  );

  // ---- teams
  app.get(
    '/teams',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List teams',
        security,
        response: { 200: Type.Array(Team), ...errorResponses() },
      },
    },
    async () => listTeams(db),
  );
  app.post(
    '/teams',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Create a team',
        security,
        body: TeamCreate,
        response: { 201: Team, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await createTeam(db, ctxOf(request), request.body)),
  );
  app.get(
    '/teams/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Get a team',
        security,
        params: NameParam,
        response: { 200: Team, ...errorResponses(404) },
      },
    },
    async (request) => getTeam(db, request.params.name),
  );
  app.patch(
    '/teams/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Change a team',
        security,
        params: NameParam,
        body: TeamUpdate,
        response: { 200: Team, ...errorResponses(403, 404) },
      },
    },
    async (request) => updateTeam(db, ctxOf(request), request.params.name, request.body),
  );
  app.delete(
    '/teams/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Delete a team',
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await deleteTeam(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/teams/:name/members',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Add a member to a team',
        security,
        params: NameParam,
        body: TeamMembership,
        response: { 200: Team, ...errorResponses(403, 404) },
      },
    },
    async (request) => addTeamMember(db, ctxOf(request), request.params.name, request.body.user),
  );
  app.delete(
    '/teams/:name/members/:user',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Remove a member from a team',
        security,
        params: Type.Object({ name: Type.String(), user: Type.String() }),
        response: { 200: Team, ...errorResponses(403, 404) },
      },
    },
    async (request) => removeTeamMember(db, ctxOf(request), request.params.name, request.params.user),
  );

  // ---- users
  app.get(
    '/users',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List users',
        security,
        querystring: Type.Object({ team: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(User), ...errorResponses() },
      },
    },
    async (request) => listUsers(db, request.query),
  );
  app.post(
    '/users',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Create a user (admin)',
        security,
        body: UserCreate,
        response: { 201: User, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await createUser(db, ctxOf(request), request.body)),
  );
  app.get(
    '/users/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Get a user',
        security,
        params: NameParam,
        response: { 200: User, ...errorResponses(404) },
      },
    },
    async (request) => getUser(db, request.params.name),
  );
  app.patch(
    '/users/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Change a user: yourself (name, email, password) or anyone (admin)',
        security,
        params: NameParam,
        body: UserUpdate,
        response: { 200: User, ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => updateUser(db, ctxOf(request), request.params.name, request.body),
  );
  app.delete(
    '/users/:name',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Delete a user (admin)',
        security,
        params: NameParam,
        response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteUser(db, ctxOf(request), request.params.name);
      return reply.code(204).send(null);
    },
  );

  // ---- other Backstage kinds (System, Domain, API, Resource), read-only: they arrive through apply
  app.get(
    '/entities',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Systems, domains, APIs and resources imported from Backstage descriptors',
        security,
        querystring: Type.Object({ kind: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(CatalogEntity), ...errorResponses() },
      },
    },
    async (request) => listEntities(db, request.query.kind),
  );
  app.get(
    '/entities/:ref/dependencies',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Upstream or downstream of a System, Domain, API or Resource (a bare name means a Resource)',
        security,
        params: Type.Object({
          ref: Type.String({ description: 'Entity ref, e.g. resource:default/orders-db' }),
        }),
        querystring: DependencyQuery,
        response: { 200: DependencyGraph, ...errorResponses(404) },
      },
    },
    async (request) =>
      dependencyGraph(
        db,
        request.params.ref,
        request.query.direction ?? 'upstream',
        request.query.depth ?? 10,
        'entity',
      ),
  );
};
