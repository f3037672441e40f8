import { defineConfig } from 'vite'

// Preact's JSX through Vite's own transformer (no Babel plugin needed).
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
})
