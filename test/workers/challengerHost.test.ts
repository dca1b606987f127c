/**
 * The model worker's challenger (src/workers/model/challenger.ts) on real ModelHosts in this
 * thread: an XGBoost JSON challenger of an ONNX MLP champion predicts what the same model predicts
 * as a champion of its own (another host), the comparison on every row and on a cohort is the
 * engine's on those predictions (disagreeing rows and McNemar's counts checked by brute force
 * here), a model against itself gives zero deltas and p-values 1, a bad challenger is refused
 * in one line while the champion's session stays as it was, and the views' switch swaps the two
 * sessions (runtimes included) without changing the comparison.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareModels } from '../../src/core/compare/compare.ts'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { tableColumn } from '../../src/core/table.ts'
import { classRequest } from '../../src/model/card.ts'
import { Cmd, type LoadResult } from '../../src/workers/protocol.ts'
import { HostWorker, type ModelClient, hostClient } from '../fixtures/inputs/hostWorker.ts'
import { MODELS_DIR } from '../session/fixtureSession.ts'

const table = parseCsvText(readFileSync(join(MODELS_DIR, 'data.csv'), 'utf8'), 'data.csv')
const schema = schemaParse(
  readFileSync(join(MODELS_DIR, 'mlp.schema.json'), 'utf8'),
  'mlp.schema.json',
)
const fileOf = (name: string) => ({
  kind: 'files' as const,
  files: [new File([readFileSync(join(MODELS_DIR, name))], name)],
})

/** A plain load of `name` with the MLP's schema on data.csv. */
const load = (client: ModelClient, name: string): Promise<LoadResult> =>
  client.request({
    cmd: Cmd.Load,
    model: fileOf(name),
    table,
    schema,
    cls: classRequest(null),
    dataName: 'data.csv',
    dataSha256: 'fixture-data',
    schemaName: 'mlp.schema.json',
  })

const compareReq = (rows: Int32Array | null) => ({
  cmd: 'compare' as const,
  rows,
  threshold: 0.5,
  seed: 3,
  B: 200,
  explain: null,
})

beforeAll(() => {
  HostWorker.backends = ['cpu', 'wasm']
})
afterAll(() => {
  HostWorker.backends = ['cpu']
})

