/**
 * Domain errors with stable codes. Services throw these and never import HTTP;
 * the server maps each to an RFC 9457 problem+json response by its `status`.
 * Tests match on `code`, never on message text.
 */

export interface FieldProblem {
  /** JSON pointer or dotted path of the failing field, e.g. `/spec/owner`. */
  path: string;
  message: string;
  /** Where the field came from in a config file, when it came from one. */
  file?: string;
  line?: number;
  column?: number;
  /** A stable code for this one problem, where a request reports several (ingest's rejected lines). */
  code?: string;
}

export class HeadroomError extends Error {
  readonly code: string;
  readonly status: number;
  readonly errors: FieldProblem[] | undefined;

  constructor(code: string, status: number, message: string, errors?: FieldProblem[]) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.errors = errors;
  }
}

/** Too many attempts (e.g. failed logins); `retryAfterSeconds` becomes the Retry-After header. */
export class TooManyRequestsError extends HeadroomError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, code = 'TOO_MANY_ATTEMPTS') {
    super(code, 429, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Input that can never succeed as sent (bad field, bad YAML, unknown kind). */
export class InputError extends HeadroomError {
  constructor(message: string, errors?: FieldProblem[], code = 'INVALID_INPUT') {
    super(code, 400, message, errors);
  }
}

export class AuthenticationError extends HeadroomError {
  constructor(message = 'Authentication required: send a Bearer token or log in.', code = 'UNAUTHENTICATED') {
    super(code, 401, message);
  }
}

export class ForbiddenError extends HeadroomError {
  constructor(message: string, code = 'FORBIDDEN') {
    super(code, 403, message);
  }
}

export class NotFoundError extends HeadroomError {
  constructor(what: string, name: string, code = 'NOT_FOUND') {
    super(code, 404, `${what} '${name}' does not exist.`);
  }
}

export class ConflictError extends HeadroomError {
  constructor(message: string, code = 'CONFLICT') {
    super(code, 409, message);
  }
}

export function isHeadroomError(error: unknown): error is HeadroomError {
  return error instanceof HeadroomError;
}
