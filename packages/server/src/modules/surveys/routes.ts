import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateSurveyRequest,
  PendingSurvey,
  SendSurveyResult,
  Survey,
  SurveyListQuery,
  SurveyResponseReceipt,
  SurveyResponseRequest,
  SurveyResults,
  SurveyResultsQuery,
} from '@headroom/core/api/survey';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { surveyResults } from './results.js';
import {
  createSurvey,
  getSurvey,
  listSurveys,
  pendingSurveys,
  respondAsUser,
  sendSurvey,
} from './service.js';

const IdParam = Type.Object({
  id: Type.String({ maxLength: 100, description: 'The survey id (SRV-<n>) or name' }),
});

/** Where links in e-mails point: HEADROOM_PUBLIC_URL, else the address this request came to. */
export const externalUrlOf = (publicUrl: string | undefined, request: FastifyRequest) =>
  publicUrl ?? `${request.protocol}://${request.host}`;

export const surveyRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db, config }) => {
  app.post(
    '/surveys',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Create a survey',
        description:
          'Editors and admins. NPS ("How likely are you to recommend <capability> to a colleague?", 0–10) and/or ' +
          'CSAT (1–5) per capability, with an optional comment; to every member of some teams or to all users; by ' +
          'hand or every N weeks. 400 SURVEY_WITHOUT_QUESTIONS when neither question is asked, 400 UNKNOWN_TEAM, ' +
          '409 SURVEY_EXISTS for a name in use.',
        security,
        body: CreateSurveyRequest,
        response: { 201: Survey, ...errorResponses(403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await createSurvey(db, ctxOf(request), request.body)),
  );
  app.get(
    '/surveys',
    {
      schema: {
        tags: ['surveys'],
        summary: 'List surveys with their response rates',
        description: 'Newest first. responseRate = invitations answered ÷ invitations sent, over all rounds.',
        security,
        querystring: SurveyListQuery,
        response: { 200: Type.Array(Survey), ...errorResponses() },
      },
    },
    async (request) => listSurveys(db, request.query),
  );
  app.get(
    '/surveys/pending',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Surveys waiting for the signed-in user',
        description:
          'The newest open round of every survey sent to the caller, answered or not (answering again replaces the answer).',
        security,
        response: { 200: Type.Array(PendingSurvey), ...errorResponses() },
      },
    },
    async (request) => pendingSurveys(db, ctxOf(request)),
  );
  app.get(
    '/surveys/:id',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Get a survey',
        security,
        params: IdParam,
        response: { 200: Survey, ...errorResponses(404) },
      },
    },
    async (request) => getSurvey(db, request.params.id),
  );
  app.post(
    '/surveys/:id/send',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Send a round of a survey now',
        description:
          'Editors and admins. One invitation per audience member, e-mailed through the outbox with a signed link ' +
          '(GET /s/<token>) that works until the round closes (responseDays). People without an e-mail address ' +
          'answer in the UI. For a scheduled survey the next round is due scheduleWeeks after this one. 409 ' +
          'SURVEY_NO_AUDIENCE when nobody is in the audience.',
        security,
        params: IdParam,
        response: { 201: SendSurveyResult, ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await sendSurvey(db, ctxOf(request), request.params.id, externalUrlOf(config.publicUrl, request)),
        ),
  );
  app.post(
    '/surveys/:id/responses',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Answer a survey (signed-in user)',
        description:
          "Answers the caller's invitation of the survey's newest open round. A second answer in the same round " +
          'replaces the first (replaced: true). 404 SURVEY_NOT_INVITED when the caller has no open invitation; ' +
          '400 for a capability the survey does not ask about or a question it does not ask.',
        security,
        params: IdParam,
        body: SurveyResponseRequest,
        response: { 200: SurveyResponseReceipt, ...errorResponses(404, 410) },
      },
    },
    async (request) => respondAsUser(db, ctxOf(request), request.params.id, request.body.answers),
  );
  app.get(
    '/surveys/:id/results',
    {
      schema: {
        tags: ['surveys'],
        summary: 'A survey’s results per round and capability',
        description:
          'NPS and CSAT per round and capability with their counts and the formulas; per team only where the ' +
          'anonymity rule allows (formulas.anonymity). Who answered is never shown.',
        security,
        params: IdParam,
        querystring: SurveyResultsQuery,
        response: { 200: SurveyResults, ...errorResponses(404) },
      },
    },
    async (request) => surveyResults(db, request.params.id, request.query),
  );
};
