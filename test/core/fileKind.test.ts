import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import {
  DATA_ACCEPT,
  FILE_HEAD_BYTES,
  type FileKind,
  fileKind,
  filesSort,
  isDataFileName,
  onnxHeadLooksValid,
} from '../../src/core/fileKind.ts'

const root = join(import.meta.dirname, '../..')
/** The first FILE_HEAD_BYTES of a repository file, as a picker's slice would give them. */
const head = (rel: string): Uint8Array =>
  new Uint8Array(readFileSync(join(root, rel))).subarray(0, FILE_HEAD_BYTES)
const text = (s: string) => new TextEncoder().encode(s)
const GOLDEN = 'test/fixtures/golden/adult'
/** Made by scripts/make-filekind-fixtures.py with onnx, torch and xgboost themselves. */
const MADE = 'test/fixtures/filekind'

describe('fileKind', () => {
  it('recognises the golden fixture: tfjs model.json, weight shard, schema and CSV', () => {
    expect(fileKind('model.json', head(`${GOLDEN}/model.json`))).toEqual({
      role: 'model',
      format: 'tfjs',
    })
    expect(fileKind('group1-shard1of1.bin', head(`${GOLDEN}/group1-shard1of1.bin`))).toEqual({
      role: 'weights',
    })
    expect(fileKind('schema.json', head(`${GOLDEN}/schema.json`))).toEqual({ role: 'schema' })
    expect(fileKind('data.csv', head(`${GOLDEN}/data.csv`))).toEqual({ role: 'data' })
  })

  it('recognises a tfjs GraphModel and a name in capitals', () => {
    expect(fileKind('MODEL.JSON', head('e2e/fixtures/graph-softmax/model.json'))).toEqual({
      role: 'model',
      format: 'tfjs',
    })
    expect(fileKind('Weights.BIN', text('anything'))).toEqual({ role: 'weights' })
  })

  it('recognises ONNX files written by onnx.helper and torch.onnx.export, by name and by content', () => {
    for (const f of ['helper.onnx', 'torch.onnx']) {
      const bytes = head(`${MADE}/${f}`)
      expect(fileKind(f, bytes)).toEqual({ role: 'model', format: 'onnx' })
      expect(fileKind('model', bytes)).toEqual({ role: 'model', format: 'onnx' })
      expect(fileKind('download.dat', bytes)).toEqual({ role: 'model', format: 'onnx' })
      expect(onnxHeadLooksValid(bytes)).toBe(true)
    }
    // A damaged file named .onnx still goes to the model loader, which names the problem.
    expect(fileKind('broken.onnx', text('not a protobuf'))).toEqual({
      role: 'model',
      format: 'onnx',
    })
  })

  it('recognises XGBoost JSON (Booster.save_model) by its top-level "learner"', () => {
    expect(fileKind('model.json', head(`${MADE}/xgboost.json`))).toEqual({
      role: 'model',
      format: 'xgboost-json',
    })
  })

  it('sends a JSON that is no known model or schema to the model loader (format null)', () => {
    expect(fileKind('not-json-model.json', head('e2e/fixtures/bad/not-json-model.json'))).toEqual({
      role: 'model',
      format: null,
    })
    expect(fileKind('x.json', text('{"a": 1}'))).toEqual({ role: 'model', format: null })
    // A feature *named* learner is a value, not the key.
    expect(fileKind('x.json', text('{"features":[{"name":"learner"}]}'))).toEqual({
      role: 'model',
      format: null,
    })
  })

  it('a model.json that also mentions schemaVersion is the model', () => {
    expect(
      fileKind(
        'model.json',
        text('{"modelTopology": {}, "userDefinedMetadata": {"schemaVersion": 1}}'),
      ),
    ).toEqual({ role: 'model', format: 'tfjs' })
  })

  it('recognises a session bundle (a zip made by fflate) whatever its name', () => {
    const zip = zipSync({ 'manifest.json': text('{}') })
    expect(fileKind('adult.glassbox.zip', zip)).toEqual({ role: 'session' })
    expect(fileKind('download', zip)).toEqual({ role: 'session' })
  })

  it('never throws, and names ending in .bin are always weights', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 64 }), (name, bytes) => {
        const k = fileKind(name, bytes)
        expect(['model', 'weights', 'schema', 'session', 'data']).toContain(k.role)
        expect(fileKind(`${name}.bin`, bytes)).toEqual({ role: 'weights' })
      }),
    )
  })

  it('a text file that is not named .json, .bin or .onnx is data', () => {
    const printable = fc.string({
      unit: fc.constantFrom(...'abc,;\t\n\r"=0123456789.- '.split('')),
    })
    fc.assert(
      fc.property(fc.constantFrom('data.csv', 'x.tsv', 'rows.txt', 'export'), printable, (n, s) => {
        expect(fileKind(n, text(s))).toEqual({ role: 'data' })
      }),
    )
  })
})

