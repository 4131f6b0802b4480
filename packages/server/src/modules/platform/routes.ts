import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PlatformAdoption, PlatformAdoptionQuery } from '@headroom/core/api/survey';
import type { AppDeps } from '../../app.js';
import { errorResponses, security } from '../../http/responses.js';
import { platformAdoption } from './service.js';

export const platformRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.get(
    '/platform/adoption',
    {
      schema: {
        tags: ['surveys'],
        summary: 'Platform as a product: adoption, satisfaction, feedback, interviews',
        description:
          'Per capability, how many services and teams use it (each entry says what counts as adopting it); ' +
          'NPS and CSAT per survey round and capability over time (null below 3 answers); open feedback items ' +
          'by status; interviews held in the last interviewWeeks weeks and how many teams they reached.',
        security,
        querystring: PlatformAdoptionQuery,
        response: { 200: PlatformAdoption, ...errorResponses() },
      },
    },
    async (request) => platformAdoption(db, request.query),
  );
};
