import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { EXPLAIN_DEFAULTS, type ExplainSettings } from '../../src/core/explain.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { ModelHost } from '../../src/workers/modelHost.ts'
import { modelHostDebug } from '../../src/workers/model/debug.ts'
import {
  Cmd,
  type ExplainResult,
  type GlobalShapResult,
  type ModelReq,
  type Res,
  type WhatIfResult,
} from '../../src/workers/protocol.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const text = (p: string) => readFileSync(url(p), 'utf8')
const G = 'test/fixtures/golden/adult'
const ref = JSON.parse(text(`${G}/reference.json`)) as {
  explainedRows: number[]
  shap: Record<string, Record<string, number>>
  baseValue: Record<string, number>
  ig: Record<string, Record<string, number>>
}
const schema = schemaParse(text(`${G}/schema.json`))
const table = parseCsvText(text(`${G}/data.csv`))

type Req = ModelReq extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never

async function loadedHost() {
  const host = modelHostDebug(new ModelHost({ backends: ['cpu'] }))
  const posts: Res[] = []
  let id = 1
  const send = async (req: Req, ms = 0): Promise<Res> => {
    const my = id++
    const job = host.handle({ ...req, id: my } as ModelReq, (r) => void posts.push(r))
    if (ms > 0) {
      await new Promise((r) => setTimeout(r, ms))
      await host.handle({ id: id++, cmd: Cmd.Cancel, target: my }, () => {})
    }
    await job
    return posts.filter((p) => p.id === my && (p.kind === 'result' || p.kind === 'error')).at(-1)!
  }
  const files = [
    new File([readFileSync(url(`${G}/model.json`))], 'model.json'),
    new File([readFileSync(url(`${G}/group1-shard1of1.bin`))], 'group1-shard1of1.bin'),
  ]
  const loaded = await send({
    cmd: Cmd.Load,
    model: { kind: 'files', files },
    table,
    schema,
    cls: { kind: 'auto' },
    dataName: 'data.csv',
    dataSha256: 'd',
    schemaName: 's',
  })
  expect(loaded.kind).toBe('result')
  return { host, posts, send }
}

const only = (o: Partial<ExplainSettings>): ExplainSettings => ({
  ...EXPLAIN_DEFAULTS,
  shap: false,
  igSteps: 0,
  counterfactuals: 0,
  ...o,
})
const ok = <T>(r: Res): T => {
  if (r.kind !== 'result') throw new Error(JSON.stringify(r))
  return r.result as T
}

