import { describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { ModelHost } from '../../src/workers/modelHost.ts'
import { modelShape } from '../../src/model/tfjs/shape.ts'
import {
  type DeviceInfo,
  probeCacheKey,
  probeRecordParse,
  type ProbeRecord,
  type ProbeStore,
} from '../../src/workers/probeCache.ts'
import { Cmd, type ModelReq, type ProbeResult, type Res } from '../../src/workers/protocol.ts'
import type { BackendName } from '../../src/workers/protocol.ts'
import {
  GOLDEN,
  GOLDEN_MODEL,
  GOLDEN_SCHEMA,
  SHARD,
  fileObject,
  fileText,
} from '../fixtures/inputs/corpus.ts'

const device: DeviceInfo = {
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140',
  cores: 2,
  webgpu: 'google|swiftshader||SwiftShader Device|fallback',
  webgl: 'Google Inc.|ANGLE (SwiftShader)',
}

const denseTopology = (units: number, activation = 'relu') => ({
  class_name: 'Sequential',
  model_config: {
    class_name: 'Sequential',
    config: {
      name: 'm',
      layers: [
        { class_name: 'Dense', config: { units, activation, batch_input_shape: [null, 10] } },
        { class_name: 'Dense', config: { units: 1, activation: 'sigmoid' } },
      ],
    },
  },
})
const info = {
  format: 'layers-model',
  inputWidth: 10,
  outputWidth: 1,
  parameters: 193,
  weightDtypes: ['float32'],
}

describe('probeCacheKey', () => {
  it('is the same for the same device and model shape, weights aside', () => {
    const k1 = probeCacheKey(device, modelShape(denseTopology(16), info))
    const k2 = probeCacheKey({ ...device }, modelShape(denseTopology(16), { ...info }))
    expect(k1).toBe(k2)
  })

  it('changes with every part of the device and of the shape', () => {
    const k = probeCacheKey(device, modelShape(denseTopology(16), info))
    const others = [
      probeCacheKey({ ...device, userAgent: 'Firefox' }, modelShape(denseTopology(16), info)),
      probeCacheKey({ ...device, cores: 8 }, modelShape(denseTopology(16), info)),
      probeCacheKey({ ...device, webgpu: 'none' }, modelShape(denseTopology(16), info)),
      probeCacheKey(
        { ...device, webgpu: 'google|swiftshader||SwiftShader Device|hardware' },
        modelShape(denseTopology(16), info),
      ),
      probeCacheKey({ ...device, webgl: 'NVIDIA|RTX' }, modelShape(denseTopology(16), info)),
      probeCacheKey(device, modelShape(denseTopology(32), info)),
      probeCacheKey(device, modelShape(denseTopology(16, 'tanh'), info)),
      probeCacheKey(device, modelShape(denseTopology(16), { ...info, inputWidth: 11 })),
      probeCacheKey(device, modelShape(denseTopology(16), { ...info, outputWidth: 2 })),
      probeCacheKey(device, modelShape(denseTopology(16), { ...info, format: 'graph-model' })),
      probeCacheKey(
        device,
        modelShape(denseTopology(16), { ...info, weightDtypes: ['float32', 'uint8'] }),
      ),
    ]
    expect(new Set([k, ...others]).size).toBe(others.length + 1)
  })

  it('reads graph models as their compute ops', () => {
    const topo = {
      node: [
        { op: 'Placeholder' },
        { op: 'Const' },
        { op: 'MatMul' },
        { op: 'Relu' },
        { op: 'Identity' },
      ],
    }
    expect(modelShape(topo, { ...info, format: 'graph-model' }).layers).toEqual(['MatMul', 'Relu'])
    expect(modelShape(denseTopology(16), info).layers).toEqual([
      'Dense units=16 activation="relu" batch_input_shape=[null,10]',
      'Dense units=1 activation="sigmoid"',
    ])
  })
})

describe('probeRecordParse', () => {
  const good: ProbeRecord = {
    version: 1,
    at: 1700000000000,
    active: 'wasm',
    backends: [
      { name: 'wasm', available: true, rowsPerSec: 2e6, error: null, detail: null },
      { name: 'webgpu', available: false, rowsPerSec: null, error: 'no adapter', detail: null },
    ],
  }
  it('accepts a well-formed record and refuses anything else', () => {
    expect(probeRecordParse(structuredClone(good))).toEqual(good)
    for (const bad of [
      undefined,
      null,
      'x',
      { ...good, version: 2 },
      { ...good, active: 'tpu' },
      { ...good, active: 'webgpu' }, // the active backend must have been measured
      { ...good, backends: [{ ...good.backends[0], rowsPerSec: -1 }] },
      { ...good, backends: [{ ...good.backends[0], name: 'gpu' }] },
      { ...good, at: 'yesterday' },
    ])
      expect(probeRecordParse(bad)).toBeNull()
  })
})

/** A ModelHost with a probe store in memory, loaded with the golden model. */
async function probedHost(store: Map<string, unknown>, backends: BackendName[] = ['cpu']) {
  const probeStore: ProbeStore = {
    get: (k) => Promise.resolve(store.get(k)),
    set: (k, v) => {
      store.set(k, structuredClone(v))
      return Promise.resolve()
    },
  }
  const host = new ModelHost({ backends, probeStore, deviceInfo: () => Promise.resolve(device) })
  let id = 1
  const send = async (req: object): Promise<Res> => {
    const posts: Res[] = []
    const my = id++
    await host.handle({ ...req, id: my } as ModelReq, (r) => void posts.push(r))
    return posts.filter((p) => p.kind === 'result' || p.kind === 'error').at(-1)!
  }
  const loaded = await send({
    cmd: Cmd.Load,
    model: { kind: 'files', files: [`${GOLDEN}/model.json`, `${GOLDEN}/${SHARD}`].map(fileObject) },
    table: parseCsvText(fileText(`${GOLDEN}/data.csv`), 'data.csv'),
    schema: schemaParse(fileText(GOLDEN_SCHEMA), 'schema.json'),
    cls: { kind: 'auto' },
    dataName: 'data.csv',
    dataSha256: 'golden',
    schemaName: 'schema.json',
  })
  expect(loaded.kind).toBe('result')
  const probe = async (force?: boolean) => {
    const r = await send({ cmd: Cmd.Probe, ...(force ? { force } : {}) })
    if (r.kind !== 'result') throw new Error(JSON.stringify(r))
    return r.result as ProbeResult
  }
  return { host, probe }
}

describe('ModelHost probe cache', () => {
  it('measures once, then a fresh worker reuses the measurement until asked to re-measure', async () => {
    expect(GOLDEN_MODEL).toHaveLength(2)
    const store = new Map<string, unknown>()
    const first = await (await probedHost(store)).probe()
    expect(first.measured).toBe(true)
    expect(first.cacheNote).toBeNull()
    expect(store.size).toBe(1)
    const rate = first.backends.find((b) => b.name === 'cpu')!.rowsPerSec
    expect(rate).toBeGreaterThan(0)

    const second = await (await probedHost(store)).probe()
    expect(second.measured).toBe(false)
    expect(second.measuredAt).toBe(first.measuredAt)
    expect(second.active).toBe('cpu')
    expect(second.backends.find((b) => b.name === 'cpu')!.rowsPerSec).toBe(rate)
    expect(second.predictions.length).toBe(first.predictions.length)

    const again = await (await probedHost(store)).probe(true)
    expect(again.measured).toBe(true)
    expect(again.measuredAt).toBeGreaterThanOrEqual(first.measuredAt)
    expect(store.size).toBe(1)
  })

  it('measures again when the cached backend does not initialise, and says so', async () => {
    const store = new Map<string, unknown>()
    await (await probedHost(store, ['cpu', 'webgl'])).probe()
    const [key, rec] = [...store.entries()][0]!
    // The cache claims WebGL won; in Node it cannot start.
    const r = rec as ProbeRecord
    store.set(key, {
      ...r,
      active: 'webgl',
      backends: r.backends.map((b) =>
        b.name === 'webgl' ? { ...b, available: true, rowsPerSec: 1e9, error: null } : b,
      ),
    })
    const res = await (await probedHost(store, ['cpu', 'webgl'])).probe()
    expect(res.measured).toBe(true)
    expect(res.active).toBe('cpu')
    expect(res.cacheNote).toMatch(
      /^the cached choice webgl did not initialise \(.+\), so the backends were measured again$/,
    )
    expect((store.get(key) as ProbeRecord).active).toBe('cpu')
  })
})
