/// <reference lib="webworker" />
// Thin entry: all logic is in dataHost.ts so Node tests can drive it.
import { dataHandle } from './dataHost.ts'
import type { Res } from './protocol/common.ts'
import type { DataReq } from './protocol/data.ts'

const scope = self as unknown as DedicatedWorkerGlobalScope
scope.onmessage = (ev: MessageEvent<DataReq>) => {
  void dataHandle(ev.data, (res: Res, transfer?: Transferable[]) =>
    scope.postMessage(res, transfer ?? []),
  )
}
