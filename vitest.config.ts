import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@headroom/source'] },
  ssr: { resolve: { conditions: ['@headroom/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
