import type { CliIo } from './context.js';
import { reportError } from './errors.js';
import { buildProgram } from './program.js';

/**
 * Runs the CLI in-process on `argv` (the arguments after `headroom`, e.g. ['services', 'list'])
 * and resolves to the exit code: 0 done, 1 the server refused, 2 usage error or server unreachable.
 */
export async function run(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }) {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error, io.stderr);
  }
}
