/**
 * `glassbox drift` and `glassbox compare` read Parquet (by content) wherever they read a CSV: a
 * Parquet reference/current pair gives the drift report of its CSV twins (test/fixtures/parquet,
 * written by parquet-wasm, an independent writer; the twins' text is the source rows'), apart from
 * the current file's identity. A damaged Parquet is refused by name.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectOneLine, glassbox, root } from './run.ts'
import type { Report } from '../../src/report/types.ts'

const DEMO = join(root, 'public/demo')
const PQ = join(root, 'test/fixtures/parquet')
const tmp = mkdtempSync(join(tmpdir(), 'glassbox-drift-parquet-'))
const model = ['--model', join(DEMO, 'model.json'), '--schema', join(DEMO, 'schema.json')]

/** `drift` of `reference` → `current`; the report and stdout summary. */
async function drift(reference: string, current: string, tag: string) {
  const out = join(tmp, `${tag}.json`)
  const r = await glassbox(
    'drift',
    ...model,
    '--reference',
    reference,
    '--current',
    current,
    '--out',
    out,
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return { report: JSON.parse(readFileSync(out, 'utf8')) as Report, stdout: r.stdout }
}

/** The report without the current file's sha256 (the only field that names the file). */
const comparable = (r: Report): Report => ({ ...r, data: { ...r.data, sha256: '' } })

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('glassbox drift with Parquet', () => {
  it('a Parquet pair gives the drift section of its CSV twins', async () => {
    const csv = await drift(join(PQ, 'adult.csv'), join(PQ, 'drifted.csv'), 'csv')
    const pq = await drift(join(PQ, 'adult-snappy.parquet'), join(PQ, 'drifted.parquet'), 'pq')
    expect(pq.report.drift).toEqual(csv.report.drift)
    expect(comparable(pq.report)).toEqual(comparable(csv.report))
    // The data's identity is the Parquet file's own.
    expect(pq.report.data.sha256).toBe(sha256(join(PQ, 'drifted.parquet')))
    expect(pq.report.data.rows).toBe(300)
    // The fixtures differ (the drifted sample's ages are shifted): the section is not empty.
    expect(csv.report.drift!.features.age!.psi).toBeGreaterThan(0.2)
    expect(csv.report.drift!.oodShare).not.toBeNull()
    // The summary is the same but for the paths.
    const paths = (s: string) => s.replace(/\S+\.(csv|parquet)/g, 'FILE')
    expect(paths(pq.stdout)).toBe(paths(csv.stdout))
  })

  it('mixes formats and tells Parquet by its content, not its name', async () => {
    const named = join(tmp, 'current.csv')
    copyFileSync(join(PQ, 'drifted.parquet'), named)
    const csv = await drift(join(PQ, 'adult.csv'), join(PQ, 'drifted.csv'), 'csv2')
    const mixed = await drift(join(PQ, 'adult-zstd.parquet'), named, 'mixed')
    expect(mixed.report.drift).toEqual(csv.report.drift)
  })

  it('refuses a damaged Parquet by name (exit 2)', async () => {
    const bad = join(PQ, 'adult-truncated.parquet')
    const r = await glassbox(
      'drift',
      ...model,
      '--reference',
      join(PQ, 'adult.csv'),
      '--current',
      bad,
    )
    expectOneLine(r, /adult-truncated\.parquet/)
    expect(r.stderr).toContain(bad)
  })
})

describe('glassbox compare with Parquet', () => {
  it('gives the numbers of the CSV twin', async () => {
    const run = async (data: string, tag: string) => {
      const out = join(tmp, `compare-${tag}.json`)
      const r = await glassbox(
        'compare',
        '--model',
        join(DEMO, 'model.json'),
        '--challenger',
        join(DEMO, 'model.json'),
        '--schema',
        join(DEMO, 'schema.json'),
        '--data',
        data,
        '--no-shap',
        '--ig-steps',
        '0',
        '--counterfactuals',
        '0',
        '--out',
        out,
      )
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      return JSON.parse(readFileSync(out, 'utf8')) as Report
    }
    const csv = await run(join(PQ, 'adult.csv'), 'csv')
    const pq = await run(join(PQ, 'adult-plain.parquet'), 'pq')
    expect(pq.data.sha256).toBe(sha256(join(PQ, 'adult-plain.parquet')))
    expect(comparable(pq)).toEqual(comparable(csv))
    expect(pq.comparison).toBeDefined()
  })
})
