/**
 * The quantization comparison of the streamed and sharded audit (issue 18): `--quantize` with
 * `--stream` gives the in-memory audit's `quantization` section on the demo fixture (every field
 * equal except `meanAbsDiff`, an exact sum rounded once against a row-by-row float64 sum: within
 * 1e-12 relative), and the merge of any number of shards in any order equals the single-process
 * streamed report byte for byte (fast-check). A partial whose quantization is missing or does not
 * belong is refused by name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/main.ts'
import { envelopeRead, envelopeWrite } from '../../src/core/stream/index.ts'
import { expectOneLine, root } from './run.ts'

const dir = mkdtempSync(join(tmpdir(), 'glassbox-scale-quant-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const D = join(root, 'public/demo')
const P = join(root, 'test/fixtures/parquet')
const QUICK = ['--rows', '3,250', '--budget', '64', '--ig-steps', '8', '--backend', 'cpu']
const QUANT = ['--quantize', 'float16,int4,int8act', '--quiet']

async function run(args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env: {},
  })
  return { code, stdout, stderr }
}

async function report(args: string[]): Promise<string> {
  const out = join(dir, `r-${Math.random().toString(36).slice(2)}.json`)
  const r = await run([...args, '--out', out])
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

describe('sharded --quantize and merge', () => {
  const csv = join(P, 'adult.csv')
  const G = join(root, 'test/fixtures/golden/adult')
  const MODEL = ['--model', join(G, 'model.json'), '--schema', join(G, 'schema.json')]
  const base = ['audit', ...MODEL, '--data', csv, ...QUICK, ...QUANT]
  let singleText: string | null = null
  const single = async () => (singleText ??= await report([...base, '--stream']))

  async function partials(n: number, order: number[], extra: string[] = []) {
    const tag = Math.random().toString(36).slice(2)
    for (const i of order) {
      const r = await run([
        ...base,
        ...extra,
        '--shard',
        `${i}/${n}`,
        '--partial',
        join(dir, `${tag}-{index}.json`),
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
    }
    return order.map((i) => join(dir, `${tag}-${i}.json`))
  }

  it('merges to the single-process report byte for byte, for any n and order', async () => {
    const want = await single()
    expect(Object.keys((JSON.parse(want) as { quantization: object }).quantization)).toEqual([
      'float16',
      'int4',
      'int8act',
    ])
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 5 })
          .chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
        async (order) => {
          const parts = await partials(order.length, order)
          expect(await report(['merge', ...parts, '--quiet'])).toBe(want)
        },
      ),
      { numRuns: 4 },
    )
  }, 300_000)

  it('gives the same section from Parquet row groups in shards as from the CSV twin in one process', async () => {
    const want = JSON.parse(await single()) as { quantization: object }
    const tag = Math.random().toString(36).slice(2)
    const pq = join(P, 'adult-snappy.parquet')
    const parts: string[] = []
    for (const i of [2, 0, 1]) {
      const part = join(dir, `${tag}-pq-${i}.json`)
      const r = await run([
        ...base.slice(0, 6),
        pq,
        ...base.slice(7),
        '--shard',
        `${i}/3`,
        '--partial',
        part,
      ])
      expect(r.stderr).toBe('')
      parts.push(part)
    }
    const got = JSON.parse(await report(['merge', ...parts, '--quiet'])) as typeof want
    expect(got.quantization).toEqual(want.quantization)
  }, 120_000)

  it('refuses a partial whose quantization is missing, by name', async () => {
    const parts = await partials(2, [0, 1])
    const text = readFileSync(parts[1]!, 'utf8')
    // Re-enveloped without its quantization, with a valid checksum: still refused.
    const body = envelopeRead(text.trimEnd(), 'glassbox-audit-partial', 1)
    delete body.quantization
    const stripped = join(dir, 'stripped-1.json')
    writeFileSync(stripped, `${envelopeWrite('glassbox-audit-partial', 1, JSON.stringify(body))}\n`)
    expectOneLine(
      await run(['merge', parts[0]!, stripped, '--out', join(dir, 'x.json'), '--quiet']),
      /stripped-1\.json is corrupt: its settings quantize but it has no quantization/,
    )
  }, 120_000)
})
