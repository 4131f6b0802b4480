#!/usr/bin/env node
/**
 * `npm test`: the whole suite, ending with one plain line built from vitest's JSON reporter,
 * `N passed, N failed` (and `, N skipped` when any were), which CI harnesses read.
 *
 * Without arguments it runs the unit and integration tests (vitest.config.ts), then builds the
 * packages and runs the end-to-end tests against the built server and CLI
 * (e2e/vitest.config.ts), then builds the web UI and runs the browser tests (Playwright in Debian's
 * chromium against the demo, e2e/browser), and adds all three up. With arguments it runs vitest once with them:
 * `npm test -- packages/core`, `npm test -- --config e2e/vitest.config.ts`.
 *
 * Exits non-zero when a test failed, a test file failed to load, a run executed no test,
 * vitest itself or the build failed, or — under CI=true — any test was skipped (CI must run
 * every suite, PostgreSQL included).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const tscBin = require.resolve('typescript/bin/tsc');
const viteBin = join(
  dirname(require.resolve('vite/package.json', { paths: [join(root, 'packages/web')] })),
  'bin/vite.js',
);
const playwrightBin = join(dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
const inCi = process.env.CI === 'true';

const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(130);
  });
}

function exec(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    children.add(child);
    child.on('error', (error) => {
      console.error(`could not start ${args[0]}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** One vitest run; returns its counts and the problems found in it. */
async function vitest(label, args) {
  const dir = await mkdtemp(join(tmpdir(), 'headroom-vitest-'));
  const reportFile = join(dir, 'report.json');
  const exit = await exec([
    vitestBin,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...args,
  ]);
  let report = null;
  try {
    report = JSON.parse(await readFile(reportFile, 'utf8'));
  } catch (error) {
    console.error(`${label}: vitest wrote no JSON report (${error.code ?? error.message}).`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const result = { passed: 0, failed: 0, skipped: 0, problems: [] };
  const problem = (text) => result.problems.push(`${label}: ${text}`);
  if (!report) {
    problem(`vitest failed (exit code ${exit})`);
    return result;
  }
  result.passed = report.numPassedTests;
  result.failed = report.numFailedTests;
  result.skipped = report.numPendingTests + report.numTodoTests;

  // A test file that fails to load (syntax error, throwing describe, missing service under CI)
  // has no failed tests, only a failed file: count each such file as one failure.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'),
  );
  for (const file of brokenFiles) {
    const firstLine = (file.message || 'failed without a message').split('\n')[0];
    problem(`test file failed: ${relative(root, file.name)}: ${firstLine}`);
  }
  result.failed += brokenFiles.length;

  if (result.failed > 0) problem(`${result.failed} test${result.failed === 1 ? '' : 's'} failed`);
  if (report.numTotalTests === 0 || result.passed === 0) problem('no test ran');
  if (inCi && result.skipped > 0) {
    const names = report.testResults.flatMap((file) =>
      file.assertionResults
        .filter((t) => t.status !== 'passed' && t.status !== 'failed')
        .map((t) => `${relative(root, file.name)} > ${t.fullName} (${t.status})`),
    );
    problem(
      `CI=true: ${result.skipped} test${result.skipped === 1 ? ' was' : 's were'} skipped; CI runs every suite:`,
    );
    for (const name of names.slice(0, 20)) result.problems.push(`  ${name}`);
    if (names.length > 20) result.problems.push(`  … and ${names.length - 20} more`);
  }
  if (exit !== 0 && result.problems.length === 0) problem(`vitest exited with code ${exit} (see above)`);
  return result;
}

const notRun = (why) => ({ passed: 0, failed: 0, skipped: 0, problems: [why] });

/** The Playwright suite (e2e/browser) in Debian's chromium, counted from its JSON reporter. */
async function playwright() {
  const label = 'browser tests';
  const dir = await mkdtemp(join(tmpdir(), 'headroom-playwright-'));
  const reportFile = join(dir, 'report.json');
  process.env.PLAYWRIGHT_JSON_OUTPUT_NAME = reportFile;
  const exit = await exec([
    playwrightBin,
    'test',
    '--config',
    'e2e/browser/playwright.config.ts',
    '--reporter=list,json',
  ]);
  let report = null;
  try {
    report = JSON.parse(await readFile(reportFile, 'utf8'));
  } catch (error) {
    console.error(`${label}: Playwright wrote no JSON report (${error.code ?? error.message}).`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (!report) return notRun(`${label}: Playwright failed (exit code ${exit})`);
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
  const result = { passed: expected + flaky, failed: unexpected, skipped, problems: [] };
  for (const error of report.errors ?? [])
    result.problems.push(`${label}: ${(error.message ?? String(error)).split('\n')[0]}`);
  if (unexpected > 0) result.problems.push(`${label}: ${unexpected} failed`);
  if (expected + flaky === 0) result.problems.push(`${label}: no test ran`);
  if (inCi && skipped > 0) result.problems.push(`${label}: CI=true: ${skipped} skipped; CI runs every suite`);
  if (exit !== 0 && result.problems.length === 0) result.problems.push(`${label}: exit code ${exit}`);
  return result;
}

const userArgs = process.argv.slice(2);
const results = [];
if (userArgs.length > 0) {
  results.push(await vitest('tests', userArgs));
} else {
  results.push(await vitest('unit and integration tests', []));
  console.log('\nBuilding packages/core, server and cli for the end-to-end tests (tsc -b)…');
  if ((await exec([tscBin, '-b', 'packages/core', 'packages/server', 'packages/cli'])) === 0) {
    results.push(await vitest('end-to-end tests', ['--config', 'e2e/vitest.config.ts']));
    console.log('\nBuilding the web UI (vite build) for the browser tests…');
    if ((await exec([viteBin, 'build', 'packages/web'])) === 0) results.push(await playwright());
    else results.push(notRun('the web build failed: browser tests not run'));
  } else {
    results.push(notRun('the build failed: end-to-end and browser tests not run'));
  }
}

const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
const problems = results.flatMap((r) => r.problems);
const [passed, failed, skipped] = [total('passed'), total('failed'), total('skipped')];
console.log('');
for (const line of problems) console.log(`test summary: ${line}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(problems.length > 0 ? 1 : 0);
