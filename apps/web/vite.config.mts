import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const ici = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web application, built into dist/web and served by the api at `/` (same origin, same
 * sign-in). `npm run web:dev` serves it with hot reload and sends /api to an api on port 3000.
 */
export default defineConfig({
  root: ici,
  base: '/',
  build: { outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)), emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': 'http://localhost:3000', '/health': 'http://localhost:3000' } },
});
