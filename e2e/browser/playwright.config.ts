import { defineConfig } from '@playwright/test';

// Browser tests of the built web UI against `headroom demo`, in Debian's chromium (never a
// downloaded browser). One worker: the tests share the demo organisation and this machine has 2 cores.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  outputDir: '../../test-results/browser',
  use: {
    launchOptions: { executablePath: process.env.HEADROOM_TEST_CHROMIUM_BIN || '/usr/bin/chromium' },
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
