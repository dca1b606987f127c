import { defineConfig } from 'vite'

// Builds the `glassbox` command (package.json "bin") as one Node ES module with a shebang;
// dependencies stay external and are resolved from node_modules at run time.
export default defineConfig({
  // The bin needs no static assets (public/ is the web app's).
  publicDir: false,
  build: {
    ssr: 'src/cli/bin.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    // src/cli/bin.ts starts with the shebang line, which the bundler keeps at the top. Model
    // runtimes are imported lazily (src/model/registry.ts); the bin inlines them into one file.
    rollupOptions: { output: { entryFileNames: 'glassbox.mjs', inlineDynamicImports: true } },
  },
})
