/**
 * Deployed bundles for the tests: a fixture of test/fixtures/deployed/ bundled with esbuild into what `bp build`
 * produces (CommonJS exporting the bot or integration as `default`), and the chat channel its integration has.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** `replace`: names the fixture reads (`ECHO_PREFIX`, `CRASH_ON_SEND`), defined at bundle time. */
export async function bundle(fixture: string, replace: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./fixtures/deployed/${fixture}`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    write: false,
    logLevel: 'silent',
    define: Object.fromEntries(Object.entries(replace).map(([name, value]) => [name, JSON.stringify(value)])),
  })
  return result.outputFiles[0]!.text
}

export const chatChannels = { channel: { messages: { text: { schema: { type: 'object', properties: { text: { type: 'string' } } } } } } }
