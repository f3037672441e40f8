/** `debug: true` output: one line per request, one per response or failure, secrets redacted. */
const secretHeaders = new Set(['authorization', 'x-user-key', 'cookie'])
// Bodies are cut and kept on one line, so that each exchange stays two lines of log.
const clip = (text: string, max = 1000) => (text.length > max ? `${text.slice(0, max)}…` : text).replace(/\s*\n\s*/g, ' ')

let counter = 0
export const nextRequestNumber = () => ++counter

export function logRequest(n: number, method: string, url: string, headers: Record<string, string>, body?: string): void {
  const shown: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    shown[name] = secretHeaders.has(name.toLowerCase()) ? value.replace(/^(\w+ )?.*$/, '$1<redacted>') : value
  }
  console.debug(`[bpkit] #${n} → ${method} ${url} headers=${JSON.stringify(shown)}${body ? ` body=${clip(body)}` : ''}`)
}

export function logResponse(n: number, method: string, url: string, started: number, status: number, requestId: string | undefined, body: string): void {
  const id = requestId ? ` request-id=${requestId}` : ''
  console.debug(`[bpkit] #${n} ← ${status} ${method} ${url} ${Date.now() - started}ms${id} body=${clip(body)}`)
}

export function logFailure(n: number, method: string, url: string, started: number, message: string): void {
  console.debug(`[bpkit] #${n} ✗ ${method} ${url} ${Date.now() - started}ms ${message}`)
}
