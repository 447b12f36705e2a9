import { defineConfig } from 'vite';

// The browser app: src/web → dist/web, relative paths so the build also works as plain static files.
export default defineConfig({
  root: 'src/web',
  base: './',
  build: { outDir: '../../dist/web', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
  logLevel: 'warn',
});
