/**
 * The dashboard end to end in Debian's Chromium, against a real bpkit server with a real @botpress/sdk echo
 * bot and chat integration (packages/server/test/fixtures/runtime): sign in with the link, open a bot, chat
 * with the bot and see its reply, find a failed event and redeliver it, filter and edit a table, invite a
 * member and sign in as that member with a lower role, who cannot do what the role forbids. Screenshots of
 * the main pages land in test/artifacts/.
 */
import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { Client } from '@bpkit/client'
import type { Browser, Page } from 'playwright-core'
import { botDefinition, integrationDefinition, startCollector, startFixture, type Collector, type RunningFixture } from '../../server/test/fixtures/runtime/harness.js'
import { launchBrowser, screenshot, signedIn, startDashboard, type Dashboard } from './support.js'

// The page background of each theme (styles.css `--bg`).
const LIGHT_BACKGROUND = 'rgb(247, 248, 250)'
const DARK_BACKGROUND = 'rgb(15, 18, 23)'

describe('dashboard in Chromium', () => {
  let dash: Dashboard
  let chromium: Awaited<ReturnType<typeof launchBrowser>>
  let browser: Browser
  let page: Page
  let collector: Collector
  const running: RunningFixture[] = []
  let admin: Client
  let botId: string
  let workspaceId: string
  let webhookUrl: string

  before(async () => {
    chromium = await launchBrowser()
    browser = chromium.browser
    dash = await startDashboard({ runtimeTimeoutMs: 5_000, deliveryBackoffMs: 50, deliveryPollMs: 50, deliveryAttempts: 2 })
    workspaceId = dash.api.workspaceId
    collector = await startCollector()
    admin = new Client({ apiUrl: dash.api.url, token: dash.api.token, workspaceId, retry: false })
    const { integration } = await admin.createIntegration((await integrationDefinition('5.4.3', { url: 'http://127.0.0.1:9', name: 'chat' })) as never)
    const key = await admin.createIntegrationApiKey({ integrationId: integration.id })
    const reports = { FIXTURE_REPORT_URL: collector.url, BP_API_URL: dash.api.url }
    const integrationProcess = await startFixture('sdk5-integration', { ...reports, BP_TOKEN: key.value, BP_INTEGRATION_ID: integration.id, BP_WEBHOOK_URL: `${dash.api.url}/webhooks` })
    running.push(integrationProcess)
    await admin.updateIntegration({ id: integration.id, url: integrationProcess.url } as never)
    const { bot } = await admin.createBot({ dev: true, ...botDefinition, name: 'echo-bot' } as never)
    botId = bot.id
    const botKey = (await admin.createBotApiKey({ botId, note: 'dashboard test' })) as { value: string }
    const botProcess = await startFixture('sdk5-bot', { ...reports, BP_TOKEN: botKey.value })
    running.push(botProcess)
    const { bot: installed } = await admin.updateBot({
      id: botId,
      url: botProcess.url,
      integrations: { chat: { integrationId: integration.id, enabled: true, configuration: { greeting: 'hello there' } } },
    } as never)
    assert.equal(installed.integrations.chat!.status, 'registered')
    webhookUrl = installed.integrations.chat!.webhookUrl

    const asBot = new Client({ apiUrl: dash.api.url, token: botKey.value, botId, retry: false })
    await asBot.createTable({ name: 'PeopleTable', schema: { name: { type: 'string' }, age: { type: 'number' }, city: { type: 'string' } } } as never)
    await asBot.createTableRows({
      table: 'PeopleTable',
      rows: [
        { name: 'Ada', age: 36, city: 'London' },
        { name: 'Grace', age: 45, city: 'Arlington' },
        { name: 'Linus', age: 28, city: 'Helsinki' },
        { name: 'Margaret', age: 33, city: 'Boston' },
      ],
    } as never)
  })

  // Where a test stopped: test/artifacts/after-<test>.png.
  afterEach(async (t) => {
    if (page && !page.isClosed()) await screenshot(page, `after-${t.name.slice(0, 24).replace(/\W+/g, '-')}`).catch(() => undefined)
  })

  after(async () => {
    await Promise.all(running.map((p) => p.stop()))
    await collector?.close()
    await chromium?.close()
    await dash?.close()
  })

  it('signs in with the one-time link and lists the workspaces; a used link signs nobody in', async () => {
    const link = await dash.signInLink()
    ;({ page } = await signedIn(browser, link))
    await page.getByRole('link', { name: dash.api.workspaceId }).or(page.locator(`a[href="/w/${workspaceId}"]`)).first().waitFor()
    await screenshot(page, 'workspaces')
    const again = await fetch(link, { redirect: 'manual' })
    assert.equal(again.status, 400)
  })

  it('opens a bot from the workspace', async () => {
    await page.click(`a[href="/w/${workspaceId}"]`)
    await page.getByRole('heading', { name: 'Bots', exact: true }).waitFor()
    await screenshot(page, 'debug-bots')
    await page.getByRole('link', { name: 'echo-bot' }).click()
    await page.getByRole('heading', { name: /echo-bot/ }).waitFor()
    await page.getByRole('link', { name: 'Conversations' }).waitFor()
    await screenshot(page, 'bots')
  })

  it('chats with the echo bot and sees its reply live', async () => {
    await page.getByRole('button', { name: 'Chat with the bot' }).click()
    const input = page.getByPlaceholder('Say something to the bot')
    await page.getByRole('button', { name: 'Send' }).and(page.locator(':not([disabled])')).waitFor()
    await input.fill('hello bot')
    await input.press('Enter')
    const log = page.getByTestId('chat-log')
    await log.getByText('hello bot', { exact: true }).waitFor()
    await log.getByText('echo: hello bot').waitFor({ timeout: 15_000 })
    await screenshot(page, 'chat')
  })

  it('shows the conversation as a transcript, newest page first, with each message\'s JSON on demand', async () => {
    await page.getByRole('button', { name: 'Close chat' }).first().click()
    await page.getByRole('link', { name: 'Conversations' }).click()
    await page.locator('a[href*="/conversations/conv_"]').first().click()
    const transcript = page.getByTestId('transcript')
    await transcript.getByText('echo: hello bot').waitFor()
    await transcript.locator('summary', { hasText: 'JSON' }).first().click()
    await transcript.locator('pre').first().getByText('"direction"').waitFor()
    await screenshot(page, 'conversation')
  })

  it('finds a failed event and delivers it again', async () => {
    const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u-fail', conversationId: 'c-fail', text: 'fail' }) })
    assert.equal(response.status, 202)
    await page.getByRole('link', { name: 'Events' }).click()
    await page.getByLabel('Status').selectOption('failed')
    const failed = page.locator('li.row[data-status="failed"]').first()
    await failed.waitFor({ timeout: 20_000 })
    await failed.getByRole('button', { name: /message_created/ }).click()
    const delivery = failed.locator('article.delivery[data-status="failed"]').first()
    await delivery.waitFor()
    const before = Number(await delivery.getAttribute('data-attempts'))
    assert.ok(before >= 1)
    await screenshot(page, 'events')
    await delivery.getByRole('button', { name: 'Deliver again' }).click()
    await page.waitForFunction(
      (n) => {
        const d = document.querySelector('li.row article.delivery')
        return d && Number(d.getAttribute('data-attempts')) > n && d.getAttribute('data-status') !== 'pending'
      },
      before,
      { timeout: 20_000 },
    )
  })

  it('shows the failure in the logs (level and text filters) and as an issue', async () => {
    await page.getByRole('link', { name: 'Logs' }).click()
    await page.getByLabel('Level').selectOption('error')
    await page.getByLabel('Contains').fill('failed')
    const lines = page.getByRole('list', { name: 'Log lines' })
    await lines.getByText(/delivery .* failed/).first().waitFor()
    await page.getByLabel('Contains').fill('no line says this')
    await page.getByText('No log line matches.').waitFor()
    await page.getByLabel('Contains').fill('')
    await lines.getByText(/delivery .* failed/).first().waitFor()
    await screenshot(page, 'logs')
    await page.getByRole('link', { name: 'Issues' }).click()
    await page.getByRole('region', { name: 'Issues' }).getByText(/Delivering .* failed/).first().waitFor()
    await screenshot(page, 'issues')
  })

  it('filters a table with the filter language, and edits a row', async () => {
    await page.getByRole('link', { name: 'Tables' }).click()
    await page.getByRole('link', { name: 'PeopleTable' }).waitFor()
    const grid = page.getByRole('region', { name: 'Rows of PeopleTable' })
    await grid.getByText('Margaret').waitFor()
    await page.getByLabel('Filter').fill('{"age": {"$gte": 35}}')
    await page.getByRole('button', { name: 'Apply filter' }).click()
    await grid.getByText('Linus').waitFor({ state: 'detached' })
    assert.equal(await grid.locator('tbody tr').count(), 2)
    await screenshot(page, 'table')
    const ada = grid.locator('tbody tr', { hasText: 'Ada' })
    await ada.getByRole('button', { name: /Edit row/ }).click()
    const editing = grid.locator('tr.editing')
    await editing.getByLabel('city').fill('Cambridge')
    await editing.getByRole('button', { name: 'Save' }).click()
    await grid.locator('tbody tr', { hasText: 'Ada' }).getByText('Cambridge').waitFor()
  })

  it('invites a viewer, who signs in with the invitation and cannot do what the role forbids', async () => {
    await page.goto(`${dash.url}/w/${workspaceId}/members`)
    await page.getByLabel('E-mail').fill('viewer@example.com')
    await page.getByLabel('Role', { exact: true }).selectOption('viewer')
    await page.getByRole('button', { name: 'Invite' }).click()
    const link = (await page.getByTestId('secret').textContent())!.trim()
    assert.match(link, /\/auth\/sign-in\?code=/)
    await page.getByRole('cell', { name: 'viewer@example.com' }).waitFor()
    await screenshot(page, 'members')

    const viewer = await signedIn(browser, link)
    const v = viewer.page
    await v.goto(`${dash.url}/w/${workspaceId}/members`)
    await v.getByTestId('my-role').getByText('viewer').waitFor()
    await v.getByTestId('invite-forbidden').waitFor()
    // What the page would not offer, the server refuses too.
    const status = await v.evaluate(async (wid) => {
      const s = await (await fetch('/auth/session')).json()
      const r = await fetch('/auth/invitations', { method: 'POST', headers: { 'content-type': 'application/json', 'x-bpkit-csrf': s.csrfToken, 'x-workspace-id': wid }, body: JSON.stringify({ email: 'x@example.com', workspaceId: wid, role: 'owner' }) })
      return r.status
    }, workspaceId)
    assert.equal(status, 403)
    // A viewer reads a table but cannot change it.
    await v.goto(`${dash.url}/w/${workspaceId}/bots/${botId}/tables/PeopleTable`)
    const grid = v.getByRole('region', { name: 'Rows of PeopleTable' })
    await grid.getByText('Grace').waitFor()
    await grid.locator('tbody tr', { hasText: 'Grace' }).getByRole('button', { name: /Edit row/ }).click()
    await grid.locator('tr.editing').getByLabel('city').fill('Nowhere')
    await grid.locator('tr.editing').getByRole('button', { name: 'Save' }).click()
    await grid.getByRole('alert').getByText(/Forbidden|not allowed|permission|role/i).waitFor()
    // And creates personal access tokens of their own.
    await v.goto(`${dash.url}/keys`)
    await v.getByRole('button', { name: 'Create token' }).click()
    assert.match((await v.getByTestId('secret').textContent())!, /^bp_pat_/)
    await viewer.context.close()
  })

  it('keeps a usable layout on a phone and in the dark theme, with keyboard focus visible', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' })
    await phone.addCookies(await page.context().cookies())
    const p = await phone.newPage()
    for (const path of [`/w/${workspaceId}/bots/${botId}/conversations`, `/w/${workspaceId}/bots/${botId}/tables/PeopleTable`, `/w/${workspaceId}/bots/${botId}/events`]) {
      await p.goto(dash.url + path)
      await p.getByRole('navigation', { name: 'Bot' }).waitFor()
      await p.waitForLoadState('networkidle').catch(() => undefined)
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      assert.ok(overflow <= 1, `${path} is wider than the phone by ${overflow}px`)
    }
    await screenshot(p, 'phone-dark-events')
    const background = (target: Page) => target.evaluate(() => getComputedStyle(document.body).backgroundColor)
    assert.equal(await background(p), DARK_BACKGROUND, "the system's dark scheme")
    await p.keyboard.press('Tab')
    const focused = await p.evaluate(() => {
      const el = document.activeElement as HTMLElement
      const style = getComputedStyle(el)
      return { text: el.textContent, outline: style.outlineStyle, left: el.getBoundingClientRect().left }
    })
    assert.equal(focused.text, 'Skip to content')
    assert.notEqual(focused.outline, 'none')
    await phone.close()

    // The theme toggle overrides the system's preference.
    await page.goto(`${dash.url}/w/${workspaceId}/bots/${botId}/analytics`)
    assert.equal(await background(page), LIGHT_BACKGROUND, "the system's light scheme")
    await page.getByRole('button', { name: /Switch theme/ }).click()
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark')
    assert.equal(await background(page), DARK_BACKGROUND)
    await page.getByRole('img', { name: /Messages per day/ }).waitFor()
    await screenshot(page, 'analytics-dark')
    await page.getByRole('button', { name: /Switch theme/ }).click()
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light')
    assert.equal(await background(page), LIGHT_BACKGROUND)
    await page.getByRole('button', { name: /Switch theme/ }).click()
  })
})
