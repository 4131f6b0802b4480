import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CadenceQuery,
  CommentRequest,
  CreateFeedbackRequest,
  CreateInterviewRequest,
  FeedbackBoard,
  FeedbackComment,
  FeedbackItem,
  FeedbackListQuery,
  FeedbackSummary,
  Interview,
  InterviewCadence,
  InterviewListQuery,
  MergeRequest,
  StatusChangeRequest,
  UpdateFeedbackRequest,
  UpdateInterviewRequest,
  VoteRequest,
} from '@headroom/core/api/feedback';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { cadence, createInterview, getInterview, listInterviews, updateInterview } from './interviews.js';
import {
  boards,
  comment,
  createFeedback,
  getFeedback,
  listFeedback,
  unvote,
  updateFeedback,
  vote,
} from './service.js';
import { changeStatus, mergeFeedback } from './workflow.js';

const Id = Type.Object({ id: Type.String({ description: 'The feedback item id (FB-<n>)', maxLength: 100 }) });
const InterviewId = Type.Object({
  id: Type.String({ description: 'The interview id (INT-<n>)', maxLength: 100 }),
});
const tags = ['feedback'];

export const feedbackRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  const links = { publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}` };

  app.post(
    '/feedback',
    {
      schema: {
        tags,
        summary: 'File a feedback item',
        description:
          'Any signed-in user: a pain point, request, question or praise about services and a platform ' +
          'capability. Unknown services are 400 UNKNOWN_SERVICE, an unknown team 400 UNKNOWN_TEAM (both name ' +
          "the field). team defaults to the author's team when they belong to exactly one. Starts open.",
        security,
        body: CreateFeedbackRequest,
        response: { 201: FeedbackItem, ...errorResponses() },
      },
    },
    async (request, reply) => reply.code(201).send(await createFeedback(db, ctxOf(request), request.body)),
  );
  app.get(
    '/feedback',
    {
      schema: {
        tags,
        summary: 'List feedback items',
        description:
          'Filters combine. Duplicates are left out unless status=duplicate. q matches every word in the ' +
          'title or body, case-insensitively. sort: newest (default), votes, pain (mean pain, then votes).',
        security,
        querystring: FeedbackListQuery,
        response: { 200: Type.Array(FeedbackSummary), ...errorResponses() },
      },
    },
    async (request) => listFeedback(db, request.query),
  );
  app.get(
    '/feedback/boards',
    {
      schema: {
        tags,
        summary: 'Feedback boards with their items counted by status',
        security,
        response: { 200: Type.Array(FeedbackBoard), ...errorResponses() },
      },
    },
    async () => boards(db),
  );
  app.get(
    '/feedback/:id',
    {
      schema: {
        tags,
        summary: 'Get a feedback item',
        description:
          'With votes, mean pain, voters, comments, the items merged into it, its status history (with whom ' +
          'each closing change reached and whom it could not) and linked interviews. A duplicate names the ' +
          'item it was merged into in duplicateOf.',
        security,
        params: Id,
        response: { 200: FeedbackItem, ...errorResponses(404) },
      },
    },
    async (request) => getFeedback(db, request.params.id),
  );
  app.patch(
    '/feedback/:id',
    {
      schema: {
        tags,
        summary: 'Edit a feedback item',
        description: 'Its author, editors and admins. Only the fields sent change; status has its own route.',
        security,
        params: Id,
        body: UpdateFeedbackRequest,
        response: { 200: FeedbackItem, ...errorResponses(403, 404) },
      },
    },
    async (request) => updateFeedback(db, ctxOf(request), request.params.id, request.body),
  );
  app.post(
    '/feedback/:id/votes',
    {
      schema: {
        tags,
        summary: 'Vote for a feedback item',
        description:
          'One vote per person: the first is 201, voting again updates pain and is 200. pain (1–5) says how ' +
          'much it hurts. A duplicate takes no votes (409 FEEDBACK_IS_DUPLICATE names the kept item).',
        security,
        params: Id,
        body: VoteRequest,
        response: { 200: FeedbackItem, 201: FeedbackItem, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { item, created } = await vote(db, ctxOf(request), request.params.id, request.body ?? {});
      return reply.code(created ? 201 : 200).send(item);
    },
  );
  app.delete(
    '/feedback/:id/votes',
    {
      schema: {
        tags,
        summary: 'Take back your vote',
        description: '404 VOTE_NOT_FOUND when you had not voted.',
        security,
        params: Id,
        response: { 200: FeedbackItem, ...errorResponses(404) },
      },
    },
    async (request) => unvote(db, ctxOf(request), request.params.id),
  );
  app.post(
    '/feedback/:id/comments',
    {
      schema: {
        tags,
        summary: 'Comment on a feedback item',
        security,
        params: Id,
        body: CommentRequest,
        response: { 201: FeedbackComment, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await comment(db, ctxOf(request), request.params.id, request.body)),
  );
  app.post(
    '/feedback/:id/status',
    {
      schema: {
        tags,
        summary: 'Move a feedback item through the workflow',
        description:
          'Editors and admins. open → under-review → planned → in-progress → done, or declined; steps may be ' +
          'skipped or stepped back, done and declined may be reopened. A move the workflow does not allow is ' +
          '400 INVALID_TRANSITION (duplicate: USE_MERGE); done and declined need a note (400 NOTE_REQUIRED). ' +
          'Done or declined e-mails the author and every voter once ("you said, we did"); who could not be ' +
          'reached is recorded in the history and the audit log.',
        security,
        params: Id,
        body: StatusChangeRequest,
        response: { 200: FeedbackItem, ...errorResponses(403, 404) },
      },
    },
    async (request) => changeStatus(db, ctxOf(request), request.params.id, request.body, links),
  );
  app.post(
    '/feedback/:id/merge',
    {
      schema: {
        tags,
        summary: 'Merge a duplicate into the item it duplicates',
        description:
          'Editors and admins. The item becomes a duplicate of `into`; its voters and its author become voters ' +
          'of `into`, each once (the higher pain when both voted); its comments stay; interviews linked to it ' +
          'link to `into`. Answers the kept item.',
        security,
        params: Id,
        body: MergeRequest,
        response: { 200: FeedbackItem, ...errorResponses(403, 404) },
      },
    },
    async (request) => mergeFeedback(db, ctxOf(request), request.params.id, request.body),
  );

  const itags = ['interviews'];
  app.post(
    '/interviews',
    {
      schema: {
        tags: itags,
        summary: 'Record an interview',
        description:
          'Editors and admins. team must be a catalog team (400 UNKNOWN_TEAM), interviewer a catalog user ' +
          '(default: you), feedback ids existing items (400 UNKNOWN_FEEDBACK); opportunity ids are kept as given.',
        security,
        body: CreateInterviewRequest,
        response: { 201: Interview, ...errorResponses(403) },
      },
    },
    async (request, reply) => reply.code(201).send(await createInterview(db, ctxOf(request), request.body)),
  );
  app.get(
    '/interviews',
    {
      schema: {
        tags: itags,
        summary: 'List interviews',
        description: 'Most recently held first; since/until bound heldAt as [since, until).',
        security,
        querystring: InterviewListQuery,
        response: { 200: Type.Array(Interview), ...errorResponses() },
      },
    },
    async (request) => listInterviews(db, request.query),
  );
  app.get(
    '/interviews/cadence',
    {
      schema: {
        tags: itags,
        summary: 'The weekly interview habit',
        description:
          'Per UTC week (Monday first) over the last `weeks` weeks including this one: interviews held and the ' +
          'distinct teams heard from; and the catalog teams not heard from in all that time.',
        security,
        querystring: CadenceQuery,
        response: { 200: InterviewCadence, ...errorResponses() },
      },
    },
    async (request) => cadence(db, request.query.weeks ?? 8),
  );
  app.get(
    '/interviews/:id',
    {
      schema: {
        tags: itags,
        summary: 'Get an interview',
        security,
        params: InterviewId,
        response: { 200: Interview, ...errorResponses(404) },
      },
    },
    async (request) => getInterview(db, request.params.id),
  );
  app.patch(
    '/interviews/:id',
    {
      schema: {
        tags: itags,
        summary: 'Edit an interview',
        description:
          'Editors and admins. Only the fields sent change; feedback/opportunities replace those links.',
        security,
        params: InterviewId,
        body: UpdateInterviewRequest,
        response: { 200: Interview, ...errorResponses(403, 404) },
      },
    },
    async (request) => updateInterview(db, ctxOf(request), request.params.id, request.body),
  );
};
