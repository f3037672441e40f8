/**
 * What the dashboard's browser tests share: Debian's Chromium driven by playwright-core (its own browser
 * download cannot work here; a missing /usr/bin/chromium fails the tests loudly), a real bpkit test server
 * serving packages/dashboard/dist, sign-in links, and screenshots kept under test/artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startTestServer, type TestServer } from '@bpkit/server'

export const dashboardDir = join(import.meta.dirname, '..', 'dist')
export const artifacts = join(import.meta.dirname, 'artifacts')
export const CHROMIUM = process.env.BPKIT_CHROMIUM ?? '/usr/bin/chromium'

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the dashboard's browser tests need it (apt-get update && apt-get install -y chromium)`)
  }
  if (!existsSync(join(dashboardDir, 'index.html'))) throw new Error(`The dashboard is not built (${dashboardDir}): run npm run build`)
  // playwright-core starts Chromium with a fresh, empty profile of its own (a temporary --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    browser,
    close: async () => {
      await browser.close()
    },
  }
}

export type Dashboard = {
  api: TestServer
  /** Where the browser goes: the server itself serves the dashboard at `/`. */
  url: string
  /** A one-time sign-in link for the account of `token` (the first account's unless told). */
  signInLink(token?: string): Promise<string>
  close(): Promise<void>
}

/** A real bpkit test server serving packages/dashboard/dist (WEB-CONTRACT.md "Serving"). */
export async function startDashboard(options: Parameters<typeof startTestServer>[0] = {}): Promise<Dashboard> {
  const api = await startTestServer({ ...options, dashboardDir })
  const page = await fetch(`${api.url}/`)
  if (!page.ok || !(await page.text()).includes('<div id="app">')) {
    await api.close()
    throw new Error(`the test server does not serve the dashboard at / (${page.status})`)
  }
  return {
    api,
    url: api.url,
    signInLink: async (token = api.token) => {
      const r = await fetch(`${api.url}/auth/sign-in-links`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
      if (!r.ok) throw new Error(`POST /auth/sign-in-links answered ${r.status}: ${await r.text()}`)
      return ((await r.json()) as { url: string }).url
    },
    close: () => api.close(),
  }
}

/** A fresh browser context (its own cookies) at a size, signed in through `link`. */
export async function signedIn(browser: Browser, link: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, colorScheme: 'light' })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(link)
  await page.waitForSelector('text=Workspaces')
  return { context, page }
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(artifacts, { recursive: true })
  await page.screenshot({ path: join(artifacts, `${name}.png`) })
}
