/** One error handler: domain errors and fastify's own errors become RFC 9457 problem+json. */
import { type FieldProblem, isHeadroomError, TooManyRequestsError } from '@headroom/core/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUniqueViolation } from '../db/index.js';
import type { NotFoundFallback } from './web.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
}

export function problemType(code: string): string {
  return `https://headroom.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: FieldProblem[],
): FastifyReply {
  const body: ProblemBody = {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    instance: request.url,
    requestId: String(request.id),
  };
  if (errors && errors.length > 0) body.errors = errors;
  return reply.code(status).type('application/problem+json').send(body);
}

/**
 * Ajv's instancePath is a JSON pointer; add the missing property for `required` errors. Body
 * paths stay JSON pointers into the body (`/owner`), as domain errors and apply report them;
 * other request parts are named first (`querystring/depth`).
 */
function validationProblems(error: FastifyError): FieldProblem[] {
  const context = error.validationContext ?? 'body';
  const part = context === 'body' ? '' : context;
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    let path = v.instancePath || '';
    if (v.keyword === 'required' && typeof params.missingProperty === 'string')
      path += `/${params.missingProperty}`;
    if (v.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path += `/${params.additionalProperty}`;
      return { path: `${part}${path}`, message: 'is not a known field' };
    }
    return { path: `${part}${path || '/'}`, message: v.message ?? 'is invalid' };
  });
}

/**
 * Errors fastify raises before any route or hook runs (a URL that is not valid percent-encoding,
 * a path parameter over maxParamLength); given as fastify's `frameworkErrors` option.
 */
export function frameworkErrorProblem(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const codes: Record<string, string> = {
    FST_ERR_BAD_URL: 'BAD_URL',
    FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  };
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 400;
  reply.header('x-request-id', request.id);
  sendProblem(request, reply, status, codes[error.code] ?? 'BAD_REQUEST', error.message);
}

/** `fallback` may answer a request no route matched (the web UI's deep links) before the 404 problem. */
export function registerProblemHandlers(app: FastifyInstance, fallback?: NotFoundFallback): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isHeadroomError(error)) {
      if (error instanceof TooManyRequestsError) reply.header('retry-after', String(error.retryAfterSeconds));
      return sendProblem(request, reply, error.status, error.code, error.message, error.errors);
    }
    if (error.validation) {
      const errors = validationProblems(error);
      const first = errors[0];
      const detail = first ? `${first.path} ${first.message}` : 'The request is invalid.';
      return sendProblem(request, reply, 400, 'INVALID_INPUT', detail, errors);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(
          request,
          reply,
          413,
          'PAYLOAD_TOO_LARGE',
          `The request body is larger than ${formatBytes(request.routeOptions.bodyLimit ?? 1024 * 1024)}.`,
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(request, reply, 415, 'UNSUPPORTED_MEDIA_TYPE', error.message);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(request, reply, 400, 'INVALID_JSON', error.message);
    }
    if (isUniqueViolation(error)) {
      return sendProblem(
        request,
        reply,
        409,
        'CONFLICT',
        'A concurrent request changed the same object first.',
      );
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(request, reply, error.statusCode, error.code ?? 'BAD_REQUEST', error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, 500, 'INTERNAL', 'An unexpected error occurred; it has been logged.');
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (fallback && (await fallback(request, reply))) return reply;
    return sendProblem(
      request,
      reply,
      404,
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}.`,
    );
  });
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
