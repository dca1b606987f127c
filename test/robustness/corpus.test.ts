/**
 * Every case of the input corpus (test/fixtures/inputs/cases.json) through the loaders the app
 * uses, in Node: the CSV parser and the data worker's logic, schemaParse, model artifacts + tfjs
 * (cpu), and the model worker's transactional load. Rejections must name the problem and leave
 * the previous session (model, data, predictions, tensors) exactly as it was; a warning case must
 * load and give its warning (src/core/loadChecks.ts, the sentences the page shows).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { DataError } from '../../src/core/encode.ts'
import { loadWarnings } from '../../src/core/loadChecks.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { ModelError, modelArtifacts } from '../../src/model/artifacts.ts'
import { tfModelLoad } from '../../src/model/tfModel.ts'
import { Cmd } from '../../src/workers/protocol.ts'
import {
  GOLDEN,
  GOLDEN_SCHEMA,
  MAX_CSV_BYTES,
  SHARD,
  SizedFile,
  baseName,
  caseRoles,
  corpusCases,
  fileBuffer,
  fileBytes,
  fileObject,
  fileText,
} from '../fixtures/inputs/corpus.ts'
import { corpusRunner, workerParse } from '../fixtures/inputs/corpusRun.ts'

/** The error `fn` throws (sync or async); fails when it throws none. */
async function thrown(fn: () => unknown): Promise<Error> {
  try {
    await fn()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected an error, nothing was thrown')
}

const runner = corpusRunner()

beforeAll(async () => {
  await tf.setBackend('cpu')
  await runner.loadGolden()
})

describe('the input corpus', () => {
  it('has unique ids, an expected outcome per case and small committed files', () => {
    const ids = corpusCases.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const c of corpusCases) {
      if (c.kind === 'reject') expect(c.expected.message, c.id).toBeTruthy()
      if (c.kind === 'warn') expect(c.expected.warning, c.id).toBeTruthy()
      for (const f of c.files) expect(fileBuffer(f).byteLength, f).toBeLessThan(64 * 1024)
    }
    expect(corpusCases.filter((c) => c.kind === 'load').length).toBeGreaterThanOrEqual(10)
    expect(corpusCases.filter((c) => c.kind === 'reject').length).toBeGreaterThanOrEqual(25)
    expect(corpusCases.filter((c) => c.kind === 'warn')).toHaveLength(4)
  })
})

describe('CSV rejections: parseCsvText and the data worker give the same message', () => {
  for (const c of corpusCases.filter((x) => x.loader === 'csv' && !x.generated)) {
    it(`${c.id}: ${c.description}`, async () => {
      const file = c.files[0]!
      const w = await workerParse(fileObject(file))
      expect(w).toMatchObject({ kind: 'DataError' })
      const message = 'error' in w ? w.error : ''
      expect(message).toContain(c.expected.message)
      if (!c.workerOnly) {
        const e = await thrown(() => parseCsvText(fileText(file), baseName(file)))
        expect(e).toBeInstanceOf(DataError)
        expect(e.message).toBe(message)
      }
    })
  }

  it('reject-csv-oversize: a file over MAX_CSV_BYTES is refused before it is read; the limit itself passes', async () => {
    const c = corpusCases.find((x) => x.id === 'reject-csv-oversize')!
    expect(await workerParse(new SizedFile(MAX_CSV_BYTES + 1, 'huge.csv'))).toEqual({
      kind: 'DataError',
      error: c.expected.message,
    })
    const at = await workerParse(new SizedFile(MAX_CSV_BYTES, 'edge.csv'))
    expect('data' in at && at.data.table.nRows).toBe(1)
  })
})

describe('schema rejections (schemaParse)', () => {
  for (const c of corpusCases.filter((x) => x.loader === 'schema')) {
    it(`${c.id}: ${c.description}`, async () => {
      const f = c.files[0]!
      const e = await thrown(() => schemaParse(fileText(f), baseName(f)))
      expect(e).toBeInstanceOf(DataError)
      expect(e.message).toContain(c.expected.message)
    })
  }
})

