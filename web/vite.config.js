import { defineConfig } from 'vite';

// The bundle is committed (web/dist) and embedded in the Go binary, so it must be small and reproducible:
// no source maps, one hashed script and stylesheet.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rollupOptions: { output: { manualChunks: undefined } },
  },
});
