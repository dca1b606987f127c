/**
 * The streamed and sharded `glassbox audit` and `glassbox merge` (issue 18), in-process through
 * `main`: the streamed report equals the in-memory one (golden fixture), Parquet equals its CSV
 * twin, the merge of any number of shards in any order equals the single-process streamed report
 * byte for byte (fast-check), CSV byte ranges survive quoted newlines, BOMs, CRLF and UTF-16, and
 * missing, duplicated, foreign and corrupt partials are refused by name; with `--quantize` too.
 */
import { reportWithoutTimings } from '../fixtures/timings.ts'
import type { Report } from '../../src/report/types.ts'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../src/cli/main.ts'
import { AUDIT_PARTIAL_FORMAT } from '../../src/cli/partial.ts'
import { envelopeRead, envelopeWrite } from '../../src/core/stream/index.ts'
import { G, expectOneLine, root } from './run.ts'

const dir = mkdtempSync(join(tmpdir(), 'glassbox-scale-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const P = join(root, 'test/fixtures/parquet')
const csv = () => join(P, 'adult.csv')
const MODEL = ['--model', join(G, 'model.json'), '--schema', join(G, 'schema.json')]
/**
 * Cheap explanations: two rows, a small SHAP budget, a few IG steps; on wasm, the backend `auto`
 * picks in Node (the merge is equal to the single run whatever the backend, since both run on the
 * same one; tfjs's cpu kernels took 3 times longer for the quantization section's SHAP).
 */
const QUICK = [
  '--rows',
  '3,250',
  '--budget',
  '64',
  '--ig-steps',
  '8',
  '--backend',
  'wasm',
  '--fast-path', // the timed SHAP path choice could differ between the runs compared
  '--quiet',
]

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    env,
  })
  return { code, stdout, stderr }
}

async function report(args: string[]): Promise<string> {
  const out = join(dir, `r-${Math.random().toString(36).slice(2)}.json`)
  const r = await run([...args, '--out', out])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  // The SHAP path's measured timings differ between equal runs (test/fixtures/timings.ts).
  return JSON.stringify(
    reportWithoutTimings(JSON.parse(readFileSync(out, 'utf8')) as Report),
    null,
    1,
  )
}

/** The partials of `n` shards of `data` (written in `order`), merged; the merged report's text. */
async function sharded(data: string, n: number, order: number[], extra: string[] = []) {
  const tag = Math.random().toString(36).slice(2)
  for (const i of order) {
    const r = await run([
      'audit',
      ...MODEL,
      '--data',
      data,
      ...QUICK,
      ...extra,
      '--shard',
      `${i}/${n}`,
      '--partial',
      join(dir, `${tag}-{index}.json`),
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  }
  const parts = order.map((i) => join(dir, `${tag}-${i}.json`))
  return { parts, text: await report(['merge', ...parts, '--quiet']) }
}

/** `got` equals `want` in every key, numbers within 1e-12 relative unless `exact(key)`. */
function expectClose(got: unknown, want: unknown, at: string, exact: (k: string) => boolean) {
  if (typeof want === 'number' && typeof got === 'number') {
    const key = at.slice(at.lastIndexOf('.') + 1)
    if (exact(key)) expect(got, at).toBe(want)
    else expect(Math.abs(got - want), at).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)))
  } else if (want && typeof want === 'object' && got && typeof got === 'object') {
    expect(Object.keys(got), at).toEqual(Object.keys(want))
    for (const [k, v] of Object.entries(want))
      expectClose((got as Record<string, unknown>)[k], v, `${at}.${k}`, exact)
  } else expect(got, at).toEqual(want)
}

const withoutSha = (text: string) => {
  const r = JSON.parse(text) as { data: { sha256: string } }
  r.data.sha256 = ''
  return r
}

