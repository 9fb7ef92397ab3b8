import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const adminRoot = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(adminRoot, '..', '..');

/** The admin console: built into dist/public/admin, served by the BestAI server at `/`. */
export default defineConfig({
  root: adminRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(repositoryRoot, 'dist', 'public', 'admin'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