describe('challengerLoad / compare', () => {
  it('compares an XGBoost challenger with an ONNX champion as the engine does on their predictions', async () => {
    const reference = await load(hostClient(), 'xgboost-binary.json')
    const client = hostClient()
    const champion = await load(client, 'mlp.onnx')
    const ch = await client.request({
      cmd: 'challengerLoad',
      model: fileOf('xgboost-binary.json'),
      cls: classRequest(null),
    })
    expect(ch.card.format).toBe('xgboost-json')
    expect(Array.from(ch.predictions)).toEqual(Array.from(reference.predictions))
    // The champion's session and runtime are untouched.
    const host = HostWorker.made[0]!.host
    expect(host.requireSession().model.card.format).toBe('onnx')
    expect(host.backends.runtime?.name).toBe('onnxruntime-web')

    const y = champion.labels!
    const pA = champion.predictions
    const pB = ch.predictions
    const got = await client.request(compareReq(null))
    const disagree: number[] = []
    let b = 0
    let c = 0
    for (let i = 0; i < pA.length; i++) {
      const dA = pA[i]! >= 0.5
      const dB = pB[i]! >= 0.5
      if (dA !== dB) disagree.push(i)
      if (dA === (y[i] === 1) && dB !== (y[i] === 1)) b++
      if (dB === (y[i] === 1) && dA !== (y[i] === 1)) c++
    }
    expect(Array.from(got.disagreementRows)).toEqual(disagree)
    expect(got.disagreements).toBe(disagree.length)
    expect(got.mcnemar).toMatchObject({ b, c })
    const sex = tableColumn(table, 'sex')!
    const race = tableColumn(table, 'race')!
    const engine = compareModels({
      champion: pA,
      challenger: pB,
      labels: y,
      groupings: { sex, race },
      threshold: 0.5,
      seed: 3,
      B: 200,
    })
    expect(got.metrics).toEqual(engine.metrics)
    expect(got.fairness).toEqual(engine.fairness)
    expect(got.calibration?.champion).toHaveLength(10)

    // A cohort: the even rows, compared as the engine compares their sub-arrays.
    const rows = Int32Array.from({ length: Math.ceil(pA.length / 2) }, (_, k) => 2 * k)
    const sub = await client.request(compareReq(rows))
    const pick = <T extends Float32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const out = make(rows.length)
      rows.forEach((r, k) => (out[k] = a[r]!))
      return out
    }
    const codes = (col: { codes: Int32Array; values: readonly string[] }) => ({
      codes: Int32Array.from(rows, (r) => col.codes[r]!),
      values: col.values,
    })
    const engineSub = compareModels({
      champion: pick(pA, (n) => new Float32Array(n)),
      challenger: pick(pB, (n) => new Float32Array(n)),
      labels: pick(y, (n) => new Uint8Array(n)),
      groupings: { sex: codes(sex), race: codes(race) },
      threshold: 0.5,
      seed: 3,
      B: 200,
    })
    expect(sub.metrics).toEqual(engineSub.metrics)
    expect(sub.rows).toBe(rows.length)
    expect(Array.from(sub.disagreementRows)).toEqual(disagree.filter((r) => r % 2 === 0))
  }, 120_000)

  it('gives zero deltas, p-values 1 and identical explanations for a model against itself', async () => {
    const client = hostClient()
    await load(client, 'xgboost-binary.json')
    await client.request({
      cmd: 'challengerLoad',
      model: fileOf('xgboost-binary.json'),
      cls: classRequest(null),
    })
    const settings = { background: { kind: 'first' as const, k: 10 }, budget: 4096 }
    const got = await client.request({
      ...compareReq(null),
      explain: { rows: 5, k: 5, settings: settings as never },
    })
    expect(got.disagreements).toBe(0)
    expect(got.agreement).toBe(1)
    for (const m of Object.values(got.metrics)) {
      expect(m.delta).toBe(0)
      if ('pValue' in m) expect(m.pValue).toBe(1)
    }
    expect(got.fairness['sex']!.demographicParityDifference.ci).toEqual([0, 0])
    expect(got.explanations).toMatchObject({ shapRankCorrelation: 1, topKOverlap: 1, rows: 5 })
    for (const f of got.featureImportance!) expect(f.challenger).toBe(f.champion)
  }, 120_000)

  it('refuses a challenger of another input in one line and keeps the champion and challenger', async () => {
    const client = hostClient()
    const champion = await load(client, 'mlp.onnx')
    await client.request({
      cmd: 'challengerLoad',
      model: fileOf('xgboost-binary.json'),
      cls: classRequest(null),
    })
    const host = HostWorker.made[0]!.host
    const before = host.requireSession()
    await expect(
      client.request({
        cmd: 'challengerLoad',
        model: fileOf('logreg-pipeline.onnx'),
        cls: classRequest(null),
      }),
    ).rejects.toThrow(/^logreg-pipeline\.onnx: the model has 12 inputs.*\[N, 88\]/)
    expect(host.requireSession()).toBe(before)
    expect(host.backends.runtime?.name).toBe('onnxruntime-web')
    const still = await client.request(compareReq(null))
    expect(still.rows).toBe(champion.predictions.length)
  }, 120_000)

  it('swaps the session and the challenger (runtime included) and keeps the roles of the comparison', async () => {
    const client = hostClient()
    const champion = await load(client, 'mlp.onnx')
    const ch = await client.request({
      cmd: 'challengerLoad',
      model: fileOf('xgboost-binary.json'),
      cls: classRequest(null),
    })
    const before = await client.request(compareReq(null))
    const shown = await client.request({ cmd: 'challengerSwap' })
    const host = HostWorker.made[0]!.host
    expect(shown.card.format).toBe('xgboost-json')
    expect(Array.from(shown.predictions)).toEqual(Array.from(ch.predictions))
    expect(host.requireSession().model.card.format).toBe('xgboost-json')
    expect(host.backends.runtime?.name).toBe('glassbox-trees')
    const during = await client.request(compareReq(null))
    expect(during.metrics).toEqual(before.metrics)
    const back = await client.request({ cmd: 'challengerSwap' })
    expect(Array.from(back.predictions)).toEqual(Array.from(champion.predictions))
    expect(host.backends.runtime?.name).toBe('onnxruntime-web')
    // A challenger loaded while the other model is shown makes the shown model the champion.
    await client.request({ cmd: 'challengerSwap' })
    await client.request({
      cmd: 'challengerLoad',
      model: fileOf('mlp.onnx'),
      cls: classRequest(null),
    })
    expect(host.requireSession().model.card.format).toBe('xgboost-json')
    const reversed = await client.request(compareReq(null))
    expect(reversed.metrics.accuracy.champion).toBe(before.metrics.accuracy.challenger)
  }, 120_000)

  it('asks for a challenger before comparing', async () => {
    const client = hostClient()
    await load(client, 'xgboost-binary.json')
    await expect(client.request(compareReq(null))).rejects.toThrow(/no challenger loaded/)
  }, 60_000)
})
