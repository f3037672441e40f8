import { spawn } from 'node:child_process'
import { clientProps } from './api-access.js'

/** What `bpkit open` and `bpkit invite` share: a POST to one of the server's `/auth/*` routes with the account's token. */

export type Link = { url: string; expiresAt: string }

/** POSTs `body` to `path` of the server with the personal access token; a Botpress error is printed, exit code 2. */
export async function postWithToken(dataDir: string | undefined, path: string, body?: unknown): Promise<{ ok: true; value: Link } | { ok: false; code: number }> {
  const props = clientProps(dataDir)
  const apiUrl = (props.apiUrl ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')
  let response: Response
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${props.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (error) {
    throw new Error(`cannot reach the server at ${apiUrl} (is \`bpkit serve\` running?): ${(error as Error).message}`)
  }
  const text = await response.text()
  let parsed: any
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!response.ok) {
    process.stderr.write(parsed?.type ? `${parsed.type}: ${parsed.message}\n` : `bpkit: the server answered ${response.status}: ${text.slice(0, 500)}\n`)
    return { ok: false, code: 2 }
  }
  return { ok: true, value: parsed as Link }
}

/** Opens `url` in the desktop's browser when there is one (xdg-open, open, start); silently does nothing otherwise. */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]]
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {
    // no browser here: the printed link is enough
  }
}
