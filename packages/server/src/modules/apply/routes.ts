import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../app.js';

// Filled in by the apply module (config as code).
export const applyRoutes: FastifyPluginAsyncTypebox<AppDeps> = async () => {};
