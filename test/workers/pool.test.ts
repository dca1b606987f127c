/**
 * The model worker pool in Node: real ModelHosts behind the page's WorkerClient (HostWorker, all
 * in this thread, so "parallel" pieces interleave rather than run at once). What matters here is
 * that a split job gives exactly the single-worker numbers, that helpers get only the model and
 * their rows, and that cancel, a crashed helper and a new model are handled.
 */
import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import type { CompressionResult } from '../../src/model/compression.ts'
import { ModelPool } from '../../src/workers/pool.ts'
import {
  Cmd,
  type GlobalShapRequest,
  type GlobalShapResult,
  type ModelReq,
} from '../../src/workers/protocol.ts'
import { GOLDEN, GOLDEN_SCHEMA, SHARD, fileObject, fileText } from '../fixtures/inputs/corpus.ts'
import { HostWorker, type ModelClient, hostClient } from '../fixtures/inputs/hostWorker.ts'

const schema = schemaParse(fileText(GOLDEN_SCHEMA), 'schema.json')
const table = parseCsvText(fileText(`${GOLDEN}/data.csv`), 'data.csv')

const modelFiles = (dir: string): File[] => [`${dir}/model.json`, `${dir}/${SHARD}`].map(fileObject)

async function setup(maxWorkers: number, dir: string = GOLDEN) {
  const primary = hostClient()
  let limit = maxWorkers
  const pool = new ModelPool(primary, {
    spawn: () => new HostWorker() as unknown as Worker,
    maxWorkers: () => limit,
  })
  await primary.request({
    cmd: Cmd.Load,
    model: { kind: 'files', files: modelFiles(dir) },
    table,
    schema,
    cls: { kind: 'auto' },
    dataName: 'data.csv',
    dataSha256: 'golden',
    schemaName: 'schema.json',
  })
  return { primary, pool, setLimit: (k: number) => (limit = k) }
}

const single = (primary: ModelClient, req: GlobalShapRequest) =>
  primary.request({ cmd: Cmd.GlobalShap, ...req, fresh: true })

/** Everything of a global SHAP result that is numbers, as plain arrays. */
const numbers = (g: GlobalShapResult) => ({
  rows: Array.from(g.rows),
  phi: Array.from(g.phi),
  values: Array.from(g.values),
  meanAbs: Array.from(g.meanAbs),
  order: g.order,
  baseValue: g.baseValue,
  exact: g.exact,
  featureNames: g.featureNames,
})

const base = { seed: 7, background: { kind: 'first' as const, k: 20 } }

