/**
 * The client's init handshake, with a scripted worker (no host): the handshake goes out with the
 * first request, carries the fields read at that moment, and holds every request until the worker
 * has answered it; an abort while held drops the request without a cancel message; a restarted
 * worker gets its own handshake.
 */
import { describe, expect, it } from 'vitest'
import { WorkerClient } from '../../src/workers/client.ts'
import type { ModelRequests, ModelResults, Res } from '../../src/workers/protocol.ts'

type Message = { id: number; cmd: string; tag?: string; target?: number }

/** The model protocol with a field in its handshake (the client reads it at the first request). */
type TaggedRequests = Omit<ModelRequests, 'init'> & { init: { tag?: string } }

/** A worker that records messages and answers only when told to. */
class ScriptedWorker {
  static made: ScriptedWorker[] = []
  onmessage: ((ev: MessageEvent<Res>) => void) | null = null
  onerror: ((ev: ErrorEvent) => void) | null = null
  readonly got: Message[] = []
  constructor() {
    ScriptedWorker.made.push(this)
  }
  postMessage(m: Message): void {
    this.got.push(m)
  }
  terminate(): void {}
  answer(id: number, result: unknown): void {
    this.onmessage?.({ data: { id, kind: 'result', result } } as MessageEvent<Res>)
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

function client(init: () => { tag?: string } = () => ({})) {
  ScriptedWorker.made = []
  const c = new WorkerClient<TaggedRequests, ModelResults>(
    () => new ScriptedWorker() as unknown as Worker,
    init,
  )
  return { c, w: () => ScriptedWorker.made.at(-1)! }
}

describe('WorkerClient handshake', () => {
  it('sends init with the first request, then the held requests once init is answered', async () => {
    let tag = 'early'
    const { c, w } = client(() => ({ tag }))
    expect(w().got).toEqual([]) // nothing is sent before a request
    tag = 'late' // read when the first request goes out, not when the client was made
    const memory = c.request({ cmd: 'memory' })
    const probe = c.request({ cmd: 'probe' })
    expect(w().got.map((m) => m.cmd)).toEqual(['init'])
    expect(w().got[0]!.tag).toBe('late')
    w().answer(w().got[0]!.id, { backends: [], active: 'cpu' })
    expect(w().got.map((m) => m.cmd)).toEqual(['init', 'memory', 'probe'])
    w().answer(w().got[1]!.id, 7)
    expect(await memory).toBe(7)
    const later = c.request({ cmd: 'memory' })
    expect(w().got.at(-1)!.cmd).toBe('memory') // after the handshake, requests go out at once
    w().answer(w().got.at(-1)!.id, 8)
    expect(await later).toBe(8)
    void probe.catch(() => {})
  })

  it('drops a request aborted while held, without a cancel message', async () => {
    const { c, w } = client()
    const a = new AbortController()
    const held = c.request({ cmd: 'memory' }, { signal: a.signal })
    a.abort()
    await expect(held).rejects.toMatchObject({ kind: 'AbortError' })
    w().answer(w().got[0]!.id, { backends: [], active: 'cpu' })
    expect(w().got.map((m) => m.cmd)).toEqual(['init'])
  })

  it('gives a restarted worker its own handshake and rejects what the old one held', async () => {
    const { c, w } = client()
    const first = w()
    const held = c.request({ cmd: 'memory' })
    first.onerror?.({ message: 'boom', preventDefault: () => {} } as ErrorEvent)
    await expect(held).rejects.toThrow('worker crashed: boom; it was restarted')
    const second = w()
    expect(second).not.toBe(first)
    const next = c.request({ cmd: 'memory' })
    expect(second.got.map((m) => m.cmd)).toEqual(['init'])
    second.answer(second.got[0]!.id, { backends: [], active: 'cpu' })
    await tick()
    second.answer(second.got[1]!.id, 3)
    expect(await next).toBe(3)
  })
})
