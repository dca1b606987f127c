/**
 * Faults in Node: the page's WorkerClient over an in-process "worker" that runs the real
 * ModelHost (so crash, restart, supersede and cancel go through the same code as in the browser,
 * minus postMessage), and cancel in every phase of every long model-worker command.
 * The browser side (a real worker killed mid-job, WebGPU device loss) is in e2e/robustness.spec.ts
 * and e2e/backends.spec.ts. Out of memory is injected (tfFaults): a real wasm OOM aborts the module.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXPLAIN_DEFAULTS } from '../../src/core/explain.ts'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { AUDIT_DEFAULTS } from '../../src/report/audit.ts'
import { type RequestOf, WorkerClient, WorkerError } from '../../src/workers/client.ts'
import { tfFaults } from '../../src/model/tfModel.ts'
import { modelHostDebug } from '../../src/workers/model/debug.ts'
import { ModelHost } from '../../src/workers/modelHost.ts'
import {
  Cmd,
  type ModelReq,
  type ModelRequests,
  type ModelResults,
  type Res,
} from '../../src/workers/protocol.ts'
import {
  GOLDEN,
  GOLDEN_MODEL,
  GOLDEN_SCHEMA,
  fileObject,
  fileText,
} from '../fixtures/inputs/corpus.ts'
import { HostWorker, hostClient } from '../fixtures/inputs/hostWorker.ts'

const schema = schemaParse(fileText(GOLDEN_SCHEMA), 'schema.json')
const table = parseCsvText(fileText(`${GOLDEN}/data.csv`), 'data.csv')
const reference = (JSON.parse(fileText(`${GOLDEN}/reference.json`)) as { predictions: number[] })
  .predictions

const loadReq = {
  cmd: Cmd.Load,
  model: { kind: 'files' as const, files: GOLDEN_MODEL.map(fileObject) },
  table,
  schema,
  cls: { kind: 'auto' } as const,
  dataName: 'data.csv',
  dataSha256: 'golden',
  schemaName: 'schema.json',
}

/** A progress callback and a promise of the first progress label. */
function onProgress(): {
  cb: (done: number, total: number, label: string) => void
  first: Promise<string>
} {
  let resolve!: (label: string) => void
  const first = new Promise<string>((r) => (resolve = r))
  return { cb: (_d, _t, label) => resolve(label), first }
}

const globalShap = (n: number, seed = 1) => ({
  cmd: Cmd.GlobalShap,
  n,
  seed,
  background: { kind: 'first' as const, k: 50 },
  budget: 4096,
})

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('WorkerClient over a real ModelHost: a worker killed mid-job', () => {
  it('rejects the running job with the crash message, restarts the worker, and the app can go on', async () => {
    const c = hostClient()
    const restarts: string[] = []
    c.onRestart = (m) => restarts.push(m)
    await c.request(loadReq)
    const p = onProgress()
    const job = c.request(globalShap(2000), { onProgress: p.cb })
    const settled = job.then(
      () => 'resolved',
      (e: WorkerError) => e,
    )
    await p.first
    HostWorker.made[0]!.crash('killed by the test')
    const err = await settled
    expect(err).toBeInstanceOf(WorkerError)
    expect((err as WorkerError).message).toBe(
      'worker crashed: killed by the test; it was restarted',
    )
    expect(restarts).toEqual(['killed by the test'])
    expect(HostWorker.made).toHaveLength(2)
    // The fresh worker is empty until the page re-sends the session (appStore.onRestart does).
    await expect(c.request(globalShap(5))).rejects.toThrow(
      'load a model and data before explaining',
    )
    const again = await c.request(loadReq)
    expect(
      Math.max(...again.predictions.map((v, i) => Math.abs(v - reference[i]!))),
    ).toBeLessThanOrEqual(1e-6)
    const small = await c.request(globalShap(3))
    expect(small.rows).toHaveLength(3)
    expect(
      HostWorker.made[1]!.received.every((r) => r.cmd !== Cmd.GlobalShap || r.n !== 2000),
    ).toBe(true)
  })

  it('rejects every pending request, not only the running one, and sends later ones to the new worker', async () => {
    const c = hostClient()
    await c.request(loadReq)
    const p = onProgress()
    const running = c.request(globalShap(2000), { onProgress: p.cb }).catch((e: Error) => e.message)
    const queued = c.request({ cmd: Cmd.Memory }).catch((e: Error) => e.message)
    await p.first
    HostWorker.made[0]!.crash('gone')
    expect(await running).toMatch(/^worker crashed: gone/)
    expect(await queued).toMatch(/^worker crashed: gone/)
    expect(typeof (await c.request({ cmd: Cmd.Memory }))).toBe('number')
    expect(HostWorker.made[1]!.received.map((r) => r.cmd)).toEqual([Cmd.Memory])
  })
})

