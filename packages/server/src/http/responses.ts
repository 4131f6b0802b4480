/** OpenAPI error responses every route documents: problem+json by reference. */
const problem = { $ref: 'Problem#' } as const;

export function errorResponses(...statuses: number[]): Record<number, typeof problem> {
  const out: Record<number, typeof problem> = {};
  for (const s of [400, 401, ...statuses]) out[s] = problem;
  return out;
}

export const security: { [name: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
