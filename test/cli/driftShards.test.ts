/**
 * The sharded `glassbox drift` and its merges (issue 18), in-process through `main`: pass 1
 * partials → `merge --state S1`; S1 + pass 2 partials (`--ood-pass 2 --state S1`) → `merge --state
 * S2`; S2 + pass 3 partials → the report, equal byte for byte to the single-process streamed drift
 * for any shard count and any order (fast-check; CSV and Parquet), and every stage refuses a
 * missing, duplicated, foreign, corrupt or out-of-stage file by name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { driftArgs, runEnv, runOk } from './driftRun.ts'
import { expectOneLine, root } from './run.ts'

const dir = mkdtempSync(join(tmpdir(), 'glassbox-drift-shards-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const PQ = join(root, 'test/fixtures/parquet')
const run = runEnv
const ok = runOk
const drift = (reference: string, current: string) => driftArgs(reference, current, ['--quiet'])

/** Every pass of `n` shards run in `order`, merged in between; the files and the report's text. */
async function sharded(args: string[], n: number, order: number[]) {
  const tag = join(dir, Math.random().toString(36).slice(2))
  const files = (p: number) => order.map((i) => `${tag}-p${p}-${i}.json`)
  for (const i of order)
    await ok([...args, '--shard', `${i}/${n}`, '--partial', `${tag}-p1-{index}.json`])
  await ok(['merge', ...files(1), '--state', `${tag}-s1.json`, '--quiet'])
  for (const i of order)
    await ok([
      ...args,
      ...['--shard', `${i}/${n}`, '--ood-pass', '2', '--state', `${tag}-s1.json`],
      ...['--partial', `${tag}-p2-{index}.json`],
    ])
  await ok(['merge', `${tag}-s1.json`, ...files(2), '--state', `${tag}-s2.json`, '--quiet'])
  for (const i of [...order].reverse())
    await ok([
      ...args,
      ...['--shard', `${i}/${n}`, '--ood-pass', '3', '--state', `${tag}-s2.json`],
      ...['--partial', `${tag}-p3-{index}.json`],
    ])
  const last = await ok([
    ...['merge', ...files(3), `${tag}-s2.json`],
    ...['--out', `${tag}-report.json`, '--html', `${tag}-report.html`],
  ])
  return {
    p1: files(1),
    p2: files(2),
    p3: files(3),
    s1: `${tag}-s1.json`,
    s2: `${tag}-s2.json`,
    text: readFileSync(`${tag}-report.json`, 'utf8'),
    summary: last.stdout,
    html: readFileSync(`${tag}-report.html`, 'utf8'),
  }
}

async function single(args: string[]) {
  const out = join(dir, `single-${Math.random().toString(36).slice(2)}.json`)
  await ok([...args, '--stream', '--out', out])
  return readFileSync(out, 'utf8')
}

const orders = (max: number) =>
  fc
    .integer({ min: 1, max })
    .chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }))

