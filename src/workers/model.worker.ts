/// <reference lib="webworker" />
// Thin entry: registers tfjs backends, points wasm at the files the build serves, gives the host
// its probe cache (IndexedDB) and device description, and hands every message to ModelHost
// (which Node tests drive directly). The pool's helper workers run this same script.
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import { createStore, get, set } from 'idb-keyval'
import { deviceInfo } from './device.ts'
import { ModelHost } from './modelHost.ts'
import type { ModelReq, Res } from './protocol.ts'

// The threaded wasm build hangs after minification (docs/architecture.md); SIMD is as fast here.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
})

const scope = self as unknown as DedicatedWorkerGlobalScope
// Probe results by device and model shape (probeCache.ts), in their own IndexedDB database.
const probes = createStore('glassbox-probe', 'probes')
const host = new ModelHost({
  backends: ['webgpu', 'webgl', 'wasm', 'cpu'],
  probeStore: { get: (k) => get(k, probes), set: (k, v) => set(k, v, probes) },
  deviceInfo,
})
scope.onmessage = (ev: MessageEvent<ModelReq>) => {
  void host.handle(ev.data, (res: Res, transfer?: Transferable[]) =>
    scope.postMessage(res, transfer ?? []),
  )
}
