/**
 * @module Vite build of the dashboard. `npm run web:build` writes `dist/`, which `tickline start`
 * serves; `npm run web:dev` serves the app with hot reload and proxies the API to a running
 * `tickline start` (TICKLINE_URL, default http://localhost:8080).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = process.env.TICKLINE_URL ?? 'http://localhost:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names under assets/: the server caches those for a year, index.html never.
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true, ws: true },
      '/game': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
});
