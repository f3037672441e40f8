import { it } from 'node:test'
import assert from 'node:assert/strict'
import { Client, files } from '@bpkit/client'
import { describeEachStore } from './support.js'
import { serveBytes } from './files-helpers.js'

describeEachStore('files: through @bpkit/client, its public Client and its files.Client', ({ server }) => {
  it('both clients upload string, bytes, Blob and url content, read, list, search and delete files', async () => {
    const props = { apiUrl: server().url, token: server().token, botId: server().botId, retry: false as const }
    const source = await serveBytes(new TextEncoder().encode('Bytes fetched from a URL mention the ocelot.'), 'text/plain')
    try {
      for (const [name, client] of [['Client', new Client(props)], ['files.Client', new files.Client(props)]] as const) {
        const contents = [
          { key: `${name}/string.txt`, content: 'A string that mentions the ocelot.' },
          { key: `${name}/bytes.txt`, content: new TextEncoder().encode('Bytes that mention the ocelot.') },
          { key: `${name}/blob.txt`, content: new Blob(['A blob that mentions the ocelot.'], { type: 'text/plain' }) },
          { key: `${name}/url.txt`, url: source.url },
        ]
        for (const input of contents) {
          const { file } = await client.uploadFile({ ...input, index: true, tags: { via: name } })
          const { file: stored } = await client.getFile({ id: file.id })
          assert.equal(stored.status, 'indexing_completed', input.key)
          assert.match(await (await fetch(stored.url)).text(), /ocelot/)
        }
        const listed = await client.list.files({ tags: { via: name } }).collect()
        assert.equal(listed.length, 4)
        const { passages } = await client.searchFiles({ query: 'ocelot', tags: { via: name } })
        assert.equal(new Set(passages.map((p) => p.file.key)).size, 4)
        for (const f of listed) await client.deleteFile({ id: f.id })
        assert.equal((await client.listFiles({ tags: { via: name } })).files.length, 0)
      }
    } finally {
      await source.close()
    }
  })
})
