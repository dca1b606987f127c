// Property tests are seeded so that CI runs are reproducible; set FC_SEED to explore other seeds.
import fc from 'fast-check'

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) })

// Test files share module state (vitest.config.ts: isolate false), and onnxruntime-web's Node glue
// sets `global.Worker` (worker_threads') when it loads. Each file starts without one, as Node does,
// so that app code which uses a Web Worker where one exists (src/state/unpack.ts, statsWorker.ts)
// runs inline in Node whatever file ran before. ONNX sessions run single-threaded and need none.
delete (globalThis as { Worker?: unknown }).Worker
