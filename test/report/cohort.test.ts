import { reportWithoutTimings } from '../fixtures/timings.ts'
import type { RowExplanation } from '../../src/core/explain.ts'
import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { modelArtifacts } from '../../src/model/tfjs/artifacts.ts'
import { tfModelLoad } from '../../src/model/tfjs/load.ts'
import { tfjsLoadedModel } from '../../src/model/tfjs/runtime.ts'
import { AUDIT_DEFAULTS, type AuditSettings } from '../../src/report/audit.ts'
import { auditFull } from '../../src/report/auditFull.ts'
import { reportHtml } from '../../src/report/html.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { type Session, sessionOpen } from '../../src/session/session.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const text = (p: string) => readFileSync(url(p), 'utf8')
const G = 'test/fixtures/golden/adult'
const schema = schemaParse(text(`${G}/schema.json`), 'schema.json')
const csv = text(`${G}/data.csv`)

/** The file's rows whose sex is Female, picked from the CSV text (no quoting in this file). */
function femaleRows(): { rows: number[]; csv: string } {
  const lines = csv.trimEnd().split('\n')
  const sex = lines[0]!.split(',').indexOf('sex')
  const rows: number[] = []
  const kept = [lines[0]!]
  lines.slice(1).forEach((line, i) => {
    if (line.split(',')[sex] !== 'Female') return
    rows.push(i)
    kept.push(line)
  })
  return { rows, csv: `${kept.join('\n')}\n` }
}

async function open(csvText: string): Promise<Session> {
  const b = readFileSync(url(`${G}/group1-shard1of1.bin`))
  const shard = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
  const art = modelArtifacts(
    { name: 'model.json', json: text(`${G}/model.json`) },
    new Map([['group1-shard1of1.bin', shard]]),
  )
  const model = tfjsLoadedModel(await tfModelLoad(art, 'model.json'))
  const table = parseCsvText(csvText, 'data.csv')
  return sessionOpen(
    model,
    schema,
    { table, name: 'data.csv', sha256: 'a'.repeat(64) },
    { kind: 'auto' },
    { schemaName: 'schema.json' },
  )
}

const settings: AuditSettings = {
  ...AUDIT_DEFAULTS,
  igSteps: 0,
  counterfactuals: 0,
  budget: 256,
  quantize: [],
  backend: 'cpu',
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('auditFull on a cohort', () => {
  it('equals the audit of a file of the cohort’s rows, told in the file’s rows', async () => {
    const female = femaleRows()
    const whole = await open(csv)
    const alone = await open(female.csv)
    // Explained rows: positions 60 and 75 of the cohort, i.e. these rows of the file.
    const asked = [female.rows[60]!, female.rows[75]!]
    const got = await auditFull(whole, { ...settings, rows: asked, cohort: ' sex =  Female ' })
    const want = await auditFull(alone, { ...settings, rows: [60, 75] })
    expect(got.settings.cohort).toEqual({ predicate: 'sex = Female', rows: female.rows.length })
    expect(got.data).toEqual({ sha256: 'a'.repeat(64), rows: 2000 })
    expect(got.settings.rows).toEqual(asked)
    expect(got.metrics).toEqual(want.metrics)
    expect(got.calibration).toEqual(want.calibration)
    expect(got.fairness).toEqual(want.fairness)
    expect(Object.keys(got.explanations!)).toEqual(asked.map(String))
    // Equal but for the background's rows (told in each file's own rows) and measured timings.
    const same = (e: RowExplanation, rows: (k: number) => number) => ({
      ...reportWithoutTimings({ explanations: { e } }).explanations!['e']!,
      background: { ...e.background!, rows: e.background!.rows.map(rows) },
    })
    const fileRow = (k: number) => female.rows[k]!
    expect(same(got.explanations![String(asked[0])]!, (r) => r)).toEqual(
      same(want.explanations!['60']!, fileRow),
    )
    expect(same(got.explanations![String(asked[1])]!, (r) => r)).toEqual(
      same(want.explanations!['75']!, fileRow),
    )
  })

  it('refuses rows outside the cohort, a cohort of no rows and an unknown column', async () => {
    const whole = await open(csv)
    expect(csv.split('\n')[1]).toContain(',Male,')
    await expect(
      auditFull(whole, { ...settings, rows: [0], cohort: 'sex = Female' }),
    ).rejects.toThrow(/row 0 is not in the cohort “sex = Female”/)
    await expect(auditFull(whole, { ...settings, cohort: 'age > 500' })).rejects.toThrow(
      /selects no row of data\.csv/,
    )
    await expect(auditFull(whole, { ...settings, cohort: 'colour = red' })).rejects.toThrow(
      /colour/,
    )
  })
})

describe('the report of a cohort', () => {
  it('passes the schema and names the cohort in the HTML settings', async () => {
    const whole = await open(csv)
    const r = await auditFull(whole, { ...settings, shap: false, cohort: 'age > 60' })
    expect(reportValidate(r)).toEqual({ valid: true, errors: [] })
    const n = csv
      .trimEnd()
      .split('\n')
      .slice(1)
      .filter((l) => Number(l.split(',')[0]) > 60).length
    expect(r.settings.cohort).toEqual({ predicate: 'age > 60', rows: n })
    expect(reportHtml(r)).toContain(`age &gt; 60 (${n} of 2000 rows)`)
  })
})