describe('WorkerClient over a real ModelHost: out of memory', () => {
  it('the job fails with OutOfMemoryError, the worker restarts, and the rerun uses half the rows per call', async () => {
    const c = hostClient()
    const restarts: string[] = []
    c.onRestart = (m) => restarts.push(m)
    try {
      await c.request(loadReq) // 2,000 rows in one call: below the fault
      tfFaults.oomAboveRows = 5000 // before any backend measurement an explanation chunk is up to 8,192 rows
      // The black-box SHAP path (a Dense model could take the fast path, which calls no model).
      const job = {
        cmd: Cmd.Explain,
        rows: [5],
        settings: { ...EXPLAIN_DEFAULTS, fastPath: false, igSteps: 0, counterfactuals: 0 },
      }
      const err = await c.request(job).catch((e: Error & { kind?: string }) => e)
      expect(err).toMatchObject({ kind: 'OutOfMemoryError' })
      expect((err as Error).message).toMatch(
        /out of memory running the model on \d+ rows.*restarted.*4096 rows per model call/,
      )
      expect(restarts).toEqual(['out of memory'])
      expect(c.chunkCap).toBe(4096)
      expect(HostWorker.made).toHaveLength(2)
      // What appStore.onRestart does: reload the session into the fresh worker with the cap.
      await c.request({ ...loadReq, maxChunkRows: 4096 })
      const r = await c.request(job)
      expect(r.explanations['5']!.shap).toBeDefined()
    } finally {
      tfFaults.oomAboveRows = null
    }
  })
})

describe('WorkerClient: two racing jobs show only the newer result', () => {
  it('a superseded (aborted) job rejects at once and its late answer is dropped', async () => {
    const c = hostClient()
    await c.request(loadReq)
    const older = new AbortController()
    const p = onProgress()
    const first = c.request(globalShap(300, 1), { signal: older.signal, onProgress: p.cb }).then(
      (r) => ({ stale: r }),
      (e: WorkerError) => e.kind,
    )
    await p.first
    older.abort() // what appStore.startJob does when a newer job starts
    const second = c.request(globalShap(4, 2))
    expect(await first).toBe('AbortError')
    const r = await second
    expect(r.rows).toHaveLength(4)
    // The worker was told to stop the older job; the only result delivered is the newer one.
    const w = HostWorker.made[0]!
    expect(w.received.filter((q) => q.cmd === Cmd.Cancel)).toHaveLength(1)
  })

  it('an answer that arrives after its request was aborted never resolves it', async () => {
    // A worker that answers the handshake at once and everything else late, ignoring cancel.
    class LateWorker {
      onmessage: ((ev: MessageEvent<Res>) => void) | null = null
      onerror: ((ev: ErrorEvent) => void) | null = null
      readonly sent: { id: number; cmd: string }[] = []
      postMessage(req: { id: number; cmd: string }): void {
        if (req.cmd === 'cancel') return
        this.sent.push(req)
        setTimeout(
          () =>
            this.onmessage?.({
              data: { id: req.id, kind: 'result', result: `answer ${req.id}` },
            } as MessageEvent<Res>),
          req.cmd === 'init' ? 0 : 20,
        )
      }
      terminate(): void {}
    }
    const w = new LateWorker()
    const c = new WorkerClient<ModelRequests, ModelResults>(() => w as unknown as Worker)
    await c.request({ cmd: Cmd.Memory }) // after the handshake, requests go out at once
    const a = new AbortController()
    const older = c.request({ cmd: Cmd.Memory }, { signal: a.signal })
    const olderId = w.sent.at(-1)!.id
    a.abort()
    const newer = c.request({ cmd: Cmd.Memory })
    await expect(older).rejects.toMatchObject({ kind: 'AbortError' })
    // The older request reached the worker (its answer comes late and is dropped).
    expect(w.sent.at(-2)!.id).toBe(olderId)
    expect(await newer).toBe(`answer ${w.sent.at(-1)!.id}`)
    await new Promise((r) => setTimeout(r, 40))
  })
})

