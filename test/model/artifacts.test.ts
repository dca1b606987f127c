import { readFileSync } from 'node:fs'
import type { io } from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import {
  ModelError,
  artifactsIsGraph,
  modelArtifacts,
  modelFetch,
  modelJsonParse,
  modelShardPaths,
  weightEntryBytes,
} from '../../src/model/artifacts.ts'

const url = (path: string) => new URL(`../../${path}`, import.meta.url)
const text = (path: string) => readFileSync(url(path), 'utf8')

/** A file's bytes as an ArrayBuffer of exactly its length (Node Buffers may share a pool). */
function bytes(path: string): ArrayBuffer {
  const b = readFileSync(url(path))
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
}

const GOLDEN = 'test/fixtures/golden/adult'
const SHARD = 'group1-shard1of1.bin'
const goldenJson = text(`${GOLDEN}/model.json`)
const goldenShard = bytes(`${GOLDEN}/${SHARD}`)

/** Runs `fn` and returns the ModelError it throws. */
function modelError(fn: () => unknown): ModelError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ModelError)
    return e as ModelError
  }
  throw new Error('expected a ModelError, nothing was thrown')
}

const entry = (dtype: string, shape: number[], quant?: string): io.WeightsManifestEntry =>
  ({
    name: 'w',
    shape,
    dtype,
    ...(quant ? { quantization: { dtype: quant, min: 0, scale: 1 } } : {}),
  }) as io.WeightsManifestEntry

describe('weightEntryBytes', () => {
  it('multiplies the element count by the stored dtype size', () => {
    expect(weightEntryBytes(entry('float32', [88, 16]))).toBe(5632)
    expect(weightEntryBytes(entry('int32', [3]))).toBe(12)
    expect(weightEntryBytes(entry('bool', [7]))).toBe(7)
    expect(weightEntryBytes(entry('float32', []))).toBe(4)
    expect(weightEntryBytes(entry('float32', [0, 5]))).toBe(0)
  })

  it('counts quantized entries at their quantized size', () => {
    expect(weightEntryBytes(entry('float32', [88, 16], 'uint8'))).toBe(1408)
    expect(weightEntryBytes(entry('float32', [88, 16], 'float16'))).toBe(2816)
    expect(weightEntryBytes(entry('float32', [10], 'uint16'))).toBe(20)
  })

  it('rejects an unsupported dtype, naming the weight', () => {
    expect(() => weightEntryBytes(entry('string', [2]))).toThrow(ModelError)
    expect(() => weightEntryBytes(entry('string', [2]))).toThrow(
      'weight "w" has unsupported dtype "string"',
    )
  })

  it('sums to the shard sizes of the quantized golden models', () => {
    for (const [q, size] of [
      ['uint8', 1569],
      ['float16', 3138],
    ] as const) {
      const m = modelJsonParse({
        name: 'model.json',
        json: text(`${GOLDEN}/quantized/${q}/model.json`),
      })
      const total = m.weightsManifest
        .flatMap((g) => g.weights)
        .reduce((a, w) => a + weightEntryBytes(w), 0)
      expect(total).toBe(size)
      expect(bytes(`${GOLDEN}/quantized/${q}/${SHARD}`).byteLength).toBe(size)
    }
  })
})

