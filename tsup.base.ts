import type { Options } from 'tsup'

/** Shared build settings: ESM and CJS with declarations for each, for Node 18+. */
export const packageBuild: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'es2022',
  platform: 'node',
}
