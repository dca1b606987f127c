/**
 * The ONNX runtime's browser setup, imported by the model worker entry: registers the two
 * onnxruntime-web builds it may load — `onnxruntime-web/wasm` (CPU, 14 MB of wasm) and
 * `onnxruntime-web/webgpu` (27 MB) — as lazy imports, with the URLs of the `.wasm` files the
 * build serves (Vite `?url` assets: never a CDN). Only the URLs are resolved here; a build's
 * code and wasm load when a model is first opened on its backend.
 */
import wasmCpu from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url'
import wasmWebgpu from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url'
import { onnxBuildsRegister } from './builds.ts'

onnxBuildsRegister({
  wasm: { load: () => import('onnxruntime-web/wasm'), wasmPaths: { wasm: wasmCpu } },
  webgpu: { load: () => import('onnxruntime-web/webgpu'), wasmPaths: { wasm: wasmWebgpu } },
})
