/**
 * The dashboard's other pages in Chromium against a real bpkit server: a long conversation opens on its newest
 * page and reads older ones on demand, a message written through the API appears live, files preview (text and
 * image) and download, states, users, integrations (bpkit's chat channel installed on demand), analytics as a
 * chart, logs with their live tail, personal tokens and bot keys shown once and revoked. Screenshots land in test/artifacts/.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { Client } from '@bpkit/client'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, screenshot, signedIn, startDashboard, type Dashboard } from './support.js'

// A 2×2 PNG (red, green, blue, white).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64')

describe('dashboard pages in Chromium', () => {
  let dash: Dashboard
  let chromium: Awaited<ReturnType<typeof launchBrowser>>
  let browser: Browser
  let page: Page
  let asBot: Client
  let botId: string
  let workspaceId: string
  let conversationId: string
  let base: string

  before(async () => {
    chromium = await launchBrowser()
    browser = chromium.browser
    dash = await startDashboard({ livePollMs: 50 })
    ;({ botId, workspaceId } = dash.api)
    base = `${dash.url}/w/${workspaceId}/bots/${botId}`
    ;({ page } = await signedIn(browser, await dash.signInLink()))
    const admin = new Client({ apiUrl: dash.api.url, token: dash.api.token, workspaceId, retry: false })
    const key = await admin.createBotApiKey({ botId, note: 'pages test' })
    asBot = new Client({ apiUrl: dash.api.url, token: key.value, botId, retry: false })
    // A conversation through bpkit's own chat channel, from the page (cookie and CSRF header).
    const answer = await page.evaluate(async (id) => {
      const s = await (await fetch('/auth/session')).json()
      const headers = { 'content-type': 'application/json', 'x-bpkit-csrf': s.csrfToken }
      await fetch(`/_bpkit/bots/${id}/chat/install`, { method: 'POST', headers, body: '{}' })
      const r = await fetch(`/_bpkit/bots/${id}/chat/messages`, { method: 'POST', headers, body: JSON.stringify({ type: 'text', payload: { text: 'message zero' } }) })
      return r.json()
    }, botId)
    conversationId = answer.conversationId
    // 120 older messages, written straight into the store.
    const db = dash.api.server.store.db as any
    const t0 = Date.now() - 3_600_000
    const rows = Array.from({ length: 120 }, (_, i) => {
      const at = new Date(t0 + i * 1000).toISOString()
      return { id: `msg_${String(i).padStart(6, '0')}${randomBytes(10).toString('hex').toUpperCase()}`, botId, conversationId, userId: botId, type: 'text', payload: JSON.stringify({ text: `old message ${i}` }), direction: 'outgoing', origin: null, tags: '{}', lookupKey: null, createdAt: at, updatedAt: at }
    })
    await db.insertInto('messages').values(rows).execute()
    await asBot.uploadFile({ key: 'notes/hello.txt', content: 'Hello from a text file.\nSecond line.', contentType: 'text/plain', tags: { kind: 'note' } } as never)
    await asBot.uploadFile({ key: 'images/dot.png', content: PNG, contentType: 'image/png', tags: { kind: 'image' } } as never)
    await asBot.setState({ type: 'bot', id: botId, name: 'settings', payload: { greeting: 'hi', count: 3 } } as never)
  })

  after(async () => {
    await chromium?.close()
    await dash?.close()
  })

  it('opens a long conversation on its newest page, reads older messages on demand, and shows a new one live', async () => {
    await page.goto(`${base}/conversations/${conversationId}`)
    const transcript = page.getByTestId('transcript')
    await transcript.getByText('message zero').waitFor()
    assert.equal(await transcript.getAttribute('data-count'), '20')
    assert.equal(await transcript.getByText('old message 101', { exact: true }).count(), 1)
    assert.equal(await transcript.getByText('old message 100', { exact: true }).count(), 0)
    await page.getByRole('button', { name: 'Older messages' }).click()
    await transcript.getByText('old message 100', { exact: true }).waitFor()
    assert.equal(await transcript.getAttribute('data-count'), '40')
    await asBot.createMessage({ conversationId, userId: botId, type: 'choice', payload: { text: 'Pick one', options: [{ label: 'Red', value: 'red' }, { label: 'Blue', value: 'blue' }] }, tags: {} } as never)
    await asBot.createMessage({ conversationId, userId: botId, type: 'carousel', payload: { items: [{ title: 'Card one', subtitle: 'first', actions: [{ action: 'postback', label: 'Go', value: 'go' }] }, { title: 'Card two', actions: [{ action: 'url', label: 'Docs', value: 'https://botpress.com' }] }] }, tags: {} } as never)
    await transcript.getByRole('button', { name: 'Red' }).waitFor()
    await transcript.getByText('Card two').waitFor()
    assert.equal(await transcript.getAttribute('data-count'), '42')
  })

  it('searches conversations by tag, newest first', async () => {
    const { conversation } = await asBot.getConversation({ id: conversationId })
    const [key, value] = Object.entries(conversation.tags).find(([k]) => k.startsWith('bpkit-chat:'))!
    await page.goto(`${base}/conversations`)
    const grid = page.getByRole('region', { name: 'Conversations' })
    await grid.getByText(conversationId).waitFor()
    await page.getByLabel('Tags').fill(`${key}=nobody`)
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByText('No conversation with these tags.').waitFor()
    await page.getByLabel('Tags').fill(`${key}=${value}`)
    await page.getByRole('button', { name: 'Search' }).click()
    await grid.getByText(conversationId).waitFor()
    assert.match(page.url(), /tags=/)
  })

  it('lists files, previews text and images, and offers the download', async () => {
    await page.goto(`${base}/files`)
    const grid = page.getByRole('region', { name: 'Files' })
    await grid.getByText('notes/hello.txt').waitFor()
    await grid.locator('tr', { hasText: 'notes/hello.txt' }).getByRole('button', { name: 'Preview' }).click()
    await page.getByLabel('File preview').getByText('Second line.').waitFor()
    assert.ok(await page.getByRole('link', { name: 'Download' }).getAttribute('href'))
    await grid.locator('tr', { hasText: 'images/dot.png' }).getByRole('button', { name: 'Preview' }).click()
    const img = page.getByLabel('File preview').getByRole('img', { name: 'images/dot.png' })
    await img.waitFor()
    await page.waitForFunction(() => (document.querySelector('.file-image') as HTMLImageElement | null)?.naturalWidth === 2)
    await page.getByLabel('Tags').fill('kind=image')
    await page.getByRole('button', { name: 'Search' }).click()
    await grid.getByText('notes/hello.txt').waitFor({ state: 'detached' })
    await screenshot(page, 'files')
  })

  it('reads a state, lists users and shows the installed chat integration with its webhook URL', async () => {
    await page.goto(`${base}/states`)
    await page.getByLabel('Name').fill('settings')
    await page.getByRole('button', { name: 'Read state' }).click()
    await page.getByText('"greeting": "hi"').waitFor()
    await page.goto(`${base}/users`)
    await page.getByRole('region', { name: 'Users' }).locator('tbody tr').first().waitFor()
    await page.goto(`${base}/integrations`)
    await page.getByRole('heading', { name: /bpkit-chat/ }).waitFor()
    await page.getByText(/registered/).first().waitFor()
    assert.match((await page.locator('dd code').first().textContent()) ?? '', /^https?:\/\//)
    await screenshot(page, 'integrations')
  })

  it('draws analytics as a chart, tails the logs, and lists issues', async () => {
    await page.goto(`${base}/analytics`)
    await page.getByRole('img', { name: /Messages per day/ }).waitFor()
    await page.goto(`${base}/logs`)
    await page.getByText('Live tail: open').waitFor()
    await page.getByLabel('Level').selectOption('error')
    await page.goto(`${base}/issues`)
    await page.getByRole('heading', { name: 'Issues' }).waitFor()
  })

  it('creates an API key, shows its value once, and revokes it', async () => {
    await page.goto(`${dash.url}/keys`)
    await page.getByLabel('Note').fill('for CI')
    await page.getByRole('button', { name: 'Create token' }).click()
    const value = (await page.getByTestId('secret').textContent())!.trim()
    assert.match(value, /^bp_pat_/)
    const answer = await fetch(`${dash.api.url}/v1/admin/account/me`, { headers: { authorization: `Bearer ${value}` } })
    assert.equal(answer.status, 200)
    await screenshot(page, 'keys')
    await page.reload()
    assert.equal(await page.getByTestId('secret').count(), 0, 'the value is shown once')
    page.once('dialog', (d) => void d.accept())
    await page.getByRole('row', { name: /for CI/ }).getByRole('button', { name: 'Revoke' }).click()
    await page.getByRole('row', { name: /for CI/ }).waitFor({ state: 'detached' })
    assert.equal((await fetch(`${dash.api.url}/v1/admin/account/me`, { headers: { authorization: `Bearer ${value}` } })).status, 401)
  })

  it("creates a bot's API key, shows its value once, and revokes it", async () => {
    const asKey = (value: string) => fetch(`${dash.api.url}/v1/chat/conversations`, { headers: { authorization: `Bearer ${value}`, 'x-bot-id': botId } })
    await page.goto(`${base}/keys`)
    await page.getByLabel('Note').fill('bot process')
    await page.getByRole('button', { name: 'Create key' }).click()
    const value = (await page.getByTestId('secret').textContent())!.trim()
    assert.equal((await asKey(value)).status, 200)
    await page.getByRole('row', { name: /bot process/ }).waitFor()
    await page.reload()
    assert.equal(await page.getByTestId('secret').count(), 0, 'the value is shown once')
    page.once('dialog', (d) => void d.accept())
    await page.getByRole('row', { name: /bot process/ }).getByRole('button', { name: 'Revoke' }).click()
    await page.getByRole('row', { name: /bot process/ }).waitFor({ state: 'detached' })
    assert.equal((await asKey(value)).status, 401)
  })
})
