/**
 * Decompression of untrusted links and session bundles off the page's thread: each request gets
 * its own short-lived worker (src/workers/unpack.worker.ts), terminated once it answers or when
 * it runs past {@link UNPACK_TIME_LIMIT_MS}, so a hostile input can neither block the page nor
 * keep memory. Where module workers do not exist (Node, the unit tests) it runs in this thread,
 * under the same caps.
 */
import { type UnpackReq, type UnpackRes, unpackRun } from '../core/unpack/run.ts'

/** A decompression still running after this long is stopped, ms. */
export const UNPACK_TIME_LIMIT_MS = 30_000

/**
 * Unpacks `req` (a link payload or bundle bytes, transferred) in a fresh worker.
 * @example const r = await unpackOffThread({ kind: 'link', payload })
 */
export function unpackOffThread(req: UnpackReq): Promise<UnpackRes> {
  if (typeof Worker === 'undefined') return Promise.resolve(unpackRun(req))
  return new Promise((resolve) => {
    let w: Worker
    try {
      w = new Worker(new URL('../workers/unpack.worker.ts', import.meta.url), { type: 'module' })
    } catch {
      resolve(unpackRun(req))
      return
    }
    const done = (r: UnpackRes) => {
      clearTimeout(timer)
      w.terminate()
      resolve(r)
    }
    const timer = setTimeout(
      () =>
        done({
          ok: false,
          message: `decompression ran past ${UNPACK_TIME_LIMIT_MS / 1000} s and was stopped`,
        }),
      UNPACK_TIME_LIMIT_MS,
    )
    w.onmessage = (ev: MessageEvent<UnpackRes>) => done(ev.data)
    w.onerror = (ev) => {
      ev.preventDefault()
      done({ ok: false, message: `the decompression worker failed (${ev.message || 'crashed'})` })
    }
    w.postMessage(req, req.kind === 'bundle' ? [req.bytes.buffer] : [])
  })
}
