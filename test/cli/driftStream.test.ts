/**
 * The streamed `glassbox drift` (issue 18), in-process through `main`: on the demo's reference and
 * drifted sample its report is the in-memory drift report's — the `drift` section (feature drift,
 * prediction drift, the OOD share from three passes) and every count byte for byte; log loss, Brier
 * and mean predicted come from exact sums rounded once, so they may differ from the in-memory
 * row-by-row float64 sums in the last bits (≤ 1e-12 relative) — a Parquet pair streams to its CSV
 * twins' report, and small files still load whole unless asked.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { driftArgs, runOk } from './driftRun.ts'
import { root } from './run.ts'

const dir = mkdtempSync(join(tmpdir(), 'glassbox-drift-stream-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const DEMO = join(root, 'public/demo')
const PQ = join(root, 'test/fixtures/parquet')

/** The report text of `drift` on `reference` → `current` with `extra` options. */
async function driftReport(reference: string, current: string, extra: string[] = []) {
  const out = join(dir, `r-${Math.random().toString(36).slice(2)}.json`)
  const r = await runOk(driftArgs(reference, current, [...extra, '--out', out]))
  return { text: readFileSync(out, 'utf8'), stdout: r.stdout }
}

/** Sums rounded once in the stream (ScoreState): equal to the row-by-row sum to ~1e-12. */
const SUMMED = new Set(['logLoss', 'brier', 'meanPredicted'])

/** `got` equals `want` in every key: numbers exactly, but SUMMED keys within 1e-12 relative. */
function expectSame(got: unknown, want: unknown, at: string): void {
  if (typeof want === 'number' && typeof got === 'number') {
    const key = at.slice(at.lastIndexOf('.') + 1)
    if (SUMMED.has(key))
      expect(Math.abs(got - want), at).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)))
    else expect(got, at).toBe(want)
    return
  }
  if (want && typeof want === 'object' && got && typeof got === 'object') {
    expect(Object.keys(got), at).toEqual(Object.keys(want))
    for (const k of Object.keys(want))
      expectSame(
        (got as Record<string, unknown>)[k],
        (want as Record<string, unknown>)[k],
        `${at}.${k}`,
      )
    return
  }
  expect(got, at).toBe(want)
}

describe('streamed glassbox drift', () => {
  const ref = join(DEMO, 'data.csv')
  const cur = join(DEMO, 'drifted.csv')

  it('gives the in-memory report on the demo data: the drift section byte for byte', async () => {
    const mem = await driftReport(ref, cur)
    const str = await driftReport(ref, cur, ['--stream'])
    const m = JSON.parse(mem.text) as Record<string, unknown>
    const s = JSON.parse(str.text) as Record<string, unknown>
    expect(JSON.stringify(s.drift)).toBe(JSON.stringify(m.drift))
    expect((s.drift as { oodShare: number | null }).oodShare).toBeGreaterThan(0.05)
    for (const k of ['reportVersion', 'tool', 'model', 'data', 'settings', 'fairness'])
      expect(JSON.stringify(s[k]), k).toBe(JSON.stringify(m[k]))
    expectSame(s, m, 'report')
    // The streamed summary lists the same feature table as the in-memory one.
    const table = (t: string) => t.split('\n').filter((l) => /^ {2}\S+ +\d+\.\d{4} /.test(l))
    expect(table(str.stdout)).toEqual(table(mem.stdout))
    expect(table(str.stdout).length).toBeGreaterThan(5)
    expect(str.stdout).toMatch(/out of distribution: \d+\.\d% of current rows/)
  }, 120_000)

  it('streams a Parquet pair to the report of its CSV twins (but the data identity)', async () => {
    const csv = await driftReport(join(PQ, 'adult.csv'), join(PQ, 'drifted.csv'), ['--stream'])
    const pq = await driftReport(join(PQ, 'adult-zstd.parquet'), join(PQ, 'drifted.parquet'), [
      '--stream',
      '--quiet',
    ])
    const strip = (t: string) => {
      const r = JSON.parse(t) as { data: { sha256: string } }
      r.data.sha256 = ''
      return JSON.stringify(r)
    }
    expect(strip(pq.text)).toBe(strip(csv.text))
    // In memory, the same pair gives the same drift section.
    const mem = await driftReport(join(PQ, 'adult.csv'), join(PQ, 'drifted.csv'), ['--quiet'])
    expect(JSON.stringify(JSON.parse(csv.text).drift)).toBe(
      JSON.stringify(JSON.parse(mem.text).drift),
    )
  }, 120_000)

  it('leaves the OOD share null for a reference under 4 rows, as in memory', async () => {
    const lines = readFileSync(join(PQ, 'adult.csv'), 'utf8').split('\n')
    const tiny = join(dir, 'tiny.csv')
    writeFileSync(tiny, `${lines.slice(0, 4).join('\n')}\n`)
    const mem = await driftReport(tiny, join(PQ, 'drifted.csv'), ['--quiet'])
    const str = await driftReport(tiny, join(PQ, 'drifted.csv'), ['--quiet', '--stream'])
    expect(JSON.parse(str.text).drift.oodShare).toBeNull()
    expect(JSON.stringify(JSON.parse(str.text).drift)).toBe(
      JSON.stringify(JSON.parse(mem.text).drift),
    )
  }, 60_000)
})
