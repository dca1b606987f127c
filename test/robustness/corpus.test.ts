/**
 * Every case of the input corpus (test/fixtures/inputs/cases.json) through the loaders the app
 * uses, in Node: the CSV parser and the data worker's logic, schemaParse, model artifacts + tfjs
 * (cpu), and the model worker's transactional load. Rejections must name the problem and leave
 * the previous session (model, data, predictions, tensors) exactly as it was. Cases marked
 * `pending` need a src patch first and are tested in pending.test.ts instead.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { DataError } from '../../src/core/encode.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { ModelError, modelArtifacts } from '../../src/model/artifacts.ts'
import { tfModelLoad } from '../../src/model/tfModel.ts'
import {
  MAX_CSV_BYTES,
  SizedFile,
  baseName,
  caseRoles,
  corpusCases,
  fileBuffer,
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
const active = corpusCases.filter((c) => !c.pending)

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
    expect(corpusCases.filter((c) => c.kind === 'warn')).toHaveLength(5)
  })
})

describe('CSV rejections: parseCsvText and the data worker give the same message', () => {
  for (const c of active.filter((x) => x.loader === 'csv' && !x.generated)) {
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
  for (const c of active.filter((x) => x.loader === 'schema')) {
    it(`${c.id}: ${c.description}`, async () => {
      const f = c.files[0]!
      const e = await thrown(() => schemaParse(fileText(f), baseName(f)))
      expect(e).toBeInstanceOf(DataError)
      expect(e.message).toContain(c.expected.message)
    })
  }
})

describe('model rejections (modelArtifacts + tfModelLoad on tfjs-cpu)', () => {
  for (const c of active.filter((x) => x.loader === 'model')) {
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
})

describe('the model worker: a rejection keeps the previous session and tensors; a load replaces it', () => {
  for (const c of active.filter((x) => x.loader === 'session' || x.loader === 'model')) {
    it(`${c.id}: ${c.description}`, async () => {
      await runner.runSessionCase(c)
    })
  }
})

// Cases marked `pending` in cases.json (their behaviour came with a src patch) are checked in
// pending.test.ts, which runs them as ordinary tests now that every patch has landed.
