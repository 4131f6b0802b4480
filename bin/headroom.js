#!/usr/bin/env node
// Launcher for the `headroom` CLI, checked into git so the bin link never depends on build order.
// It runs the built CLI; when a build output is missing (a fresh clone installed with
// --ignore-scripts, or dist/ deleted), it builds once with the repository's TypeScript first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['packages/core', 'packages/server', 'packages/cli'];
const outputs = ['packages/core/dist/index.js', 'packages/server/dist/index.js', 'packages/cli/dist/main.js'];

if (!outputs.every((file) => existsSync(join(root, file)))) {
  process.stderr.write(`headroom: build output missing; building first (npx tsc -b ${packages.join(' ')})\n`);
  let tsc;
  try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    tsc = undefined;
  }
  // tsc's own output goes to stderr so that stdout stays the command's output.
  const stdio = ['ignore', 2, 2];
  const build = tsc
    ? spawnSync(process.execPath, [tsc, '-b', ...packages], { cwd: root, stdio })
    : spawnSync('npx', ['tsc', '-b', ...packages], { cwd: root, stdio, shell: process.platform === 'win32' });
  const missing = outputs.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) {
    process.stderr.write(
      `headroom: the build did not produce ${missing.join(', ')}; run \`npm ci\` (or \`npm run build\`) in ${root}.\n`,
    );
    process.exit(2);
  }
  // tsc still writes JavaScript when it reports type errors; they are printed above.
  if (build.status !== 0) process.stderr.write('headroom: the build reported errors (above); continuing.\n');
}

await import(pathToFileURL(join(root, 'packages/cli/dist/main.js')).href);
