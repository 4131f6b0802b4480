/**
 * OpenAPI error responses every route documents: RFC 9457 problem details by reference, under
 * the media type they are actually sent with (fastify also picks the serializer by it).
 */
const problem = {
  description: 'Problem details (RFC 9457) with a stable `code`',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
} as const;

export function errorResponses(...statuses: number[]): Record<number, typeof problem> {
  const out: Record<number, typeof problem> = {};
  for (const s of [400, 401, ...statuses]) out[s] = problem;
  return out;
}

export const security: { [name: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
