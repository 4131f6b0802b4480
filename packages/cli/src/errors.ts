/** What can go wrong in the CLI, and the exit code and message each failure gets. */
import type { Problem } from '@headroom/core/api/common';
import { CommanderError } from 'commander';

export const EXIT_OK = 0;
/** The server refused the request (4xx/5xx). */
export const EXIT_REFUSED = 1;
/** Bad usage, unreadable input, or no server to talk to. */
export const EXIT_USAGE = 2;

/** The command line or a local input (a file, stdin) is wrong; nothing was sent. */
export class UsageError extends Error {}

/** The server answered with an error; `problem` is its RFC 9457 body (or one made up for non-Headroom answers). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** Whether a token was sent with the request, for the 401 hint. */
    readonly sentToken: boolean,
  ) {
    super(problem.detail);
  }
}

/** No answer at all: refused connection, unknown host, reset. */
export class UnreachableError extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
  ) {
    super(`cannot reach the Headroom server at ${server} (${reason})`);
  }
}

interface Writer {
  write(text: string): unknown;
}

/** `  file:line:column path: message`, leaving out what the problem does not carry. */
export function fieldProblemLine(p: NonNullable<Problem['errors']>[number]): string {
  const where = p.file ? [p.file, p.line, p.column].filter((x) => x !== undefined).join(':') : '';
  const subject = [where, p.path].filter(Boolean).join(' ');
  return `  ${subject ? `${subject}: ` : ''}${p.message}`;
}

function hint(error: ApiError): string | undefined {
  if (error.status === 401 && !error.sentToken)
    return 'no token was sent: set HEADROOM_TOKEN or pass --token <token> (the first admin token is printed when the server starts on an empty database; `headroom tokens create` makes more)';
  if (error.status === 401)
    return 'the token from --token / HEADROOM_TOKEN was refused; check it, or create a new one with `headroom tokens create`';
  if (error.status === 403)
    return 'your role or team membership does not allow this; `headroom whoami` shows both';
  return undefined;
}

/** Prints an error the way a person can act on it and returns the exit code. */
export function reportError(error: unknown, stderr: Writer): number {
  const say = (line: string) => stderr.write(`${line}\n`);
  if (error instanceof CommanderError) {
    // Commander has already printed the message or the help text.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
    return EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    say(`error: ${error.message}`);
    return EXIT_USAGE;
  }
  if (error instanceof UnreachableError) {
    say(`error: ${error.message}`);
    say(
      'hint: is it running (`headroom serve`)? Point the CLI at another server with --server <url> or HEADROOM_URL.',
    );
    return EXIT_USAGE;
  }
  if (error instanceof ApiError) {
    say(`error: ${error.problem.detail} (${error.problem.code})`);
    for (const p of error.problem.errors ?? []) say(fieldProblemLine(p));
    const h = hint(error);
    if (h) say(`hint: ${h}`);
    return EXIT_REFUSED;
  }
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT_REFUSED;
}
