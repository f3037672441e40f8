/**
 * Helpers of the files tests: other bots to test isolation against, a local HTTP server to upload from by URL,
 * raw PUTs to upload URLs, and a look at the bytes on disk.
 */
import { createServer, type Server } from 'node:http'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { TestServer } from '@bpkit/server'
import { generateToken, hashToken } from '../src/auth/tokens.js'
import { newId } from '../src/ids.js'
import { clientFor } from './support.js'

export { expectApiError, createOtherAccount } from './admin-support.js'

/** A second bot in the test server's workspace, with its own bot API key. */
export async function createSiblingBot(server: TestServer): Promise<{ botId: string; token: string }> {
  const db = server.server.store.db
  const now = new Date().toISOString()
  const bot = { botId: newId('bot'), token: generateToken('bot') }
  await db.insertInto('bots').values({ id: bot.botId, workspaceId: server.workspaceId, name: 'Sibling bot', data: '{}', createdAt: now, updatedAt: now }).execute()
  await db
    .insertInto('tokens')
    .values({ id: newId('token'), kind: 'bot', hash: hashToken(bot.token), accountId: null, workspaceId: server.workspaceId, botId: bot.botId, integrationId: null, note: 'sibling', createdAt: now })
    .execute()
  return bot
}

/** A bot API key for the test server's own bot. */
export async function createBotKey(server: TestServer, botId = server.botId, workspaceId = server.workspaceId): Promise<string> {
  const token = generateToken('bot')
  await server.server.store.db
    .insertInto('tokens')
    .values({ id: newId('token'), kind: 'bot', hash: hashToken(token), accountId: null, workspaceId, botId, integrationId: null, note: 'key', createdAt: new Date().toISOString() })
    .execute()
  return token
}

/** Serves `bytes` at `/<anything>` on 127.0.0.1 until closed. */
export async function serveBytes(bytes: Uint8Array, contentType = 'application/octet-stream'): Promise<{ url: string; close(): Promise<void> }> {
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.byteLength })
    res.end(bytes)
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/source.bin`, close: () => new Promise((resolve) => http.close(() => resolve())) }
}

/** Creates a file with `upsertFile` alone (nothing uploaded yet), as the given client. */
export async function upsert(server: TestServer, input: { key: string; size: number; contentType?: string; index?: boolean }) {
  return (await clientFor(server).upsertFile(input)).file
}

/** PUTs a body to an upload URL the way any HTTP client would; returns the status and parsed error body. */
export async function put(url: string, body: BodyInit, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'PUT', body, headers, duplex: 'half' } as RequestInit)
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

/** Every file under the server's data folder for file bytes (final and temporary), relative to it. */
export function storedFiles(server: TestServer): string[] {
  const root = join(server.server.config.dataDir, 'files')
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name).slice(root.length + 1)]))
  try {
    statSync(root)
  } catch {
    return []
  }
  return walk(root)
}

/** The stored bytes of a file (its blob), or undefined. */
export const blobsOfFile = (server: TestServer, fileId: string) => storedFiles(server).filter((f) => f.startsWith('blobs/') && f.includes(fileId))
/** A small valid PDF with one page per string, in Helvetica: enough for a text layer to extract. */
export function minimalPdf(pages: string[]): Uint8Array {
  const objects: string[] = []
  const pageIds = pages.map((_, i) => 4 + i * 2)
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>'
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
  pages.forEach((text, i) => {
    const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[\\()]/g, (c) => '\\' + c)}) Tj ET`
    objects[pageIds[i]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`
    objects[pageIds[i]! + 1] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`
  })
  let pdf = '%PDF-1.4\n'
  const offsets: number[] = []
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = pdf.length
    pdf += `${id} 0 obj\n${objects[id]}\nendobj\n`
  }
  const xref = pdf.length
  pdf += `xref\n0 ${objects.length}\n0000000000 65535 f \n`
  for (let id = 1; id < objects.length; id++) pdf += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`
  pdf += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return new TextEncoder().encode(pdf)
}