describe('Parquet data', () => {
  const PARQUET = 'test/fixtures/parquet'
  it('a Parquet file is data, whatever it is named', () => {
    for (const f of ['adult-snappy', 'adult-zstd', 'adult-plain', 'types', 'nested-list']) {
      const h = head(`${PARQUET}/${f}.parquet`)
      expect(new TextDecoder().decode(h.subarray(0, 4))).toBe('PAR1')
      for (const name of [`${f}.parquet`, `${f}.PARQUET`, 'export', 'rows.csv'])
        expect(fileKind(name, h)).toEqual({ role: 'data' })
    }
  })

  it('goes with a model and schema as their data', () => {
    const names = ['model.json', 'group1-shard1of1.bin', 'adult-snappy.parquet', 'schema.json']
    const heads = [
      head(`${GOLDEN}/model.json`),
      head(`${GOLDEN}/group1-shard1of1.bin`),
      head(`${PARQUET}/adult-snappy.parquet`),
      head(`${GOLDEN}/schema.json`),
    ]
    expect(
      filesSort(
        names,
        names.map((n, i) => fileKind(n, heads[i]!)),
      ),
    ).toEqual({
      model: ['model.json', 'group1-shard1of1.bin'],
      schema: 'schema.json',
      data: 'adult-snappy.parquet',
    })
  })

  it('data file names and the pickers accept Parquet beside CSV', () => {
    for (const n of ['a.csv', 'B.TSV', 'c.txt', 'd.parquet', 'E.Parquet'])
      expect(isDataFileName(n)).toBe(true)
    for (const n of ['model.json', 'x.bin', 'bundle.zip', 'parquet', 'a.parquet.json', 'csv'])
      expect(isDataFileName(n)).toBe(false)
    expect(DATA_ACCEPT.split(',')).toEqual(
      expect.arrayContaining(['.csv', '.tsv', '.txt', '.parquet']),
    )
  })
})

describe('filesSort', () => {
  const kinds: Record<string, FileKind> = {
    'model.json': { role: 'model', format: 'tfjs' },
    'a.bin': { role: 'weights' },
    'b.bin': { role: 'weights' },
    'schema.json': { role: 'schema' },
    'data.csv': { role: 'data' },
    'bundle.zip': { role: 'session' },
  }
  const sort = (names: string[]) =>
    filesSort(
      names,
      names.map((n) => kinds[n]!),
    )

  it('puts model files and shards together in the order given, and the schema and data apart', () => {
    expect(sort(['b.bin', 'data.csv', 'model.json', 'schema.json', 'a.bin'])).toEqual({
      model: ['b.bin', 'model.json', 'a.bin'],
      schema: 'schema.json',
      data: 'data.csv',
    })
  })

  it('gives nothing for nothing, and a session bundle among other files is the data', () => {
    expect(sort([])).toEqual({ model: [], schema: null, data: null })
    expect(sort(['model.json', 'bundle.zip'])).toEqual({
      model: ['model.json'],
      schema: null,
      data: 'bundle.zip',
    })
  })

  it('keeps every model file and the last schema and data', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...Object.keys(kinds))), (names) => {
        const s = sort(names)
        expect(s.model).toEqual(names.filter((n) => n.endsWith('.bin') || n === 'model.json'))
        const last = (f: (n: string) => boolean) => names.filter(f).at(-1) ?? null
        expect(s.schema).toBe(last((n) => n === 'schema.json'))
        expect(s.data).toBe(last((n) => n === 'data.csv' || n === 'bundle.zip'))
      }),
    )
  })

  it('refuses kinds that do not match the files', () => {
    expect(() => filesSort(['a'], [])).toThrow('1 files but 0 kinds')
  })
})