describe('modelJsonParse', () => {
  it('parses the golden model.json and lists its shard', () => {
    const m = modelJsonParse({ name: 'model.json', json: goldenJson })
    expect(m.format).toBe('layers-model')
    expect(modelShardPaths(m)).toEqual([SHARD])
    expect(m.weightsManifest[0]!.weights).toHaveLength(6)
  })

  it('rejects text that is not JSON, naming the file', () => {
    const e = modelError(() =>
      modelJsonParse({ name: 'page.json', json: text('e2e/fixtures/bad/not-json-model.json') }),
    )
    expect(e.message).toMatch(/^page\.json: not a valid model\.json — the file is not JSON \(/)
  })

  it('rejects JSON that is not an object', () => {
    for (const json of ['[1]', '3', 'null']) {
      expect(modelError(() => modelJsonParse({ name: 'm.json', json })).message).toBe(
        'm.json: not a TensorFlow.js model.json (expected a JSON object)',
      )
    }
  })

  it('recognises a dataset schema given in place of the model', () => {
    const e = modelError(() =>
      modelJsonParse({ name: 'schema.json', json: text(`${GOLDEN}/schema.json`) }),
    )
    expect(e.message).toBe('schema.json: this is a dataset schema, not a model.json')
  })

  it('rejects a model.json without modelTopology or weightsManifest', () => {
    const m = JSON.parse(goldenJson) as Record<string, unknown>
    const without = (key: string) => JSON.stringify({ ...m, [key]: undefined })
    expect(
      modelError(() => modelJsonParse({ name: 'a.json', json: without('modelTopology') })).message,
    ).toBe('a.json: not a TensorFlow.js model.json (no "modelTopology")')
    expect(
      modelError(() => modelJsonParse({ name: 'b.json', json: without('weightsManifest') }))
        .message,
    ).toBe('b.json: not a TensorFlow.js model.json (no "weightsManifest" array)')
  })

  it('rejects manifest groups without paths and entries without a dtype', () => {
    const m = JSON.parse(goldenJson) as { weightsManifest: Record<string, unknown>[] }
    const noPaths = { ...m, weightsManifest: [{ weights: m.weightsManifest[0]!.weights }] }
    expect(() => modelJsonParse({ name: 'c.json', json: JSON.stringify(noPaths) })).toThrow(
      'c.json: weightsManifest groups need "paths" and "weights" arrays',
    )
    const noDtype = {
      ...m,
      weightsManifest: [{ paths: [SHARD], weights: [{ name: 'k', shape: [1] }] }],
    }
    expect(() => modelJsonParse({ name: 'd.json', json: JSON.stringify(noDtype) })).toThrow(
      'd.json: a weightsManifest entry lacks name, shape or dtype',
    )
  })
})

describe('modelArtifacts', () => {
  it('assembles the golden model with its weights byte for byte', () => {
    const a = modelArtifacts(
      { name: 'model.json', json: goldenJson },
      new Map([[SHARD, goldenShard]]),
    )
    expect(a.format).toBe('layers-model')
    expect(a.weightSpecs).toHaveLength(6)
    expect(a.weightData).toBeInstanceOf(ArrayBuffer)
    expect(new Uint8Array(a.weightData as ArrayBuffer)).toEqual(new Uint8Array(goldenShard))
    expect(a.modelTopology).toEqual(
      (JSON.parse(goldenJson) as { modelTopology: unknown }).modelTopology,
    )
  })

  it('assembles the uint8 and float16 quantized models', () => {
    for (const q of ['uint8', 'float16']) {
      const dir = `${GOLDEN}/quantized/${q}`
      const shard = bytes(`${dir}/${SHARD}`)
      const a = modelArtifacts(
        { name: 'model.json', json: text(`${dir}/model.json`) },
        new Map([[SHARD, shard]]),
      )
      expect((a.weightData as ArrayBuffer).byteLength).toBe(shard.byteLength)
      expect(a.weightSpecs!.every((w) => w.quantization?.dtype === q)).toBe(true)
    }
  })

  it('finds shards by basename whatever directory the manifest names', () => {
    const m = JSON.parse(goldenJson) as { weightsManifest: { paths: string[] }[] }
    m.weightsManifest[0]!.paths = [`weights/sub/${SHARD}`]
    const a = modelArtifacts(
      { name: 'model.json', json: JSON.stringify(m) },
      new Map([[SHARD, goldenShard]]),
    )
    expect((a.weightData as ArrayBuffer).byteLength).toBe(6276)
  })

  it('concatenates a group split over several shards in manifest order', () => {
    const m = JSON.parse(goldenJson) as { weightsManifest: { paths: string[] }[] }
    m.weightsManifest[0]!.paths = ['part1.bin', 'part2.bin']
    const shards = new Map([
      ['part2.bin', goldenShard.slice(4000)],
      ['part1.bin', goldenShard.slice(0, 4000)],
    ])
    const a = modelArtifacts({ name: 'model.json', json: JSON.stringify(m) }, shards)
    expect(new Uint8Array(a.weightData as ArrayBuffer)).toEqual(new Uint8Array(goldenShard))
  })

  it('names the missing shard and the model.json that lists it', () => {
    const json = text('e2e/fixtures/bad/model-missing-shard/model.json')
    const e = modelError(() => modelArtifacts({ name: 'model.json', json }, new Map()))
    expect(e.message).toBe(
      `model.json lists weight file "${SHARD}", which was not provided (select it together with model.json)`,
    )
  })

  it('names a short shard with both byte counts', () => {
    const json = text('e2e/fixtures/bad/model-short-shard/model.json')
    const short = bytes(`e2e/fixtures/bad/model-short-shard/${SHARD}`)
    const e = modelError(() =>
      modelArtifacts({ name: 'model.json', json }, new Map([[SHARD, short]])),
    )
    expect(e.message).toBe(
      `weight file "${SHARD}": 3138 bytes, but model.json describes 6276 bytes of weights (truncated or wrong file)`,
    )
  })

  it('names a long shard with both byte counts', () => {
    const long = new Uint8Array(6280)
    long.set(new Uint8Array(goldenShard))
    const e = modelError(() =>
      modelArtifacts({ name: 'adult.json', json: goldenJson }, new Map([[SHARD, long.buffer]])),
    )
    expect(e.message).toBe(
      `weight file "${SHARD}": 6280 bytes, but adult.json describes 6276 bytes of weights (too long: wrong file?)`,
    )
  })

  it('names every shard of a group whose total is wrong', () => {
    const m = JSON.parse(goldenJson) as { weightsManifest: { paths: string[] }[] }
    m.weightsManifest[0]!.paths = ['a.bin', 'b.bin']
    const shards = new Map([
      ['a.bin', goldenShard.slice(0, 100)],
      ['b.bin', goldenShard.slice(0, 100)],
    ])
    expect(() => modelArtifacts({ name: 'm.json', json: JSON.stringify(m) }, shards)).toThrow(
      'weight files "a.bin", "b.bin": 200 bytes, but m.json describes 6276 bytes',
    )
  })
})

describe('artifactsIsGraph', () => {
  const graphJson = text('test/fixtures/graph-softmax/model.json')
  const graphShard = bytes(`test/fixtures/graph-softmax/${SHARD}`)

  it('tells the golden LayersModel from the softmax GraphModel', () => {
    const layers = modelArtifacts(
      { name: 'l.json', json: goldenJson },
      new Map([[SHARD, goldenShard]]),
    )
    const graph = modelArtifacts(
      { name: 'g.json', json: graphJson },
      new Map([[SHARD, graphShard]]),
    )
    expect(artifactsIsGraph(layers)).toBe(false)
    expect(artifactsIsGraph(graph)).toBe(true)
    expect(graph.signature).toBeDefined()
  })

  it('falls back to the topology shape when format is absent', () => {
    expect(artifactsIsGraph({ modelTopology: { node: [] } })).toBe(true)
    expect(artifactsIsGraph({ modelTopology: { class_name: 'Sequential' } })).toBe(false)
    expect(artifactsIsGraph({})).toBe(false)
  })
})

describe('modelFetch', () => {
  /** A fetch over an in-memory site; records every URL asked for. */
  function site(files: Record<string, string | ArrayBuffer>) {
    const asked: string[] = []
    const fetchFn = (async (input: RequestInfo | URL) => {
      const u = String(input)
      asked.push(u)
      const body = files[u]
      if (body === undefined) return new Response('no', { status: 404, statusText: 'Not Found' })
      return new Response(body)
    }) as typeof fetch
    return { asked, fetchFn }
  }

  it('fetches model.json and its shards relative to the model URL', async () => {
    const { asked, fetchFn } = site({
      'https://models.example/adult/v1/model.json': goldenJson,
      [`https://models.example/adult/v1/${SHARD}`]: goldenShard,
    })
    const a = await modelFetch('https://models.example/adult/v1/model.json', fetchFn)
    expect(asked).toEqual([
      'https://models.example/adult/v1/model.json',
      `https://models.example/adult/v1/${SHARD}`,
    ])
    expect(new Uint8Array(a.weightData as ArrayBuffer)).toEqual(new Uint8Array(goldenShard))
  })

  it('keeps the manifest path below the model directory', async () => {
    const m = JSON.parse(goldenJson) as { weightsManifest: { paths: string[] }[] }
    m.weightsManifest[0]!.paths = [`w/${SHARD}`]
    const { asked, fetchFn } = site({
      'https://h.example/m/model.json': JSON.stringify(m),
      [`https://h.example/m/w/${SHARD}`]: goldenShard,
    })
    await modelFetch('https://h.example/m/model.json', fetchFn)
    expect(asked[1]).toBe(`https://h.example/m/w/${SHARD}`)
  })

  it('reports the HTTP status of a missing model.json', async () => {
    const { fetchFn } = site({})
    await expect(modelFetch('https://h.example/gone/model.json', fetchFn)).rejects.toThrow(
      new ModelError('https://h.example/gone/model.json: HTTP 404 Not Found'),
    )
  })

  it('reports the HTTP status of a missing shard, naming its URL', async () => {
    const { fetchFn } = site({ 'https://h.example/m/model.json': goldenJson })
    const p = modelFetch('https://h.example/m/model.json', fetchFn)
    await expect(p).rejects.toBeInstanceOf(ModelError)
    await expect(p).rejects.toThrow(`https://h.example/m/${SHARD}: HTTP 404 Not Found`)
  })

  it('reports a server error status', async () => {
    const fetchFn = (async () =>
      new Response('', { status: 500, statusText: 'Internal Server Error' })) as typeof fetch
    await expect(modelFetch('https://h.example/model.json', fetchFn)).rejects.toThrow(
      'https://h.example/model.json: HTTP 500 Internal Server Error',
    )
  })

  it('reports a network failure, naming the URL', async () => {
    const fetchFn = (async () => {
      throw new TypeError('fetch failed')
    }) as typeof fetch
    await expect(modelFetch('https://h.example/model.json', fetchFn)).rejects.toThrow(
      new ModelError('https://h.example/model.json: could not be fetched (fetch failed)'),
    )
  })

  it('names the URL when the fetched model.json is not JSON', async () => {
    const { fetchFn } = site({ 'https://h.example/model.json': '<!doctype html>' })
    await expect(modelFetch('https://h.example/model.json', fetchFn)).rejects.toThrow(
      /^https:\/\/h\.example\/model\.json: not a valid model\.json/,
    )
  })

  it('checks the fetched shard sizes like local files', async () => {
    const { fetchFn } = site({
      'https://h.example/model.json': goldenJson,
      [`https://h.example/${SHARD}`]: goldenShard.slice(0, 10),
    })
    await expect(modelFetch('https://h.example/model.json', fetchFn)).rejects.toThrow(
      `weight file "${SHARD}": 10 bytes, but https://h.example/model.json describes 6276 bytes`,
    )
  })
})
