import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApplyRequest, ApplyResult } from '@headroom/core/api/apply';
import type { AppDeps } from '../../app.js';
import { ctxOf } from '../../http/auth.js';
import { errorResponses, security } from '../../http/responses.js';
import { applyConfig } from './service.js';

/** Largest apply request: thousands of catalog entities fit well within it. */
export const APPLY_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

export const applyRoutes: FastifyPluginAsyncTypebox<AppDeps> = async (app, { db }) => {
  app.post(
    '/apply',
    {
      // A whole config repository travels in one request (one transaction), so this route
      // takes more than the 1 MiB every other route accepts.
      bodyLimit: APPLY_BODY_LIMIT_BYTES,
      schema: {
        tags: ['apply'],
        summary: 'Apply YAML config (Backstage descriptors, OpenSLO v1; headroom.dev kinds to come)',
        description:
          'Validates every document of every file first (400 with file, line and column on any problem), ' +
          'then plans and applies all changes in one transaction. dryRun only plans; prune also deletes ' +
          'objects an earlier apply created that the files no longer declare. Unresolved references are ' +
          'warnings. One forbidden change fails the whole apply (403).',
        security,
        body: ApplyRequest,
        response: { 200: ApplyResult, ...errorResponses(403, 409) },
      },
    },
    async (request) => applyConfig(db, ctxOf(request), request.body),
  );
};
