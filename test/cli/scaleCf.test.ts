/**
 * Counterfactuals in the single-process streamed audit (issue 18; src/cli/streamCf.ts): the
 * streamed report's counterfactuals equal the in-memory audit's on the demo fixture — the same
 * answers (changes, predictions, validity, changed counts) and `noneReason`s; `proximity` and
 * `diversity` within 1e-12 relative (the scale of a feature whose MAD is 0 is an exact sum
 * rounded once in the stream, a row-by-row float64 sum in memory).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { glassbox, root } from './run.ts'

const dir = mkdtempSync(join(tmpdir(), 'glassbox-scale-cf-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const D = join(root, 'public/demo')

async function report(args: string[]): Promise<Record<string, unknown>> {
  const out = join(dir, `r-${Math.random().toString(36).slice(2)}.json`)
  const r = await glassbox(...args, '--out', out)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>
}

/** `got` equals `want`, numbers under `proximity`/`diversity` within 1e-12 relative. */
function expectClose(got: unknown, want: unknown, at: string) {
  if (typeof want === 'number' && typeof got === 'number') {
    if (/\.(proximity|diversity)$/.test(at))
      expect(Math.abs(got - want), at).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)))
    else expect(got, at).toBe(want)
  } else if (want && typeof want === 'object' && got && typeof got === 'object') {
    expect(Object.keys(got), at).toEqual(Object.keys(want))
    for (const [k, v] of Object.entries(want))
      expectClose((got as Record<string, unknown>)[k], v, `${at}.${k}`)
  } else expect(got, at).toEqual(want)
}

type Row = { counterfactuals?: unknown[]; noneReason?: unknown }

describe('streamed --counterfactuals', () => {
  it('equals the in-memory counterfactuals on the demo fixture', async () => {
    const args = [
      'audit',
      ...['--model', join(D, 'model.json'), '--schema', join(D, 'schema.json')],
      ...['--data', join(D, 'data.csv'), '--quantize', 'none', '--counterfactuals', '4'],
      ...['--rows', '277,762,1637,1903', '--no-shap', '--ig-steps', '0', '--backend', 'cpu'],
      '--quiet',
    ]
    const mem = (await report(args)).explanations as Record<string, Row>
    const streamed = (await report([...args, '--stream'])).explanations as Record<string, Row>
    expectClose(streamed, mem, 'explanations')
    // Not vacuous: answers were found, several per row for some.
    const found = Object.values(mem).map((r) => r.counterfactuals?.length ?? 0)
    expect(found.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4)
  }, 120_000)
})
