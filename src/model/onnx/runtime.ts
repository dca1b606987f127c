/**
 * onnxruntime-web as a model runtime (src/model/runtime.ts): ONNX files opened for a schema
 * (which inputs the features fill: the model is schema-bound) on the active backend — `wasm`
 * everywhere, `webgpu` where the page registered the WebGPU build and the browser has an
 * adapter. Loaded by the registry only when an ONNX model is opened; onnxruntime itself is
 * imported even later, by the first session (Node: the package's own build; the browser: the
 * build of the backend, builds.ts).
 */
import { sha256Hex } from '../../core/hash.ts'
import type { Schema } from '../../core/schema.ts'
import type { BackendName } from '../card.ts'
import { ModelError } from '../errors.ts'
import { onnxEntry } from '../registry.ts'
import type { LoadedModel, ModelRuntime, ModelSource } from '../runtime.ts'
import { onnxBuilds } from './builds.ts'
import { onnxLoadedModel, onnxModelCard, onnxOutputWidth } from './loaded.ts'
import { onnxOpen } from './open.ts'
import type { OnnxRuntimeOptions } from './session.ts'

/** The backend sessions open on, and the WebGPU device when that is it. */
let active: BackendName = 'wasm'
let device: GPUDevice | null = null
/** Sessions open now (memory(): leak checks). */
let live = 0
/** onnxruntime modules that were given `device`. */
const deviceGiven = new WeakSet<object>()

/** The onnxruntime-web build and execution providers of the active backend. */
async function runtimeOptions(): Promise<OnnxRuntimeOptions> {
  const builds = onnxBuilds()
  if (active === 'webgpu') {
    const b = builds?.webgpu
    if (!b) throw new Error('no WebGPU build of onnxruntime-web in this worker')
    return { ort: await b.load(), wasmPaths: b.wasmPaths, executionProviders: ['webgpu', 'wasm'] }
  }
  if (!builds) return { executionProviders: ['wasm'] }
  return { ort: await builds.wasm.load(), wasmPaths: builds.wasm.wasmPaths }
}

/** A WebGPU device for onnxruntime's WebGPU provider (the host watches it for loss). */
async function webgpuDevice(): Promise<GPUDevice> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu
  if (!gpu) throw new Error('WebGPU is not available here (no navigator.gpu)')
  const adapter = await gpu.requestAdapter()
  if (!adapter) throw new Error('WebGPU found no adapter')
  const d = await adapter.requestDevice()
  // A lost device is not reused: the next activation asks for a new one.
  void d.lost.then(() => {
    if (device === d) device = null
  })
  return d
}

/**
 * Opens an ONNX source for `schema` on the active backend.
 * @throws ModelError naming the file: no schema, or any refusal of onnxOpen (output, inputs,
 *   operators onnxruntime-web lacks, a truncated or non-ONNX file).
 */
async function open(source: ModelSource, schema?: Schema): Promise<LoadedModel> {
  if (source.runtime !== 'onnxruntime-web')
    throw new ModelError(`${source.name}: not an ONNX model source`)
  if (!schema)
    throw new ModelError(
      `${source.name}: an ONNX model is opened for a dataset schema (which input each feature fills); load the schema first`,
    )
  const options = await runtimeOptions()
  if (active === 'webgpu' && device && options.ort && !deviceGiven.has(options.ort.env)) {
    // onnxruntime takes the device once, before its first WebGPU session.
    options.ort.env.webgpu.device = device
    deviceGiven.add(options.ort.env)
  }
  const m = await onnxOpen(source.bytes, source.name, schema, options)
  try {
    const width = await onnxOutputWidth(m)
    const card = onnxModelCard(
      m,
      source.name,
      source.bytes.byteLength,
      await sha256Hex(source.bytes),
      width,
    )
    const model = onnxLoadedModel(m, source, card, options)
    live++
    const dispose = model.dispose
    return {
      ...model,
      dispose: () => {
        live--
        dispose()
      },
    }
  } catch (e) {
    void m.session.dispose()
    throw e
  }
}

/** The onnxruntime-web runtime (see the module doc). */
export const onnxRuntime: ModelRuntime = {
  name: onnxEntry.name,
  backends: onnxEntry.backends,
  schemaBound: true,
  sourceFromFiles: (files) =>
    Promise.resolve({ runtime: 'onnxruntime-web', name: files.name, bytes: files.main }),
  backendActivate: async (name) => {
    if (name === 'wasm') {
      await runtimeOptions().then(() => (active = 'wasm'))
      return
    }
    if (name !== 'webgpu') throw new Error(`onnxruntime-web has no ${name} backend`)
    if (!onnxBuilds()?.webgpu) throw new Error('no WebGPU build of onnxruntime-web here')
    device ??= await webgpuDevice()
    active = 'webgpu'
    await runtimeOptions()
  },
  gpuDevice: () => (active === 'webgpu' ? device : null),
  open,
  memory: () => live,
}
