/**
 * The first account's workspace has a handle (default `local`, `BPKIT_WORKSPACE_HANDLE`), so that the
 * official CLI's `bp deploy -y` of an integration names it `<handle>/<name>` without prompting. A store
 * made before handles gets one on its next start.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { readCredentials, resolveConfig, startServer, startTestServer } from '@bpkit/server'
import { clientFor } from './support.js'

describe('the first workspace handle', () => {
  const dirs: string[] = []
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpkit-handle-'))
    dirs.push(dir)
    return dir
  }
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('a new store: the workspace is `local`, in the credentials and in getWorkspace', async () => {
    const server = await startTestServer()
    try {
      const { handle } = await clientFor(server).getWorkspace({ id: server.workspaceId })
      assert.equal(handle, 'local')
      assert.equal(server.workspaceHandle, 'local')
      const available = await clientFor(server).checkHandleAvailability({ handle: 'local' })
      assert.equal(available.available, false)
    } finally {
      await server.close()
    }
  })

  it('workspaceHandle / BPKIT_WORKSPACE_HANDLE choose it; an invalid one is refused at start', async () => {
    const server = await startTestServer({ workspaceHandle: 'acme-bots' })
    try {
      assert.equal((await clientFor(server).getWorkspace({ id: server.workspaceId })).handle, 'acme-bots')
    } finally {
      await server.close()
    }
    assert.equal(resolveConfig({}, { BPKIT_WORKSPACE_HANDLE: 'team_1' }).workspaceHandle, 'team_1')
    assert.equal(resolveConfig({}, {}).workspaceHandle, 'local')
    assert.throws(() => resolveConfig({}, { BPKIT_WORKSPACE_HANDLE: 'Not A Handle' }), /BPKIT_WORKSPACE_HANDLE/)
  })

  it('a store whose first workspace has no handle gets one at the next start; a handle held elsewhere is left alone', async () => {
    const dataDir = newDataDir()
    const first = await startServer({ dataDir, port: 0, logLevel: 'silent' })
    const { workspaceId } = first.credentials
    // As a store written before handles: none.
    await first.store.db.updateTable('workspaces').set({ handle: null }).where('id', '=', workspaceId).execute()
    await first.close()

    const second = await startServer({ dataDir, port: 0, logLevel: 'silent' })
    try {
      const again = clientFor({ url: second.url, token: second.credentials.token } as never, { workspaceId, botId: undefined })
      assert.equal((await again.getWorkspace({ id: workspaceId })).handle, 'local')
      assert.equal(second.credentials.workspaceHandle, 'local')
      assert.equal(readCredentials(dataDir)?.workspaceHandle, 'local')
      // Another workspace of the account takes `other`; the first one, handle-less again, does not steal it.
      const { id: otherId } = await again.createWorkspace({ name: 'Other' })
      await again.updateWorkspace({ id: otherId, handle: 'other' })
      await second.store.db.updateTable('workspaces').set({ handle: null }).where('id', '=', workspaceId).execute()
    } finally {
      await second.close()
    }

    const third = await startServer({ dataDir, port: 0, logLevel: 'silent', workspaceHandle: 'other' })
    try {
      const c = clientFor({ url: third.url, token: third.credentials.token } as never, { workspaceId, botId: undefined })
      assert.equal((await c.getWorkspace({ id: workspaceId })).handle, undefined)
      assert.equal(third.credentials.workspaceHandle, undefined)
    } finally {
      await third.close()
    }
  })
})
