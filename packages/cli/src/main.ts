/** The process entry of `headroom` (bin/headroom.js imports the built copy of this file). */
import { run } from './run.js';

// `headroom … | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2));
