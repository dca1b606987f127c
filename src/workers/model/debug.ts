/**
 * Debug and fault commands of the model worker, for end-to-end tests and benchmarks only: the
 * worker entry registers them in the e2e build (or when the page's test API asks in its init),
 * Node tests register them directly — a production page cannot reach them.
 * - `loseDevice`: destroys the WebGPU device, as a device loss would (runs at once, like one);
 * - `memory`: live tensors of the runtime (leak checks);
 * - `fault`: model calls above N rows fail with an out-of-memory error;
 * - `benchPredict`: one batched predict of the session's model inputs tiled to N rows.
 */
import { matrix } from '../../core/types.ts'
import { modelFaults } from '../../model/faults.ts'
import type { Handler, HandlerTable, ModelHost } from '../modelHost.ts'

const loseDevice: Handler<'loseDevice'> = async (host) => {
  const runtime = host.backends.runtime ?? (await host.backends.use())
  const dev = runtime.gpuDevice()
  if (host.backends.active !== 'webgpu' || !dev) throw new Error('the active backend is not WebGPU')
  dev.destroy()
  return { result: true }
}

const memory: Handler<'memory'> = async (host) => {
  const runtime = host.backends.runtime ?? (await host.backends.use())
  return { result: runtime.memory() ?? 0 }
}

const fault: Handler<'fault'> = (_host, req) => {
  modelFaults.oomAboveRows = req.oomAboveRows
  return Promise.resolve({ result: true })
}

/**
 * Benchmark floor of an explanation job: tiles the session's model inputs to `rows` rows and
 * times one predict of them (chunked as usual; the runtime disposes its tensors).
 * @throws RangeError for a non-positive or non-integer count, or above 2^27 values (512 MB).
 */
const benchPredict: Handler<'benchPredict'> = async (host, req) => {
  const s = host.requireSession()
  const { rows } = req
  const w = s.x.cols
  if (!(Number.isInteger(rows) && rows > 0 && rows * w <= 2 ** 27))
    throw new RangeError(
      `the prediction benchmark needs a row count in 1..${Math.floor(2 ** 27 / w)}, got ${rows}`,
    )
  if (s.x.rows === 0)
    throw new RangeError('the prediction benchmark needs data, and the data has no rows')
  const src = s.x.data instanceof Float32Array ? s.x.data : Float32Array.from(s.x.data)
  const data = new Float32Array(rows * w)
  for (let r = 0; r < rows; r += s.x.rows)
    data.set(src.subarray(0, Math.min(s.x.rows, rows - r) * w), r * w)
  const t0 = performance.now()
  await s.predict(matrix(data, rows, w))
  return { result: { ms: performance.now() - t0 } }
}

/** The debug commands as handlers. */
export const modelDebugHandlers: HandlerTable = {
  loseDevice: { run: loseDevice, immediate: true },
  memory: { run: memory },
  fault: { run: fault },
  benchPredict: { run: benchPredict },
}

/**
 * Registers the debug commands on a host (tests; the e2e worker entry).
 * @example const host = modelHostDebug(new ModelHost({ backends: ['cpu'] }))
 */
export function modelHostDebug(host: ModelHost): ModelHost {
  host.register(modelDebugHandlers)
  return host
}
