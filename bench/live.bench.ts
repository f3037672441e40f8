/**
 * How long a new message takes to reach an open live stream (`GET /live?botId=`) after `createMessage` answers:
 * written through the process serving the stream, and through a second server process on the same database
 * (seen at the stream's next poll of the store). SQLite; loopback HTTP; the server runs in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@bpkit/client'
import { startServer, startTestServer } from '@bpkit/server'
import { openLive } from '../packages/server/test/web-support.js'

const ROUNDS = 200

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

async function latencies(writeUrl: string, server: Awaited<ReturnType<typeof startTestServer>>): Promise<number[]> {
  const client = new Client({ apiUrl: writeUrl, token: server.token, botId: server.botId, retry: false })
  const { user } = await client.createUser({ tags: {} })
  const { conversation } = await client.createConversation({ channel: 'bench', tags: {} })
  const live = await openLive(server, `botId=${server.botId}`, { token: server.token })
  const arrivals = new Map<string, number>()
  const seen = (id: string) => live.waitFor((e) => e.event === 'message' && e.data.message.id === id, 10_000).then(() => arrivals.get(id) ?? performance.now())
  const results: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const { message } = await client.createMessage({ conversationId: conversation.id, userId: user.id, type: 'text', payload: { text: `m${i}` }, tags: {} })
    const answered = performance.now()
    const arrived = await seen(message.id)
    results.push(Math.max(0, arrived - answered))
  }
  live.close()
  return results
}

async function main() {
  const server = await startTestServer({})
  const dataDir = mkdtempSync(join(tmpdir(), 'bpkit-live-bench-'))
  const second = await startServer({ logLevel: 'silent', port: 0, host: '127.0.0.1', dataDir, database: server.server.config.database, adminToken: server.token })
  try {
    const same = await latencies(server.url, server)
    const other = await latencies(second.url, server)
    console.log('## Live stream\n')
    console.log(`SQLite, ${ROUNDS} sequential createMessage calls each; time from the answer to the message's \`message\` event on an open \`/live\` stream (poll interval 250 ms).\n`)
    console.log('| written through | p50 | p90 | p99 |')
    console.log('|---|---:|---:|---:|')
    for (const [name, values] of [['the process serving the stream', same], ['another server process on the same database', other]] as const) {
      console.log(`| ${name} | ${quantile(values, 0.5).toFixed(1)} ms | ${quantile(values, 0.9).toFixed(1)} ms | ${quantile(values, 0.99).toFixed(1)} ms |`)
    }
  } finally {
    await second.close()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
