#!/usr/bin/env node
/**
 * Writes openapi/headroom.json from the route schemas, or with --check fails when the committed
 * file differs from what the routes describe now (CI's drift check).
 *
 * The app is built from the TypeScript sources (tsx, with the `@headroom/source` export
 * condition), so the result never depends on a stale `dist/`. Keys are sorted recursively
 * (arrays keep their order) so the file diffs cleanly.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'openapi', 'headroom.json');
const CONDITION = '@headroom/source';

// Re-run under tsx with the source condition unless this process already is that run.
if (!process.execArgv.some((arg) => arg.includes(CONDITION))) {
  const tsx = import.meta.resolve('tsx');
  const child = spawnSync(
    process.execPath,
    [`--conditions=${CONDITION}`, '--import', tsx, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}

/** Object keys in code-point order at every depth; arrays keep their order. */
export function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

/** Up to `limit` JSON paths where `a` and `b` differ, for a short drift report. */
function differences(a, b, path = '', out = [], limit = 15) {
  if (out.length >= limit) return out;
  const isObj = (v) => v !== null && typeof v === 'object';
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const here = `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (!(key in b)) out.push(`  - ${here} (only in the committed file)`);
      else if (!(key in a)) out.push(`  + ${here} (new in the routes)`);
      else differences(a[key], b[key], here, out, limit);
      if (out.length >= limit) break;
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`  ~ ${path || '/'} changed`);
  }
  return out;
}

async function generate() {
  const { buildApp, configFromEnv } = await import('@headroom/server');
  const config = {
    ...configFromEnv({}),
    databaseUrl: 'sqlite::memory:',
    adminToken: 'openapi-generator-admin-token',
    logLevel: 'silent',
  };
  const app = await buildApp({ config, logger: false });
  try {
    return `${JSON.stringify(sortKeys(app.swagger()), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

const check = process.argv.includes('--check');
const generated = await generate();
const shown = relative(process.cwd(), target) || target;

if (!check) {
  await writeFile(target, generated);
  console.log(`wrote ${shown}`);
} else {
  let committed = null;
  try {
    committed = await readFile(target, 'utf8');
  } catch {
    // reported below
  }
  if (committed === generated) {
    console.log(`${shown} is up to date`);
  } else {
    console.error(`${shown} differs from the route schemas: run \`npm run openapi\` and commit the result.`);
    if (committed === null) {
      console.error('  (the file does not exist)');
    } else {
      let paths = [];
      try {
        paths = differences(JSON.parse(committed), JSON.parse(generated));
      } catch {
        paths = ['  (the committed file is not valid JSON)'];
      }
      if (paths.length === 0) paths = ['  (same content, different formatting)'];
      console.error(paths.join('\n'));
    }
    process.exit(1);
  }
}