describe('cancel in every phase of the model worker', () => {
  const host = modelHostDebug(new ModelHost({ backends: ['cpu'] }))
  let nextId = 1

  /** Sends `req`; cancels it at its first progress message, right away (`0`) or after `ms`. */
  async function cancelled(
    req: RequestOf<ModelReq>,
    ms: number | null = null,
  ): Promise<{ final: Res; labels: string[] }> {
    const id = nextId++
    const posts: Res[] = []
    const labels: string[] = []
    let sent = false
    const post = (res: Res) => {
      posts.push(res)
      if (res.id === id && res.kind === 'progress') {
        labels.push(res.label)
        if (!sent && ms === null) {
          sent = true
          void host.handle({ id: nextId++, cmd: Cmd.Cancel, target: id }, () => {})
        }
      }
    }
    const job = host.handle({ ...req, id } as ModelReq, post)
    if (ms !== null) {
      if (ms > 0) await new Promise((r) => setTimeout(r, ms))
      await host.handle({ id: nextId++, cmd: Cmd.Cancel, target: id }, () => {})
    }
    await job
    return {
      final: posts
        .filter((p) => p.id === id && (p.kind === 'result' || p.kind === 'error'))
        .at(-1)!,
      labels,
    }
  }

  async function ok(req: RequestOf<ModelReq>): Promise<unknown> {
    const id = nextId++
    let out: Res | null = null
    await host.handle({ ...req, id } as ModelReq, (r) => {
      if (r.id === id && (r.kind === 'result' || r.kind === 'error')) out = r
    })
    const res = out as Res | null
    if (res?.kind !== 'result') throw new Error(`expected a result: ${JSON.stringify(res)}`)
    return res.result
  }

  beforeAll(async () => {
    await ok(loadReq)
    await ok({ cmd: Cmd.Probe })
  })

  const explainSettings = { ...EXPLAIN_DEFAULTS, counterfactuals: 0, igSteps: 0 }
  // `label`: the first progress label; the cancel is sent when it arrives, so it always lands
  // while the job still has a cancellation point ahead. No phase is cancelled after a wall-clock
  // delay: such a cancel races the job (its timer can only fire when the job yields, and lands
  // wherever the job happens to be then, or after its last check).
  const phases: {
    name: string
    req: () => RequestOf<ModelReq>
    label: RegExp
  }[] = [
    {
      name: 'load, while reading the model files',
      req: () => ({ ...loadReq, model: { kind: 'files', files: GOLDEN_MODEL.map(fileObject) } }),
      label: /^Loading model$/,
    },
    { name: 'backend measurement', req: () => ({ cmd: Cmd.Probe }), label: /^Measuring cpu$/ },
    {
      name: 'backend switch (re-predicting)',
      req: () => ({ cmd: Cmd.SetBackend, backend: 'cpu' }),
      label: /^Predicting on cpu$/,
    },
    {
      name: 'per-row explanation (SHAP)',
      req: () => ({ cmd: Cmd.Explain, rows: [5, 6], settings: explainSettings }),
      label: /^Explaining$/,
    },
    {
      name: 'per-row explanation (counterfactuals)',
      req: () => ({
        cmd: Cmd.Explain,
        rows: [5, 6, 7, 8, 9, 10],
        settings: { ...EXPLAIN_DEFAULTS, shap: false, igSteps: 0, counterfactuals: 4 },
      }),
      // A row's counterfactual search reports progress when it ends: the cancel comes after the
      // first of six rows, and the next row's search stops at its first model call.
      label: /^Explaining$/,
    },
    { name: 'global SHAP', req: () => globalShap(500, 9), label: /^SHAP for 500 rows$/ },
    {
      name: 'what-if SHAP',
      req: () => ({
        cmd: Cmd.WhatIf,
        values: [30, 3, 10, 2, 3, 0, 4, 1, 0, 0, 40, 38],
        settings: explainSettings,
      }),
      label: /^What-if SHAP$/,
    },
    { name: 'audit', req: () => ({ cmd: Cmd.Audit, settings: AUDIT_DEFAULTS }), label: /^Audit/ },
    // A comparison's first progress comes after the float32 latency; the cancel stops it before
    // the first variant is built.
    {
      name: 'compression comparison',
      req: () => ({ cmd: Cmd.Compress, ids: ['float16', 'int8'], options: {} }),
      label: /^Comparing variants$/,
    },
    {
      name: 'drift (predicting the current data)',
      req: () => ({ cmd: Cmd.Drift, table, dataName: 'current.csv', threshold: 0.5, seed: 1 }),
      label: /^Predicting current\.csv$/,
    },
  ]

  for (const ph of phases) {
    it(`${ph.name}: stops with AbortError and leaves the session and tensors as they were`, async () => {
      const session = host.current
      const tensors = await ok({ cmd: Cmd.Memory })
      const { final, labels } = await cancelled(ph.req())
      expect(labels[0]).toMatch(ph.label)
      expect(final).toMatchObject({ kind: 'error', errorKind: 'AbortError', message: 'cancelled' })
      expect(host.current).toBe(session)
      expect(await ok({ cmd: Cmd.Memory })).toBe(tensors)
    })
  }

  it('a job cancelled before it starts never runs, and the next one does', async () => {
    const { final, labels } = await cancelled(globalShap(50, 3), 0)
    expect(labels).toEqual([])
    expect(final).toMatchObject({ errorKind: 'AbortError' })
    const r = (await ok(globalShap(2, 3))) as ModelResults['globalShap']
    expect(r.rows).toHaveLength(2)
  })
})
