import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { encodeTable } from '../../src/core/encode.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { modelArtifacts } from '../../src/model/artifacts.ts'
import { outputColumn } from '../../src/model/card.ts'
import {
  COMPRESSION_DEFAULTS,
  compressionOf,
  compressionRun,
  sensitiveGroups,
} from '../../src/model/compression.ts'
import { tfjsLoadedModel } from '../../src/model/tfjs/runtime.ts'
import { tfModelLoad, tfPredictFn } from '../../src/model/tfModel.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const G = 'test/fixtures/golden/adult'
const ref = JSON.parse(readFileSync(url(`${G}/reference.json`), 'utf8'))
const schema = schemaParse(readFileSync(url(`${G}/schema.json`), 'utf8'))
const table = parseCsvText(readFileSync(url(`${G}/data.csv`), 'utf8'))
const enc = encodeTable(schema, table)

/** The model in `dir` behind the runtime seam. */
async function load(dir: string) {
  const json = readFileSync(url(`${dir}/model.json`), 'utf8')
  const b = readFileSync(url(`${dir}/group1-shard1of1.bin`))
  const lm = await tfModelLoad(
    modelArtifacts(
      { name: 'model.json', json },
      new Map([
        [
          'group1-shard1of1.bin',
          b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
        ],
      ]),
    ),
    dir,
  )
  return tfjsLoadedModel(lm)
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('compressionRun', () => {
  it('compares variants with float32 like the golden reference and keeps tensors flat', async () => {
    const lm = await load(G)
    const before = tf.memory().numTensors
    const r = await compressionRun(
      lm,
      { schema, x: enc.x, labels: enc.labels, groups: sensitiveGroups(schema, table) },
      {
        ...COMPRESSION_DEFAULTS,
        ids: ['uint8', 'float16', 'int8act'],
        column: outputColumn(0),
        shapRows: 10,
        latencyRepeats: 1,
      },
    )
    expect(tf.memory().numTensors).toBe(before)
    const u8 = r.variants.find((v) => v.id === 'uint8')!
    expect(u8.comparison.agreement).toBe(ref.quantization.uint8.agreement)
    expect(Math.abs(u8.comparison.maxAbsDiff - ref.quantization.uint8.maxAbsDiff)).toBeLessThan(
      1e-6,
    )
    for (let i = 0; i < 2000; i++)
      expect(Math.abs(u8.predictions[i]! - ref.quantization.uint8.predictions[i])).toBeLessThan(
        1e-6,
      )
    expect(u8.bytes).toBe(1617)
    expect(u8.storage).toMatch(/native tfjs uint8/)
    expect(r.baseBytes).toBe(6276)
    expect(r.variants.find((v) => v.id === 'float16')!.comparison.agreement).toBe(1)
    expect(r.variants.find((v) => v.id === 'int8act')!.comparison.agreement).toBeGreaterThan(0.95)
    expect(Object.keys(u8.comparison.fairness)).toEqual(['sex', 'race'])
    expect(u8.comparison.shapRankCorrelation).toBeGreaterThan(0.9)
    lm.dispose()
  })

  it('skips int8act for a GraphModel with the reason', async () => {
    const lm = await load('test/fixtures/graph-softmax')
    const r = await compressionRun(
      lm,
      { schema, x: enc.x, labels: enc.labels, groups: {} },
      {
        ...COMPRESSION_DEFAULTS,
        ids: ['int8act'],
        column: outputColumn(1),
        shapRows: 2,
        latencyRepeats: 1,
      },
    )
    expect(r.variants).toHaveLength(0)
    expect(r.skipped.int8act).toMatch(/int8act needs a Dense LayersModel/)
    lm.dispose()
  })

  it('exports a variant that loads back and predicts as compared', async () => {
    const lm = await load(G)
    const files = compressionOf(lm).exportFiles('uint8', 'adult-uint8')
    const art = modelArtifacts(
      { name: 'adult-uint8.json', json: files.modelJson },
      new Map([
        [
          'adult-uint8.bin',
          files.bin.buffer.slice(
            files.bin.byteOffset,
            files.bin.byteOffset + files.bin.byteLength,
          ) as ArrayBuffer,
        ],
      ]),
    )
    const back = await tfModelLoad(art, 'back')
    expect(back.info.weightDtypes).toContain('uint8')
    const p = await tfPredictFn(back, 0)(enc.x)
    for (let i = 0; i < 2000; i += 7)
      expect(Math.abs(p[i]! - ref.quantization.uint8.predictions[i])).toBeLessThan(1e-6)
    back.model.dispose()
    lm.dispose()
  })
})
