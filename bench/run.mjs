#!/usr/bin/env node
/**
 * `npm run bench -- <name> [options]` runs bench/<name>.mjs and prints its result as JSON on
 * stdout (progress goes to stderr). Each benchmark exports `run(args: string[])`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .map((f) => f.slice(0, -'.mjs'.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [options]\nbenchmarks: ${available.join(', ')}`);
  process.exit(2);
}

const bench = await import(pathToFileURL(join(here, `${name}.mjs`)).href);
const result = await bench.run(args);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
