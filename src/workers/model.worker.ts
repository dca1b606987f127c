/// <reference lib="webworker" />
// Thin entry: registers tfjs backends, points wasm at the files the build serves, and hands every
// message to ModelHost (which Node tests drive directly).
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
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
const host = new ModelHost({ backends: ['webgpu', 'webgl', 'wasm', 'cpu'] })
scope.onmessage = (ev: MessageEvent<ModelReq>) => {
  void host.handle(ev.data, (res: Res, transfer?: Transferable[]) =>
    scope.postMessage(res, transfer ?? []),
  )
}
