/** Headless Debian Chromium through playwright-core, as the dashboard's tests and benchmark run it. */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = process.env.BPKIT_CHROMIUM ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`)
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** Renders an SVG document (with width and height attributes) to a PNG file of the same size. */
export async function svgToPng(svg: string, path: string): Promise<void> {
  const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 800)
  const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 600)
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width, height } })
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`)
    await page.screenshot({ path, clip: { x: 0, y: 0, width, height } })
  } finally {
    await browser.close()
  }
}