describe('ModelPool global SHAP', () => {
  it('gives exactly the single-worker result for exact SHAP (fast path), helpers get only the model and their rows', async () => {
    const { primary, pool } = await setup(3)
    const req = { ...base, n: 50, budget: 4096 }
    const pooled = await pool.globalShap(req)
    expect(pooled.workers).toBe(3)
    expect(pooled.result.workers).toBe(3)
    expect(pooled.result.exact).toBe(true)
    expect(pool.helperCount).toBe(2)
    const one = await single(primary, req)
    expect(one.workers).toBeUndefined()
    expect(numbers(pooled.result)).toEqual(numbers(one))
    // Helpers: attach (model, no data), then one piece of 16 or 17 rows each.
    const helpers = HostWorker.made.slice(1)
    expect(helpers).toHaveLength(2)
    for (const h of helpers) {
      expect(h.received.map((r) => r.cmd)).toEqual([Cmd.Attach, Cmd.ShapRows])
      const piece = h.received[1] as Extract<ModelReq, { cmd: 'shapRows' }>
      expect([16, 17]).toContain(piece.x.rows)
      expect(h.host.current).toBeNull() // no session: no table, no encoded dataset
    }
  })

  it('gives exactly the single-worker result for sampled Kernel SHAP, whatever the split', async () => {
    const { primary, pool, setLimit } = await setup(3)
    const req = { ...base, n: 40, budget: 300 }
    const one = await single(primary, req)
    expect(one.exact).toBe(false)
    const three = await pool.globalShap({ ...req, fresh: true })
    setLimit(2)
    const two = await pool.globalShap({ ...req, fresh: true })
    expect([three.workers, two.workers]).toEqual([2, 2]) // 40 rows: at most 2 pieces of ≥ 16
    setLimit(4)
    const small = await pool.globalShap({ ...req, n: 64, fresh: true })
    expect(small.workers).toBe(4)
    expect(numbers(three.result)).toEqual(numbers(one))
    expect(numbers(two.result)).toEqual(numbers(one))
    const oneBig = await single(primary, { ...req, n: 64 })
    expect(numbers(small.result)).toEqual(numbers(oneBig))
  })

  it('gives exactly the single-worker result on the black-box path (GraphModel, sampled)', async () => {
    const { primary, pool } = await setup(2, 'test/fixtures/graph-softmax')
    const req = { seed: 3, background: { kind: 'first' as const, k: 8 }, n: 32, budget: 200 }
    const pooled = await pool.globalShap(req)
    const one = await single(primary, req)
    expect(pooled.workers).toBe(2)
    expect(one.exact).toBe(false)
    expect(numbers(pooled.result)).toEqual(numbers(one))
  })

  it('caches a pooled result in the primary and adds progress up over the pieces', async () => {
    const { pool } = await setup(3)
    const seen: { f: number; label: string }[] = []
    const req = { ...base, n: 48, budget: 4096, seed: 11 }
    const a = await pool.globalShap(req, {
      onProgress: (done, total, label) => seen.push({ f: done / total, label }),
    })
    expect(a.result.cached).toBe(false)
    expect(seen.length).toBeGreaterThan(3)
    expect(seen.at(-1)!.f).toBe(1)
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.f).toBeGreaterThanOrEqual(seen[i - 1]!.f)
    expect(seen.every((s) => s.label === 'SHAP for 48 rows on 3 cpu workers')).toBe(true)
    const b = await pool.globalShap(req)
    expect(b.result.cached).toBe(true)
    expect(b.workers).toBe(3)
    expect(Array.from(b.result.phi)).toEqual(Array.from(a.result.phi))
  })

  it('cancels every worker, and runs again afterwards', async () => {
    const { primary, pool } = await setup(3)
    const ctl = new AbortController()
    const req = {
      ...base,
      n: 1500,
      budget: 4096,
      seed: 5,
      background: { kind: 'first' as const, k: 50 },
    }
    const job = pool.globalShap(req, {
      signal: ctl.signal,
      onProgress: (done) => {
        if (done > 0) ctl.abort()
      },
    })
    await expect(job).rejects.toMatchObject({ kind: 'AbortError' })
    for (const h of HostWorker.made.slice(0, 3))
      expect(h.received.some((r) => r.cmd === Cmd.Cancel)).toBe(true)
    const small = { ...base, n: 40, budget: 4096 }
    const again = await pool.globalShap(small)
    expect(numbers(again.result)).toEqual(numbers(await single(primary, small)))
  })

  it('stops the job with a clear message when a helper crashes, then recovers', async () => {
    const { primary, pool } = await setup(3)
    const req = {
      ...base,
      n: 1200,
      budget: 4096,
      seed: 9,
      background: { kind: 'first' as const, k: 50 },
    }
    let crashed = false
    const job = pool.globalShap(req, {
      onProgress: (done) => {
        if (done > 0 && !crashed) {
          crashed = true
          HostWorker.made[2]!.crash('boom')
        }
      },
    })
    await expect(job).rejects.toThrow(
      /^helper worker 2 \(of 3 workers\) failed: worker crashed: boom; it was restarted; the job was stopped — run it again$/,
    )
    // The primary's piece was cancelled, not left running.
    expect(HostWorker.made[0]!.received.some((r) => r.cmd === Cmd.Cancel)).toBe(true)
    const small = { ...base, n: 48, budget: 4096 }
    const again = await pool.globalShap(small)
    expect(again.workers).toBe(3)
    expect(numbers(again.result)).toEqual(numbers(await single(primary, small)))
    // The restarted helper was attached again before its piece.
    const fresh = HostWorker.made.at(-1)!
    expect(fresh.received.map((r) => r.cmd)).toEqual([Cmd.Attach, Cmd.ShapRows])
  })

  it('releases its helpers on reset and uses the primary alone with one worker', async () => {
    const { primary, pool, setLimit } = await setup(2)
    await pool.globalShap({ ...base, n: 40, budget: 4096 })
    expect(pool.helperCount).toBe(1)
    pool.reset()
    expect(pool.helperCount).toBe(0)
    setLimit(1)
    const before = HostWorker.made.length
    const r = await pool.globalShap({ ...base, n: 40, budget: 4096, seed: 2 })
    expect(r.workers).toBe(1)
    expect(HostWorker.made.length).toBe(before) // nothing spawned
    expect(HostWorker.made[0]!.received.at(-1)!.cmd).toBe(Cmd.GlobalShap)
    expect(numbers(r.result)).toEqual(
      numbers(await single(primary, { ...base, n: 40, budget: 4096, seed: 2 })),
    )
  })
})

describe('ModelPool compression', () => {
  it('splits the SHAP-stability rows and compares exactly like the single-worker run', async () => {
    const { primary, pool } = await setup(3)
    const ids = ['float16', 'int8', 'int8act'] as const
    const options = {
      shapRows: 15,
      background: { kind: 'first' as const, k: 10 },
      latencyRepeats: 1,
    }
    const labels: string[] = []
    const pooled = await pool.compress([...ids], options, {
      onProgress: (_d, _t, label) => labels.push(label),
    })
    expect(pooled.workers).toBe(3)
    expect(labels).toContain('Comparing variants: SHAP stability on 3 cpu workers')
    const one = await primary.request({
      cmd: Cmd.Compress,
      ids: [...ids],
      options,
    })
    const strip = (r: CompressionResult) => ({
      rows: r.rows,
      baseBytes: r.baseBytes,
      shapRows: r.shapRows,
      skipped: r.skipped,
      variants: r.variants.map((v) => ({
        id: v.id,
        bytes: v.bytes,
        storage: v.storage,
        comparison: v.comparison,
        widened: v.widened,
        predictions: Array.from(v.predictions),
      })),
    })
    expect(strip(pooled.result)).toEqual(strip(one))
    expect(pooled.result.variants.map((v) => v.id)).toEqual([...ids])
    // Helpers computed SHAP on their 5 rows for every variant, float32 included.
    for (const h of HostWorker.made.slice(1, 3)) {
      const req = h.received.find((r) => r.cmd === Cmd.CompressShap) as Extract<
        ModelReq,
        { cmd: 'compressShap' }
      >
      expect(req.plan.x.rows).toBe(5)
      expect(req.variants).toEqual(['float32', ...ids])
    }
  })
})
