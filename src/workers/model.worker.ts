/// <reference lib="webworker" />
// Thin entry: sets up the browser side of the model runtimes (tfjs: WebGPU backend, wasm file
// paths; onnxruntime-web: its builds as lazy imports and their served wasm URLs), gives the host its probe cache (IndexedDB) and device description, and hands every
// message to ModelHost (which Node tests drive directly). The debug commands (model/debug.ts:
// fault injection, device loss, tensor counts) are registered only in the e2e build
// (`vite build --mode e2e`); MODE is a build-time constant, so every other build leaves their
// module out. The pool's helper workers run this script.
import '../model/tfjs/browser.ts'
import '../model/onnx/browser.ts'
import { createStore, get, set } from 'idb-keyval'
import { deviceInfo } from './device.ts'
import { PROBE_DB, PROBE_STORE } from './probeCache.ts'
import { ModelHost } from './modelHost.ts'
import type { ModelReq, Res } from './protocol.ts'

const scope = self as unknown as DedicatedWorkerGlobalScope
// Probe results by device and model shape (probeCache.ts), in their own IndexedDB database.
const probes = createStore(PROBE_DB, PROBE_STORE)
const host = new ModelHost({
  backends: ['webgpu', 'webgl', 'wasm', 'cpu'],
  probeStore: { get: (k) => get(k, probes), set: (k, v) => set(k, v, probes) },
  deviceInfo,
})
const post = (res: Res, transfer?: Transferable[]) => scope.postMessage(res, transfer ?? [])
/** Settles once the debug commands are registered (e2e build); messages wait for it, in order. */
const ready: Promise<unknown> =
  import.meta.env.MODE === 'e2e'
    ? import('./model/debug.ts').then((m) => m.modelHostDebug(host))
    : Promise.resolve()
scope.onmessage = (ev: MessageEvent<ModelReq>) => {
  const req = ev.data
  void ready.then(() => host.handle(req, post))
}
