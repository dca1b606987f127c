/// <reference lib="webworker" />
// Thin entry: all logic is in statsHost.ts so Node tests can drive it. No tfjs is loaded here,
// so the worker starts in milliseconds.
import type { Res } from './protocol/common.ts'
import type { StatsReq } from './protocol/stats.ts'
import { statsHandle } from './statsHost.ts'

const scope = self as unknown as DedicatedWorkerGlobalScope
scope.onmessage = (ev: MessageEvent<StatsReq>) => {
  void statsHandle(ev.data, (res: Res, transfer?: Transferable[]) =>
    scope.postMessage(res, transfer ?? []),
  )
}