describe('streamed audit', () => {
  it('equals the in-memory audit on the golden fixture (explanations exactly, sums to the last bits)', async () => {
    const args = [
      'audit',
      ...MODEL,
      '--data',
      join(G, 'data.csv'),
      ...QUICK,
      '--counterfactuals',
      '0',
      '--quantize',
      'none',
    ]
    const mem = JSON.parse(await report(args)) as Record<string, unknown>
    const streamed = JSON.parse(await report([...args, '--stream'])) as Record<string, unknown>
    // Everything but the float sums is equal; those are exact sums in the stream, float64 sums
    // row by row in memory: the last bits may differ (CONTRACTS §5 allows 1e-6).
    const exact = (k: string) => ['count', 'accuracy', 'rocAuc', 'lower', 'upper'].includes(k)
    expectClose(streamed, mem, '', exact)
    expect((mem.metrics as { rocAuc: number }).rocAuc).toBeGreaterThan(0.85)
    expect(streamed.explanations).toEqual(mem.explanations)
  }, 60_000)

  it('reads a Parquet file by content, with the numbers of its CSV twin', async () => {
    const csv = await report([
      'audit',
      ...MODEL,
      '--data',
      join(P, 'adult.csv'),
      ...QUICK,
      '--stream',
    ])
    const copy = join(dir, 'adult-parquet.data') // no .parquet extension: told by content
    writeFileSync(copy, readFileSync(join(P, 'adult-snappy.parquet')))
    const pq = await report(['audit', ...MODEL, '--data', copy, ...QUICK])
    expect(withoutSha(pq)).toEqual(withoutSha(csv))
  }, 60_000)

  it('refuses what needs every row in memory, naming the option', async () => {
    const base = ['audit', ...MODEL, '--data', join(P, 'adult.csv'), '--stream', '--quiet']
    expectOneLine(
      await run([
        ...base,
        '--counterfactuals',
        '2',
        '--shard',
        '0/2',
        '--partial',
        join(dir, 'cf.json'),
      ]),
      /--counterfactuals is not available in a sharded audit/,
    )
    expectOneLine(
      await run([...base, '--background', 'kmeans:5']),
      /--background kmeans is not available/,
    )
    expectOneLine(await run([...base, '--shard', '1/2']), /--shard 1\/2 needs --partial FILE/)
  })
})

describe('sharded audit and merge', () => {
  const csv = join(P, 'adult.csv')
  let singleText: string | null = null
  const single = async () =>
    (singleText ??= await report(['audit', ...MODEL, '--data', csv, ...QUICK, '--stream']))

  it('merges to the single-process report byte for byte, for any n and order', async () => {
    const want = await single()
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 6 })
          .chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
        async (order) => {
          const got = await sharded(csv, order.length, order)
          expect(got.text).toBe(want)
        },
      ),
      { numRuns: 6 },
    )
  }, 240_000)

  it('cuts CSV byte ranges on records: quoted newlines, BOM + CRLF and UTF-16 give the same numbers', async () => {
    const want = withoutSha(await single())
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n')
    const notes = lines.map((l, i) =>
      i === 0 ? `${l},note` : `${l},"row ${i}, line one\nline ""two""${i % 3 ? '\n\n' : ''}"`,
    )
    const crlf = `\uFEFF${notes.join('\r\n')}\r\n`
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(notes.join('\n'), 'utf16le'),
    ])
    for (const [name, bytes] of [
      ['crlf.csv', Buffer.from(crlf, 'utf8')],
      ['utf16.csv', utf16],
    ] as const) {
      const path = join(dir, name)
      writeFileSync(path, bytes)
      const one = await report(['audit', ...MODEL, '--data', path, ...QUICK, '--stream'])
      expect(withoutSha(one)).toEqual(want)
      expect((await sharded(path, 5, [3, 0, 4, 1, 2])).text).toBe(one)
    }
  }, 120_000)

  it('refuses a missing, duplicated, foreign or corrupt partial by name (exit 2)', async () => {
    const { parts } = await sharded(csv, 3, [0, 1, 2])
    const [p0, p1, p2] = parts as [string, string, string]
    expectOneLine(await run(['merge', p0, p2, '--quiet']), /shard 1\/3 is missing/)
    expectOneLine(
      await run(['merge', p0, p1, p2, p1, '--quiet']),
      new RegExp(`${p1} is given twice`),
    )
    const copy = join(dir, 'copy-of-1.json')
    writeFileSync(copy, readFileSync(p1))
    expectOneLine(await run(['merge', p0, p1, p2, copy, '--quiet']), /copy-of-1\.json|shard 1\/3/)
    const other = join(dir, 'other-1.json')
    const made = await run([
      'audit',
      ...MODEL,
      '--data',
      csv,
      ...QUICK,
      '--threshold',
      '0.4',
      '--shard',
      '1/3',
      '--partial',
      other,
    ])
    expect(made.code).toBe(0)
    expectOneLine(await run(['merge', p0, other, p2, '--quiet']), /other-1\.json is foreign/)
    const bad = join(dir, 'corrupt.json')
    writeFileSync(bad, readFileSync(p2, 'utf8').replace('"rows":', '"rows": '))
    expectOneLine(await run(['merge', p0, p1, bad, '--quiet']), /corrupt\.json is corrupt/)
    expectOneLine(
      await run(['merge', join(dir, 'nope.json')]),
      /cannot read partial .*nope\.json: no such file/,
    )
  }, 120_000)
})