describe('model rejections (modelArtifacts + tfModelLoad on tfjs-cpu)', () => {
  for (const c of corpusCases.filter((x) => x.loader === 'model')) {
    it(`${c.id}: ${c.description}`, async () => {
      const files = caseRoles(c).model
      const json = files.find((f) => f.endsWith('.json'))!
      const shards = new Map(
        files.filter((f) => f.endsWith('.bin')).map((f) => [baseName(f), fileBuffer(f)]),
      )
      const before = tf.memory().numTensors
      const e = await thrown(async () => {
        const lm = await tfModelLoad(
          modelArtifacts({ name: baseName(json), json: fileText(json) }, shards),
          baseName(json),
        )
        lm.model.dispose()
      })
      expect(e).toBeInstanceOf(ModelError)
      expect(e.message).toContain(c.expected.message)
      expect(tf.memory().numTensors).toBe(before)
    })
  }

  /** model.json + shard of a two-layer Dense model whose second layer cannot be built. */
  function broken(kind: 'activation' | 'shape'): { json: string; shard: ArrayBuffer } {
    const layers = [
      {
        class_name: 'Dense',
        config: { name: 'a', units: 3, activation: 'relu', batch_input_shape: [null, 4] },
      },
      {
        class_name: 'Dense',
        config: { name: 'b', units: 1, activation: kind === 'activation' ? 'nonsense' : 'sigmoid' },
      },
    ]
    const weights = [
      { name: 'a/kernel', shape: kind === 'shape' ? [3, 4] : [4, 3], dtype: 'float32' },
      { name: 'a/bias', shape: [3], dtype: 'float32' },
      { name: 'b/kernel', shape: [3, 1], dtype: 'float32' },
      { name: 'b/bias', shape: [1], dtype: 'float32' },
    ]
    const json = JSON.stringify({
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers } },
      weightsManifest: [{ paths: ['w.bin'], weights }],
    })
    return { json, shard: new Float32Array(12 + 3 + 3 + 1).fill(0.5).buffer }
  }

  for (const kind of ['activation', 'shape'] as const) {
    it(`a model build that fails half-way (${kind === 'activation' ? 'unknown activation in layer 2' : 'weight shape ≠ layer shape'}) leaks no tensor`, async () => {
      const { json, shard } = broken(kind)
      const before = tf.memory().numTensors
      await expect(
        tfModelLoad(
          modelArtifacts({ name: 'b.json', json }, new Map([['w.bin', shard]])),
          'b.json',
        ),
      ).rejects.toBeInstanceOf(ModelError)
      expect(tf.memory().numTensors).toBe(before)
      // And the golden session still answers.
      const r = await runner.send({ cmd: Cmd.Memory })
      expect(r.kind).toBe('result')
    })
  }
})

describe('the model worker: a rejection keeps the previous session and tensors; a load replaces it', () => {
  for (const c of corpusCases.filter(
    (x) => x.kind !== 'warn' && (x.loader === 'session' || x.loader === 'model'),
  )) {
    it(`${c.id}: ${c.description}`, async () => {
      await runner.runSessionCase(c)
    })
  }

  it('a model that predicts NaN on some rows (finite weights that overflow float32) is refused before the session is replaced', async () => {
    const session = runner.host.current
    const count = await runner.tensors()
    // dense_1/kernel row 0 (age) = 3e38: an all-zero probe row stays finite, but any row with a
    // positive standardised age overflows to +Infinity, and mixed-sign weights after it give NaN.
    const shard = fileBytes(`${GOLDEN}/${SHARD}`).slice()
    const view = new DataView(shard.buffer)
    for (let j = 0; j < 16; j++) view.setFloat32(4 * j, 3e38, true)
    const res = await runner.send({
      cmd: Cmd.Load,
      model: {
        kind: 'files',
        files: [fileObject(`${GOLDEN}/model.json`), new File([shard], SHARD)],
      },
      table: parseCsvText(fileText(`${GOLDEN}/data.csv`), 'data.csv'),
      schema: schemaParse(fileText(GOLDEN_SCHEMA), 'schema.json'),
      cls: { kind: 'auto' },
      dataName: 'data.csv',
      dataSha256: 'nan',
      schemaName: 'schema.json',
    })
    expect(res).toMatchObject({ kind: 'error', errorKind: 'ModelError' })
    expect(res.kind === 'error' && res.message).toMatch(
      /^model\.json outputs NaN for row \d+ of data\.csv and \d+ more rows: the model's output is not a number; check its weights and the scale of its inputs\.$/,
    )
    expect(runner.host.current).toBe(session)
    expect(await runner.tensors()).toBe(count)
  })
})

describe('warnings after a load (must-warn cases): the load goes through and the page warns', () => {
  for (const c of corpusCases.filter((x) => x.kind === 'warn')) {
    it(`${c.id}: ${c.description} → warns "${c.expected.warning}"`, async () => {
      const r = (await runner.runSessionCase(c))!
      const s = runner.host.current!
      const warnings = loadWarnings({ schema: s.schema, table: s.table, labels: r.labels })
      expect(
        warnings.some((w) => w.includes(c.expected.warning!)),
        warnings.join('\n'),
      ).toBe(true)
    })
  }

  it('the golden session gives no warning', async () => {
    const fresh = corpusRunner()
    await fresh.loadGolden()
    const s = fresh.host.current!
    expect(loadWarnings({ schema: s.schema, table: s.table, labels: s.labels })).toEqual([])
  })
})