describe('ModelHost explain', () => {
  it('gives the golden exact SHAP values and IG through tfjs in the worker host', async () => {
    const { send, posts } = await loadedHost()
    const rows = ref.explainedRows
    const r = ok<ExplainResult>(
      await send({ cmd: Cmd.Explain, rows, settings: only({ shap: true, igSteps: 2048 }) }),
    )
    for (const row of rows) {
      const e = r.explanations[String(row)]!
      expect(e.exact).toBe(true)
      expect(Math.abs(e.baseValue! - ref.baseValue[String(row)]!)).toBeLessThan(1e-4)
      for (const [f, v] of Object.entries(ref.shap[String(row)]!))
        expect(Math.abs(e.shap![f]! - v)).toBeLessThan(1e-4)
      for (const [f, v] of Object.entries(ref.ig[String(row)]!))
        expect(Math.abs(e.ig![f]! - v)).toBeLessThan(1e-3)
      expect(e.igSteps).toBe(2048)
    }
    expect(posts.some((p) => p.kind === 'progress')).toBe(true)
  })

  it('keeps the tensor count flat across 50 explanations', async () => {
    const { send } = await loadedHost()
    const before = ok<number>(await send({ cmd: Cmd.Memory }))
    for (let k = 0; k < 50; k++) {
      const settings =
        k % 3 === 0
          ? only({ shap: true })
          : k % 3 === 1
            ? only({ igSteps: 64 })
            : only({ counterfactuals: 2 })
      expect((await send({ cmd: Cmd.Explain, rows: [100 + k], settings })).kind).toBe('result')
    }
    expect(ok<number>(await send({ cmd: Cmd.Memory }))).toBe(before)
  })

  it('finds valid counterfactuals that leave sensitive attributes alone', async () => {
    const { send } = await loadedHost()
    const r = ok<ExplainResult>(
      await send({ cmd: Cmd.Explain, rows: [1265, 1795], settings: only({ counterfactuals: 4 }) }),
    )
    for (const e of Object.values(r.explanations)) {
      expect(e.counterfactuals!.length).toBeGreaterThan(0)
      for (const c of e.counterfactuals!) {
        expect(c.valid).toBe(true)
        expect(c.prediction).toBeGreaterThanOrEqual(0.5)
        expect(Object.keys(c.changes)).not.toContain('sex')
        expect(Object.keys(c.changes)).not.toContain('race')
      }
    }
  })

  it('computes global SHAP for a seeded sample, caches it, and cancels', async () => {
    const { send } = await loadedHost()
    const req = {
      cmd: Cmd.GlobalShap,
      n: 20,
      seed: 3,
      background: { kind: 'first', k: 50 },
      budget: 4096,
    } as const
    const a = ok<GlobalShapResult>(await send(req))
    expect(a.rows).toHaveLength(20)
    expect(a.phi).toHaveLength(20 * 12)
    expect(a.cached).toBe(false)
    expect(a.exact).toBe(true)
    expect(a.order).toHaveLength(12)
    for (let k = 1; k < 12; k++)
      expect(a.meanAbs[a.order[k - 1]!]!).toBeGreaterThanOrEqual(a.meanAbs[a.order[k]!]!)
    const b = ok<GlobalShapResult>(await send(req))
    expect(b.cached).toBe(true)
    expect(Array.from(b.phi)).toEqual(Array.from(a.phi))
    // A long job (all 2,000 rows) cancelled after 300 ms stops with an AbortError. (How soon a
    // cancelled job frees the worker is a bench figure: bench/responsiveness.ts.)
    const c = await send({ ...req, n: 2000, seed: 4 }, 300)
    expect(c).toMatchObject({ kind: 'error', errorKind: 'AbortError' })
  })

  it('answers what-if: the unedited row reproduces its prediction and SHAP; an edit moves them', async () => {
    const { send, host } = await loadedHost()
    const row = 1380
    const vals = Array.from(host.current!.values.data.subarray(row * 12, (row + 1) * 12))
    const w = ok<WhatIfResult>(
      await send({ cmd: Cmd.WhatIf, values: vals, settings: only({ shap: true }) }),
    )
    expect(Math.abs(w.prediction - host.current!.predictions[row]!)).toBeLessThan(1e-6)
    for (const [f, v] of Object.entries(ref.shap[String(row)]!))
      expect(Math.abs(w.shap![f]! - v)).toBeLessThan(1e-4)
    const capitalGain = schema.features.findIndex((f) => f.name === 'capital_gain')
    const edited = [...vals]
    edited[capitalGain] = 0
    const e = ok<WhatIfResult>(
      await send({ cmd: Cmd.WhatIf, values: edited, settings: only({ shap: true }) }),
    )
    expect(e.prediction).toBeLessThan(w.prediction)
    expect(e.shap!.capital_gain!).toBeLessThan(w.shap!.capital_gain!)
    expect(await send({ cmd: Cmd.WhatIf, values: [1, 2], settings: only({}) })).toMatchObject({
      kind: 'error',
      message: 'what-if: 2 values for 12 features',
    })
  })

  it('gives global SHAP, a row explanation and what-if the same background: one base value', async () => {
    // Issue 17: K-medoids K=20, seed 7 gave 0.2653 globally and 0.2252 for the row, because the
    // global job drew its row sample from the seed's stream before building the background.
    const { send, host } = await loadedHost()
    const row = 1265
    for (const background of [
      { kind: 'kmeans', k: 20 },
      { kind: 'sample', k: 30 },
    ] as const) {
      const seed = 7
      const g = ok<GlobalShapResult>(
        await send({ cmd: Cmd.GlobalShap, n: 6, seed, background, budget: 4096 }),
      )
      const r = ok<ExplainResult>(
        await send({
          cmd: Cmd.Explain,
          rows: [row],
          settings: only({ shap: true, background, seed }),
        }),
      )
      const vals = Array.from(host.current!.values.data.subarray(row * 12, (row + 1) * 12))
      const w = ok<WhatIfResult>(
        await send({
          cmd: Cmd.WhatIf,
          values: vals,
          settings: only({ shap: true, background, seed }),
        }),
      )
      const base = r.explanations[String(row)]!.baseValue!
      expect(Math.abs(g.baseValue - base)).toBeLessThan(1e-7)
      expect(Math.abs(w.baseValue! - base)).toBeLessThan(1e-7)
      // And it is a different background from another seed's (the seed is really used).
      const other = ok<ExplainResult>(
        await send({
          cmd: Cmd.Explain,
          rows: [row],
          settings: only({ shap: true, background, seed: seed + 1 }),
        }),
      )
      expect(other.explanations[String(row)]!.baseValue).not.toBe(base)
    }
  })

  it('samples global SHAP from a cohort pool', async () => {
    const { send } = await loadedHost()
    const pool = [3, 5, 8, 13, 21, 34, 55, 89]
    const g = ok<GlobalShapResult>(
      await send({
        cmd: Cmd.GlobalShap,
        n: 5,
        seed: 1,
        background: { kind: 'first', k: 20 },
        budget: 4096,
        pool,
      }),
    )
    expect(g.rows).toHaveLength(5)
    for (const r of g.rows) expect(pool).toContain(r)
  })
})
