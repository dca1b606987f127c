import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../../src/core/csv.ts'
import { driftAnalyze } from '../../../src/core/drift/analyze.ts'
import { encodeTable } from '../../../src/core/encode.ts'
import { type Schema, schemaOffsets } from '../../../src/core/schema.ts'
import {
  type AuditStateSettings,
  OodCalibration,
  OodCount,
  oodPassFromJSON,
  oodPassMerge,
  oodPassToJSON,
  auditStateAdd,
  auditStateAddReference,
  auditStateCreate,
  auditStateFromJSON,
  auditStateMerge,
  auditStateOodPlan,
  auditStateSections,
  auditStateToJSON,
} from '../../../src/core/stream/index.ts'
import { type Table, TableBuilder, columnCell } from '../../../src/core/table.ts'
import { type Matrix, matrix } from '../../../src/core/types.ts'
import { permute, shardRanges } from './gen.ts'

const root = new URL('../../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')
const schema = JSON.parse(read('public/demo/schema.json')) as Schema

/** A side with a stand-in model, p = σ((age − 40) / 10), as test/core/drift/analyze.test.ts. */
function side(path: string) {
  const table = parseCsvText(read(path), path)
  const enc = encodeTable(schema, table, path)
  const p = Float32Array.from(
    { length: table.nRows },
    (_, i) => 1 / (1 + Math.exp(-(enc.values.data[i * enc.values.cols]! - 40) / 10)),
  )
  return { table, x: enc.x, p, labels: enc.labels!, source: path }
}
const ref = side('public/demo/data.csv')
const cur = side('public/demo/drifted.csv')

function tableSlice(t: Table, a: number, b: number): Table {
  const out = new TableBuilder(t.columns.map((c) => c.name))
  for (let r = a; r < b; r++) out.push(t.columns.map((c) => columnCell(c, r)))
  return out.build()
}
const rows = (x: Matrix, a: number, b: number) =>
  matrix(x.data.slice(a * x.cols, b * x.cols) as Float32Array, b - a, x.cols)

const settings: AuditStateSettings = {
  threshold: 0.5,
  classIndex: 1,
  seed: 1,
  labelled: true,
  sensitive: schema.sensitive,
  drift: {
    features: schema.features.map((f) => ({
      name: f.name,
      kind: f.type,
      categories: f.type === 'categorical' ? f.categories : [],
    })),
    ood: {
      nRows: ref.table.nRows,
      seed: 1,
      offsets: Array.from(schemaOffsets(schema)),
      features: schema.features.map((f) => f.name),
      categorical: schema.features.map((f) => f.type === 'categorical'),
      categoryFloor: 0.05,
    },
  },
}
const identity = { model: 'stand-in', schema: 'adult-demo', data: 'drifted', reference: 'data' }

/** The whole streamed drift audit over shards: pass 1 (audit + drift counts + OOD moments), 2, 3. */
function streamedDrift(cuts: number[], order: number[], chunk: number) {
  const refRanges = shardRanges(ref.table.nRows, cuts)
  const curRanges = shardRanges(cur.table.nRows, [...cuts].reverse())
  const n = refRanges.length
  const parts = refRanges.map((rr, i) => {
    const cr = curRanges[i]!
    const s = auditStateCreate(settings, identity, {
      index: i,
      count: n,
      coverage: {
        data: { unit: 'rows', ranges: [cr], total: cur.table.nRows },
        reference: { unit: 'rows', ranges: [rr], total: ref.table.nRows },
      },
    })
    for (let a = rr[0]; a < rr[1]; a += chunk) {
      const b = Math.min(rr[1], a + chunk)
      auditStateAddReference(s, {
        firstRow: a,
        table: tableSlice(ref.table, a, b),
        p: ref.p.subarray(a, b),
        x: rows(ref.x, a, b),
      })
    }
    for (let a = cr[0]; a < cr[1]; a += chunk) {
      const b = Math.min(cr[1], a + chunk)
      auditStateAdd(s, {
        firstRow: a,
        table: tableSlice(cur.table, a, b),
        p: cur.p.subarray(a, b),
        y: cur.labels.subarray(a, b),
      })
    }
    return {
      name: `part-${i}.json`,
      state: auditStateFromJSON(auditStateToJSON(s), `part-${i}.json`),
    }
  })
  const merged = auditStateMerge(permute(parts, order))
  // Passes 2 and 3 under the merged detector, over the same shards, partials through JSON.
  const plan = auditStateOodPlan(settings.drift)!
  const model = merged.drift!.moments!.model()
  const pass2 = refRanges.map(([a, b], i) => {
    const c = new OodCalibration(plan, model)
    c.add(rows(ref.x, a, b), a)
    const shard = {
      index: i,
      count: n,
      coverage: {
        reference: {
          unit: 'rows' as const,
          ranges: [[a, b] as [number, number]],
          total: ref.table.nRows,
        },
      },
    }
    const text = oodPassToJSON({ pass: 'calibration', identity, shards: [shard], state: c })
    return { name: `ood2-${i}.json`, part: oodPassFromJSON(text, `ood2-${i}.json`, plan, model) }
  })
  const calibration = oodPassMerge(permute(pass2, order)).state as OodCalibration
  const detector = calibration.thresholds()
  const pass3 = curRanges.map(([a, b], i) => {
    const c = new OodCount(detector)
    c.add(rows(cur.x, a, b))
    const shard = {
      index: i,
      count: n,
      coverage: {
        data: {
          unit: 'rows' as const,
          ranges: [[a, b] as [number, number]],
          total: cur.table.nRows,
        },
      },
    }
    const text = oodPassToJSON({ pass: 'current', identity, shards: [shard], state: c })
    return { name: `ood3-${i}.json`, part: oodPassFromJSON(text, `ood3-${i}.json`, plan, detector) }
  })
  const count = oodPassMerge(permute(pass3, [...order].reverse())).state as OodCount
  return {
    sections: auditStateSections(merged, { oodShare: count.shares().share95 }),
    pass2,
    pass3,
  }
}

