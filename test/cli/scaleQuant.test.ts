/**
 * The quantization comparison of the streamed and sharded audit (issue 18): `--quantize` with
 * `--stream` gives the in-memory audit's `quantization` section on the demo fixture (every field
 * equal except `meanAbsDiff`, an exact sum rounded once against a row-by-row float64 sum: within
 * 1e-12 relative). The sharded merge with `--quantize` is checked in ./scale.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { glassbox, root } from './run.ts'

const dir = mkdtempSync(join(tmpdir(), 'glassbox-scale-quant-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const D = join(root, 'public/demo')
const QUICK = ['--rows', '3,250', '--budget', '64', '--ig-steps', '8', '--backend', 'wasm']
const QUANT = ['--quantize', 'float16,int4,int8act', '--quiet']

async function report(args: string[]): Promise<string> {
  const out = join(dir, `r-${Math.random().toString(36).slice(2)}.json`)
  const r = await glassbox(...[...args, '--out', out])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return readFileSync(out, 'utf8')
}

type Entry = Record<string, unknown>

describe('streamed --quantize', () => {
  it('equals the in-memory quantization section on the demo fixture (meanAbsDiff to 1e-12)', async () => {
    const args = [
      'audit',
      '--model',
      join(D, 'model.json'),
      '--schema',
      join(D, 'schema.json'),
      '--data',
      join(D, 'data.csv'),
      ...QUICK,
      ...QUANT,
      '--counterfactuals',
      '0',
    ]
    const mem = JSON.parse(await report(args)) as { quantization: Record<string, Entry> }
    const streamed = JSON.parse(await report([...args, '--stream'])) as typeof mem
    expect(Object.keys(streamed.quantization)).toEqual(['float16', 'int4', 'int8act'])
    for (const [id, want] of Object.entries(mem.quantization)) {
      const got = streamed.quantization[id]!
      expect(Object.keys(got), id).toEqual(Object.keys(want))
      const { meanAbsDiff: gm, ...gRest } = got
      const { meanAbsDiff: wm, ...wRest } = want
      expect(gRest, id).toEqual(wRest)
      expect(Math.abs((gm as number) - (wm as number)), id).toBeLessThanOrEqual(
        1e-12 * (wm as number),
      )
    }
    // Not a vacuous comparison: the variants differ from float32 and from each other.
    expect(mem.quantization.int4!.agreement).toBeLessThan(1)
    expect(mem.quantization.int4!.meanAbsDiff).toBeGreaterThan(
      mem.quantization.float16!.meanAbsDiff as number,
    )
    expect(typeof mem.quantization.int8act!.shapRankCorrelation).toBe('number')
  }, 120_000)
})
