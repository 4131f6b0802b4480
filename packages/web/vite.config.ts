import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into packages/web/dist, which the server serves at `/`. `npm run dev -w packages/web` proxies the
// API to a server on HEADROOM_DEV_API (default http://127.0.0.1:7070).
export default defineConfig({
  plugins: [react()],
  // Core's pure modules are imported as TypeScript source, the way the tests import them.
  resolve: { conditions: ['@headroom/source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 900 },
  server: {
    proxy: {
      '/api': process.env.HEADROOM_DEV_API ?? 'http://127.0.0.1:7070',
      '/ack': process.env.HEADROOM_DEV_API ?? 'http://127.0.0.1:7070',
    },
  },
});