describe('sharded --quantize and merge', () => {
  const QUANT = ['--quantize', 'float16,int4,int8act']
  let singleText: string | null = null
  const single = async () =>
    (singleText ??= await report([
      'audit',
      ...MODEL,
      '--data',
      csv(),
      ...QUICK,
      ...QUANT,
      '--stream',
    ]))

  it('merges to the single-process report byte for byte, for any n and order', async () => {
    const want = await single()
    const q = (JSON.parse(want) as { quantization: object }).quantization
    expect(Object.keys(q)).toEqual(['float16', 'int4', 'int8act'])
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 5 })
          .chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })),
        async (order) => {
          expect((await sharded(csv(), order.length, order, QUANT)).text).toBe(want)
        },
      ),
      { numRuns: 4 },
    )
  }, 300_000)

  it('gives the CSV twin’s section from Parquet row groups in shards', async () => {
    const want = JSON.parse(await single()) as { quantization: object }
    const got = await sharded(join(P, 'adult-snappy.parquet'), 3, [2, 0, 1], QUANT)
    expect((JSON.parse(got.text) as typeof want).quantization).toEqual(want.quantization)
  }, 120_000)

  it('refuses a partial whose quantization is missing, by name', async () => {
    const { parts } = await sharded(csv(), 2, [0, 1], QUANT)
    // Re-enveloped without its quantization, with a valid checksum: still refused.
    const body = envelopeRead(readFileSync(parts[1]!, 'utf8').trimEnd(), AUDIT_PARTIAL_FORMAT, 1)
    delete body.quantization
    const stripped = join(dir, 'stripped-1.json')
    writeFileSync(stripped, `${envelopeWrite(AUDIT_PARTIAL_FORMAT, 1, JSON.stringify(body))}\n`)
    expectOneLine(
      await run(['merge', parts[0]!, stripped, '--out', join(dir, 'x.json'), '--quiet']),
      /stripped-1\.json is corrupt: its settings quantize but it has no quantization/,
    )
  }, 120_000)
})

describe('--shard auto', () => {
  const data = [
    'audit',
    ...MODEL,
    '--data',
    join(P, 'adult.csv'),
    ...QUICK,
    '--partial',
    join(dir, 'auto-{index}.json'),
  ]
  it('takes the index and count from Slurm, Kubernetes and AWS Batch variables', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [
        { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_COUNT: '3' },
        'auto',
        '1/3',
      ],
      [{ JOB_COMPLETION_INDEX: '2' }, 'auto/4', '2/4'],
      [{ AWS_BATCH_JOB_ARRAY_INDEX: '0', GLASSBOX_SHARD_COUNT: '2' }, 'auto', '0/2'],
    ]
    for (const [env, arg, want] of cases) {
      const r = await run([...data.filter((a) => a !== '--quiet'), '--shard', arg], env)
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^shard ${want}: \\d+ of 300 rows`))
    }
    expectOneLine(
      await run([...data, '--shard', 'auto'], {}),
      /none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set/,
    )
    expectOneLine(
      await run([...data, '--shard', 'auto'], { JOB_COMPLETION_INDEX: '1' }),
      /nothing gives the count/,
    )
    expectOneLine(
      await run([...data, '--shard', 'auto/2'], { JOB_COMPLETION_INDEX: '2' }),
      /index 2 \(from JOB_COMPLETION_INDEX\) is outside 0 … 1/,
    )
    expectOneLine(await run([...data, '--shard', '3/3']), /--shard 3\/3: the index must be/)
  }, 120_000)
})
