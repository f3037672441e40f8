/** The soak's series as an SVG chart: RSS and V8's heap in one panel, p50 and p99 latency in the other, one colour per database. */
import type { Sample } from './series.js'

export type Run = { name: string; samples: Sample[] }

const COLOURS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df']
const WIDTH = 960
const PANEL = 260
const LEFT = 70
const RIGHT = 170
const TOP = 40

type Line = { points: [number, number][]; colour: string; dashed?: boolean }

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten at or above `max`. */
function niceMax(max: number) {
  const power = 10 ** Math.floor(Math.log10(max || 1))
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= max) ?? max
}

function panel(top: number, title: string, unit: string, lines: Line[], xMax: number, warmupMinutes: number): string {
  const plotWidth = WIDTH - LEFT - RIGHT
  const ys = lines.flatMap((l) => l.points.map(([, y]) => y)).filter(Number.isFinite)
  const yMax = niceMax(Math.max(...ys, 0) * 1.1)
  const x = (v: number) => LEFT + (v / xMax) * plotWidth
  const y = (v: number) => top + PANEL - (v / yMax) * PANEL
  const parts = [`<text x="${LEFT}" y="${top - 10}" font-size="15" font-weight="600">${escape(title)}</text>`]
  parts.push(`<rect x="${x(0)}" y="${top}" width="${x(warmupMinutes) - x(0)}" height="${PANEL}" fill="#f2f2f2"/>`)
  parts.push(`<text x="${x(0) + 4}" y="${top + 14}" font-size="11" fill="#777">warm-up</text>`)
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4
    parts.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`)
    parts.push(`<text x="${LEFT - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${+v.toFixed(1)} ${unit}</text>`)
  }
  const step = xMax > 10 ? 5 : 1
  for (let m = 0; m <= xMax; m += step) parts.push(`<text x="${x(m)}" y="${top + PANEL + 16}" font-size="11" text-anchor="middle">${m} min</text>`)
  parts.push(`<rect x="${LEFT}" y="${top}" width="${plotWidth}" height="${PANEL}" fill="none" stroke="#999"/>`)
  for (const line of lines) {
    const d = line.points.filter(([, v]) => Number.isFinite(v)).map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')
    parts.push(`<polyline points="${d}" fill="none" stroke="${line.colour}" stroke-width="2"${line.dashed ? ' stroke-dasharray="6 4"' : ''}/>`)
  }
  return parts.join('\n')
}

function legend(top: number, entries: { label: string; colour: string; dashed?: boolean }[]): string {
  const x = WIDTH - RIGHT + 16
  return entries
    .map((e, i) => {
      const y = top + 10 + i * 20
      return `<line x1="${x}" x2="${x + 28}" y1="${y}" y2="${y}" stroke="${e.colour}" stroke-width="2"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="${x + 34}" y="${y + 4}" font-size="12">${escape(e.label)}</text>`
    })
    .join('\n')
}

export function soakChart(runs: Run[], title: string, warmupMinutes: number): string {
  const xMax = Math.max(1, ...runs.flatMap((r) => r.samples.map((s) => s.at / 60)))
  const colour = (i: number) => COLOURS[i % COLOURS.length]!
  const memory = runs.flatMap((r, i) => [
    { points: r.samples.map((s) => [s.at / 60, s.rssMiB] as [number, number]), colour: colour(i) },
    { points: r.samples.map((s) => [s.at / 60, s.heapTotalMiB] as [number, number]), colour: colour(i), dashed: true },
  ])
  const latency = runs.flatMap((r, i) => [
    { points: r.samples.map((s) => [s.at / 60, s.p99] as [number, number]), colour: colour(i) },
    { points: r.samples.map((s) => [s.at / 60, s.p50] as [number, number]), colour: colour(i), dashed: true },
  ])
  const second = TOP + PANEL + 70
  const height = second + PANEL + 40
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${LEFT}" y="20" font-size="13" fill="#444">${escape(title)}</text>`,
    panel(TOP + 20, 'Server memory every 30 s: RSS (solid), V8 heap committed (dashed)', 'MiB', memory, xMax, warmupMinutes),
    legend(TOP + 20, runs.flatMap((r, i) => [{ label: `${r.name} RSS`, colour: colour(i) }, { label: `${r.name} heap`, colour: colour(i), dashed: true }])),
    panel(second, 'Request latency per 30 s window: p99 (solid), p50 (dashed)', 'ms', latency, xMax, warmupMinutes),
    legend(second, runs.flatMap((r, i) => [{ label: `${r.name} p99`, colour: colour(i) }, { label: `${r.name} p50`, colour: colour(i), dashed: true }])),
    '</svg>',
  ].join('\n')
}