describe('a streamed drift audit', () => {
  const { sections: whole, pass2, pass3 } = streamedDrift([0.3, 0.6], [0], 5000)
  const single = streamedDrift([], [0], 5000).sections
  const batch = driftAnalyze(schema, ref, cur, { threshold: 0.5, seed: 1 })

  it('gives the single-process sections byte for byte for any shards, chunks and merge order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 50, max: 900 }),
        (cuts, order, chunk) => {
          expect(JSON.stringify(streamedDrift(cuts, order, chunk).sections)).toBe(
            JSON.stringify(single),
          )
        },
      ),
      { numRuns: 4 },
    )
  })

  it('refuses OOD pass partials that are duplicated, missing, of another pass or corrupt', () => {
    expect(() => oodPassMerge([...pass2, pass2[1]!])).toThrow(
      'shard 1/3 appears twice (ood2-1.json and ood2-1.json)',
    )
    expect(() => oodPassMerge(pass2.slice(1))).toThrow('shard 0/3 is missing')
    expect(() => oodPassMerge([...pass2.slice(0, 2), pass3[2]!])).toThrow(
      'ood3-2.json is of OOD pass "current", ood2-0.json of "calibration"',
    )
    const plan = auditStateOodPlan(settings.drift)!
    const text = oodPassToJSON(pass3[0]!.part)
    const model = (pass3[0]!.part.state as OodCount).model
    expect(() =>
      oodPassFromJSON(text.replace('"above95":', '"above95":1'), 'x.json', plan, model),
    ).toThrow('x.json is corrupt: checksum mismatch')
    expect(() =>
      oodPassFromJSON(text, 'x.json', plan, { ...model, thresholds: { p95: 0, p99: 0 } }),
    ).toThrow('x.json is corrupt: state: computed under another detector')
  })

  it('gives driftAnalyze’s drift section (the OOD share included, here exactly)', () => {
    expect(whole.drift).toEqual(batch.section)
    expect(whole.rows).toBe(cur.table.nRows)
    expect(Object.keys(whole.fairness ?? {})).toEqual(schema.sensitive)
  })
})

describe('an unlabelled drift audit', () => {
  it('has the drift section and no metrics, calibration or fairness (today’s audit without labels)', () => {
    const s = auditStateCreate(
      { ...settings, labelled: false, drift: { ...settings.drift!, ood: null } },
      identity,
      {
        index: 0,
        count: 1,
        coverage: {
          data: { unit: 'rows', ranges: [[0, 300]], total: 300 },
          reference: { unit: 'rows', ranges: [[0, 200]], total: 200 },
        },
      },
    )
    auditStateAddReference(s, {
      firstRow: 0,
      table: tableSlice(ref.table, 0, 200),
      p: ref.p.subarray(0, 200),
    })
    auditStateAdd(s, {
      firstRow: 0,
      table: tableSlice(cur.table, 0, 300),
      p: cur.p.subarray(0, 300),
      y: null,
    })
    const sections = auditStateSections(auditStateFromJSON(auditStateToJSON(s), 'u.json'))
    expect(Object.keys(sections)).toEqual(['rows', 'drift'])
    expect(sections.drift?.oodShare).toBeNull()
    const batch = driftAnalyze(
      schema,
      {
        ...ref,
        table: tableSlice(ref.table, 0, 200),
        x: rows(ref.x, 0, 200),
        p: ref.p.subarray(0, 200),
        labels: ref.labels.subarray(0, 200),
      },
      {
        ...cur,
        table: tableSlice(cur.table, 0, 300),
        x: rows(cur.x, 0, 300),
        p: cur.p.subarray(0, 300),
        labels: null,
      },
    )
    expect(sections.drift).toEqual({ ...batch.section, oodShare: null })
  })
})
