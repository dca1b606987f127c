/**
 * One entry point for the decompression worker (src/workers/unpack.worker.ts) and its in-thread
 * fallback: a link's state or a session bundle, unpacked within the caps of limits.ts. Never
 * throws: a refusal is a result with the message naming the cap.
 */
import { UnpackError } from './limits.ts'
import { lzDecompressBounded } from './lz.ts'
import { bundleUnpack } from './zip.ts'

/** What to unpack: a link's `#s=` payload, or a session bundle's bytes. */
export type UnpackReq = { kind: 'link'; payload: string } | { kind: 'bundle'; bytes: Uint8Array }

/** The unpacked link JSON or bundle, or why it was refused. */
export type UnpackRes =
  | { ok: true; kind: 'link'; json: string }
  | { ok: true; kind: 'bundle'; manifest: string; entries: Map<string, Uint8Array> }
  | { ok: false; message: string }

/**
 * Unpacks `req` within the caps.
 * @example unpackRun({ kind: 'link', payload: location.hash.slice(3) })
 */
export function unpackRun(req: UnpackReq): UnpackRes {
  try {
    if (req.kind === 'link')
      return { ok: true, kind: 'link', json: lzDecompressBounded(req.payload) }
    const b = bundleUnpack(req.bytes)
    return { ok: true, kind: 'bundle', manifest: b.manifest, entries: b.entries }
  } catch (e) {
    const msg = e instanceof UnpackError ? e.message : `could not be unpacked (${String(e)})`
    return { ok: false, message: msg }
  }
}
