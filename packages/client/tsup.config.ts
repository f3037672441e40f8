import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.base'

// The spec is bundled in (code and types) so that the published package has no dependencies.
const bundleSpec = { noExternal: ['@bpkit/spec'] }

export default defineConfig([
  // Typed clients are their own entry (`@bpkit/client/typed`): the main entry stays as small as it can be.
  { ...packageBuild, ...bundleSpec, entry: { index: 'src/index.ts', typed: 'src/typed/index.ts' }, dts: { resolve: true } },
  {
    ...bundleSpec,
    entry: { index: 'src/index.ts', typed: 'src/typed/index.ts' },
    outDir: 'dist/browser',
    // Each browser entry is one self-contained file.
    splitting: false,
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    clean: false,
    minify: true,
  },
])
