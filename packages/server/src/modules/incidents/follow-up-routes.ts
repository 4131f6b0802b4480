/** Routes of an incident's follow-up: budget impact, postmortem, action items, subscribers. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ActionItem,
  ActionItemCreate,
  ActionItemUpdate,
  IncidentImpact,
  PostmortemUpdate,
} from '@headroom/core/api/incident';
import {
  ActionItemListQuery,
  PostmortemDocument,
  SubscribeRequest,
  Subscribers,
} from '@headroom/core/api/postmortem';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { changeActionItem, createActionItem, listActionItems } from './action-items.js';
import { incidentImpact } from './impact.js';
import {
  getPostmortem,
  postmortemMarkdownOf,
  publishIncidentPostmortem,
  updatePostmortem,
} from './postmortems.js';
import { requireIncident } from './service-support.js';
import { listSubscribers, subscribe, unsubscribe } from './subscribers.js';

const IdParam = Type.Object({
  id: Type.String({ description: 'The incident id (INC-<n>)', maxLength: 100 }),
});
const tags = ['incidents'];

export const followUpRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/incidents/:id/impact',
    {
      schema: {
        tags,
        summary: 'Error budget the incident consumed',
        description:
          'For every objective of every SLO of each impacted service: bad units from impact started (else ' +
          'detected, else declared) to resolved (or now while open), as a share of the SLO window budget ' +
          'and of a four-week budget ((1 − target) × events in the 28 days ending then; for Timeslices ' +
          '40 320 min ÷ slice length). Read from the stored SLO buckets.',
        security,
        params: IdParam,
        response: { 200: IncidentImpact, ...errorResponses(404) },
      },
    },
    async (request) => incidentImpact(db, await requireIncident(db, request.params.id)),
  );
  app.get(
    '/incidents/:id/postmortem',
    {
      schema: {
        tags,
        summary: "The incident's postmortem",
        description:
          'The stored postmortem, or (stored: false) a draft prefilled from the incident: summary, impact with ' +
          'the budget consumed, timeline. Nothing is saved until PUT or publish.',
        security,
        params: IdParam,
        response: { 200: PostmortemDocument, ...errorResponses(404) },
      },
    },
    async (request) => getPostmortem(db, request.params.id),
  );
  app.put(
    '/incidents/:id/postmortem',
    {
      schema: {
        tags,
        summary: 'Edit the postmortem',
        description:
          'Editors and admins. Markdown sections (only those given change; the first save starts from the ' +
          'prefilled draft), authors (catalog users) and status draft or in-review (publish has its own ' +
          'route). A published postmortem stays published unless a status is given; its required sections ' +
          'cannot be emptied.',
        security,
        params: IdParam,
        body: PostmortemUpdate,
        response: { 200: PostmortemDocument, ...errorResponses(403, 404) },
      },
    },
    async (request) => updatePostmortem(db, ctxOf(request), request.params.id, request.body),
  );
  app.post(
    '/incidents/:id/postmortem/publish',
    {
      schema: {
        tags,
        summary: 'Publish the postmortem',
        description:
          'Editors and admins. 400 POSTMORTEM_INCOMPLETE naming each empty required section (summary, impact, ' +
          'timeline, root causes). Publishing again changes nothing.',
        security,
        params: IdParam,
        response: { 200: PostmortemDocument, ...errorResponses(403, 404) },
      },
    },
    async (request) => publishIncidentPostmortem(db, ctxOf(request), request.params.id),
  );
  app.get(
    '/incidents/:id/postmortem.md',
    {
      schema: {
        tags,
        summary: 'The postmortem as a Markdown file',
        description: 'The stored postmortem (or the prefilled draft) with the action items as a table.',
        security,
        params: IdParam,
        produces: ['text/markdown'],
        response: {
          200: { description: 'Markdown', content: { 'text/markdown': { schema: Type.String() } } },
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const md = await postmortemMarkdownOf(db, id);
      const file = `postmortem-${id.replace(/[^A-Za-z0-9-]/g, '_')}.md`;
      return reply
        .type('text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(md);
    },
  );
  app.post(
    '/incidents/:id/action-items',
    {
      schema: {
        tags,
        summary: 'Add an action item',
        description:
          'Editors and admins. owner must be a catalog user and service a catalog service (400 naming the ' +
          "field); without a service the incident's first service is taken. Its team is the service's owner.",
        security,
        params: IdParam,
        body: ActionItemCreate,
        response: { 201: ActionItem, ...errorResponses(403, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createActionItem(db, ctxOf(request), request.params.id, request.body)),
  );
  app.patch(
    '/action-items/:id',
    {
      schema: {
        tags,
        summary: 'Change an action item',
        security,
        params: Type.Object({ id: Type.String({ description: 'AI-<n>', maxLength: 100 }) }),
        body: ActionItemUpdate,
        response: { 200: ActionItem, ...errorResponses(403, 404) },
      },
    },
    async (request) => changeActionItem(db, ctxOf(request), request.params.id, request.body),
  );
  app.get(
    '/action-items',
    {
      schema: {
        tags,
        summary: 'List action items',
        description:
          "team = the owner of the item's service; overdue=true keeps open or in-progress items due before " +
          'today (UTC).',
        security,
        querystring: ActionItemListQuery,
        response: { 200: Type.Array(ActionItem), ...errorResponses(404) },
      },
    },
    async (request) => listActionItems(db, request.query),
  );
  app.get(
    '/incidents/:id/subscribers',
    {
      schema: {
        tags,
        summary: 'Channels subscribed to status updates',
        security,
        params: IdParam,
        response: { 200: Subscribers, ...errorResponses(404) },
      },
    },
    async (request) => listSubscribers(db, request.params.id),
  );
  app.post(
    '/incidents/:id/subscribers',
    {
      schema: {
        tags,
        summary: 'Subscribe a notification channel, or a person by e-mail, to status updates',
        description:
          'Every later status update (POST …/changes with type status-update) is sent to the channel through ' +
          'the outbox. `{channel}`: editors and admins; 400 UNKNOWN_CHANNEL for a channel that does not exist. ' +
          "`{user: 'me'}`: anyone follows an incident by e-mail (`{user: <name>}` for someone else: editors " +
          'and admins); stored as mailto:<their e-mail>; 400 NO_EMAIL when the user has none.',
        security,
        params: IdParam,
        body: SubscribeRequest,
        response: { 200: Subscribers, ...errorResponses(403, 404) },
      },
    },
    async (request) => subscribe(db, ctxOf(request), request.params.id, request.body),
  );
  app.delete(
    '/incidents/:id/subscribers/:channel',
    {
      schema: {
        tags,
        summary: 'Unsubscribe a channel (anyone may remove their own mailto:)',
        security,
        params: Type.Object({
          id: Type.String({ maxLength: 100 }),
          channel: Type.String({ maxLength: 200 }),
        }),
        response: { 200: Subscribers, ...errorResponses(403, 404) },
      },
    },
    async (request) => unsubscribe(db, ctxOf(request), request.params.id, request.params.channel),
  );
};
