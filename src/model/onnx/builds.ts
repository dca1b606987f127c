/**
 * Which onnxruntime-web builds the ONNX runtime may load, per backend. Node needs nothing here:
 * the package's Node build finds its own wasm (session.ts). The browser's model worker registers
 * its builds once at start-up (src/model/onnx/browser.ts): each a lazy import of one
 * onnxruntime-web entry plus the URL its build serves that entry's .wasm from, so nothing of
 * onnxruntime is fetched until an ONNX model is opened, and only the build of the backend in use.
 */
import type { OnnxRuntimeOptions, OrtModule } from './session.ts'

/** One onnxruntime-web build: its module (imported on first use) and where its wasm is served. */
export type OnnxBuild = {
  load(): Promise<OrtModule>
  wasmPaths: NonNullable<OnnxRuntimeOptions['wasmPaths']>
}

/** The builds of a page: the CPU (wasm) build, and the WebGPU build where the page has one. */
export type OnnxBuilds = { wasm: OnnxBuild; webgpu?: OnnxBuild }

let registered: OnnxBuilds | null = null

/**
 * Registers the browser's builds (the model worker entry does, before any message).
 * @example onnxBuildsRegister({ wasm: { load: () => import('onnxruntime-web/wasm'), wasmPaths: { wasm: url } } })
 */
export function onnxBuildsRegister(builds: OnnxBuilds): void {
  registered = builds
}

/** The registered builds; null in Node (and in tests), where the package's Node build is used. */
export function onnxBuilds(): OnnxBuilds | null {
  return registered
}