describe('sharded drift and its merges', () => {
  const csv = drift(join(PQ, 'adult.csv'), join(PQ, 'drifted.csv'))

  it('merges to the single-process streamed report byte for byte, for any n and order (CSV)', async () => {
    const want = await single(csv)
    expect(JSON.parse(want).drift.oodShare).not.toBeNull()
    await fc.assert(
      fc.asyncProperty(orders(5), async (order) => {
        expect((await sharded(csv, order.length, order)).text).toBe(want)
      }),
      { numRuns: 4 },
    )
  }, 300_000)

  it('does so on Parquet, shards taking row groups (and a shard with none)', async () => {
    const pq = drift(join(PQ, 'adult-plain.parquet'), join(PQ, 'drifted.parquet'))
    const want = await single(pq)
    // adult-plain has 3 row groups: with 4 shards, shard 3 reads no reference rows.
    const got = await sharded(pq, 4, [3, 1, 0, 2])
    expect(got.text).toBe(want)
    // The merge's summary ends with the drift section's line.
    const d = JSON.parse(want).drift as { maxPsi: number; oodShare: number }
    expect(got.summary).toContain(`drift: max PSI ${d.maxPsi.toFixed(4)}; drifted: `)
    expect(got.summary).toContain(`out of distribution ${(100 * d.oodShare).toFixed(1)}%`)
    expect(got.html).toContain('Glassbox drift report')
  }, 120_000)

  it('refuses at each stage a missing, duplicated, foreign, corrupt or out-of-stage file by name', async () => {
    const s = await sharded(csv, 3, [0, 1, 2])
    const [a, b, c] = s.p1 as [string, string, string]
    // Pass 1: the audit's own checks.
    expectOneLine(
      await run(['merge', a, c, '--state', join(dir, 'x.json')]),
      /shard 1\/3 is missing/,
    )
    expectOneLine(await run(['merge', a, b, c, b, '--quiet']), /is given twice/)
    expectOneLine(
      await run(['merge', a, b, c, '--out', join(dir, 'x.json')]),
      /out-of-distribution share needs pass 2: merge with --state FILE/,
    )
    const other = join(dir, 'other-{index}.json')
    await ok([...csv, '--seed', '2', '--shard', '1/3', '--partial', other])
    expectOneLine(
      await run(['merge', a, other.replace('{index}', '1'), c, '--state', join(dir, 'x.json')]),
      /other-1\.json is foreign/,
    )
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, readFileSync(c, 'utf8').replace('"rows":', '"rows": '))
    expectOneLine(
      await run(['merge', a, b, bad, '--state', join(dir, 'x.json')]),
      /bad\.json is corrupt/,
    )
    // Pass 2 and 3 partials: missing, duplicated, of the wrong pass, without their state.
    const [q0, q1, q2] = s.p2 as [string, string, string]
    expectOneLine(
      await run(['merge', s.s1, q0, q2, '--state', join(dir, 'x.json')]),
      /shard 1\/3 is missing/,
    )
    const copy = join(dir, 'copy.json')
    writeFileSync(copy, readFileSync(q1))
    expectOneLine(
      await run(['merge', s.s1, q0, q1, q2, copy, '--state', join(dir, 'x.json')]),
      /shard 1\/3 appears twice/,
    )
    expectOneLine(
      await run(['merge', s.s1, ...s.p3, '--out', join(dir, 'x.json')]),
      /is a pass 3 partial, but .*s1\.json needs pass 2 first/,
    )
    expectOneLine(
      await run(['merge', s.s2, q0, q1, q2, '--out', join(dir, 'x.json')]),
      /is a pass 2 partial, but .*s2\.json already holds the merged pass 2/,
    )
    expectOneLine(
      await run(['merge', q0, q1, q2, '--quiet']),
      /is an OOD pass partial: give the merged state/,
    )
    expectOneLine(
      await run(['merge', s.s1, q0, q1, q2, '--out', join(dir, 'x.json')]),
      /needs pass 3: merge with --state FILE/,
    )
    const badPass = join(dir, 'bad-pass.json')
    writeFileSync(badPass, readFileSync(q2, 'utf8').replace('"seen":', '"seen": '))
    expectOneLine(
      await run(['merge', s.s1, q0, q1, badPass, '--state', join(dir, 'x.json')]),
      /bad-pass\.json is corrupt/,
    )
    // A pass 2 partial of another drift's state (another seed: another split and detector).
    const o = await sharded([...csv, '--seed', '2'], 3, [0, 1, 2])
    expectOneLine(
      await run(['merge', s.s1, q0, o.p2[1]!, q2, '--state', join(dir, 'x.json')]),
      /-p2-1\.json is foreign: its settings identity/,
    )
    // --ood-pass under a state of another drift, an incomplete one, or the wrong stage.
    const pass = (p: string, state: string, extra: string[] = []) =>
      run([
        ...csv,
        ...extra,
        '--shard',
        '0/3',
        '--ood-pass',
        p,
        '--state',
        state,
        '--partial',
        join(dir, 'y.json'),
      ])
    expectOneLine(
      await pass('2', s.s1, ['--threshold', '0.3']),
      /--state .*s1\.json is foreign: its settings identity differs/,
    )
    expectOneLine(
      await pass('2', a),
      /is not a complete merged state \(shards 1\/3, 2\/3 are missing\)/,
    )
    expectOneLine(await pass('3', s.s1), /has no merged pass 2: merge it with the pass 2 partials/)
    expectOneLine(await pass('2', s.s2), /already holds the merged pass 2: run --ood-pass 3/)
    expectOneLine(await run([...csv, '--ood-pass', '2']), /--ood-pass and --state go together/)
    expectOneLine(await run([...csv, '--shard', '1/3']), /--shard 1\/3 needs --partial FILE/)
  }, 300_000)

  it('--shard auto takes the index and count from the batch system', async () => {
    const args = [
      ...csv.filter((x) => x !== '--quiet'),
      '--partial',
      join(dir, 'auto-{index}.json'),
    ]
    const r = await ok([...args, '--shard', 'auto'], {
      SLURM_ARRAY_TASK_ID: '2',
      SLURM_ARRAY_TASK_COUNT: '3',
    })
    expect(r.stdout).toMatch(/^shard 2\/3: \d+ of 300 reference and \d+ of 300 current rows/)
    const k = await ok([...args, '--shard', 'auto/4'], { JOB_COMPLETION_INDEX: '1' })
    expect(k.stdout).toMatch(/^shard 1\/4: /)
  }, 60_000)
})
