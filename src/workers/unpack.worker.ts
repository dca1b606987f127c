/// <reference lib="webworker" />
// Thin entry: decompresses a link's state or a session bundle off the page's thread, within the
// caps of src/core/unpack/limits.ts. The page starts one worker per request and terminates it
// after the answer (or after its time limit), so whatever was allocated goes with it.
import { type UnpackReq, type UnpackRes, unpackRun } from '../core/unpack/run.ts'

const scope = self as unknown as DedicatedWorkerGlobalScope
scope.onmessage = (ev: MessageEvent<UnpackReq>) => {
  const res: UnpackRes = unpackRun(ev.data)
  const transfer =
    res.ok && res.kind === 'bundle' ? [...res.entries.values()].map((b) => b.buffer) : []
  scope.postMessage(res, transfer)
}
