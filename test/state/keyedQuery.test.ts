import { afterEach, describe, expect, it, vi } from 'vitest'
import { createKeyedQuery, createQueryMap, type QueryTask } from '../../src/state/keyedQuery.ts'
import { WorkerError } from '../../src/workers/client.ts'

/** A task whose answer the test gives by hand, recording its signal and progress callback. */
function manual<R>() {
  const runs: {
    signal: AbortSignal
    progress: (done: number, total: number) => void
    resolve: (r: R) => void
    reject: (e: unknown) => void
  }[] = []
  const task: QueryTask<R> = (signal, progress) =>
    new Promise<R>((resolve, reject) => {
      runs.push({ signal, progress, resolve, reject })
      signal.addEventListener('abort', () => reject(new WorkerError('AbortError', 'cancelled')))
    })
  return { task, runs }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

afterEach(() => {
  vi.useRealTimers()
})

describe('createKeyedQuery', () => {
  it('starts idle', () => {
    const q = createKeyedQuery<number>()
    expect(q.get()).toMatchObject({ status: 'idle', key: null, result: null, resultKey: null })
  })

  it('runs a key once and stores its result', async () => {
    const q = createKeyedQuery<number>()
    const { task, runs } = manual<number>()
    q.run('a', task)
    q.run('a', task)
    expect(runs).toHaveLength(1)
    expect(q.get()).toMatchObject({ status: 'running', key: 'a' })
    runs[0]!.resolve(7)
    await flush()
    expect(q.get()).toMatchObject({ status: 'done', key: 'a', result: 7, resultKey: 'a' })
    q.run('a', task)
    expect(runs).toHaveLength(1)
  })

  it('reports progress of the request in hand', async () => {
    const q = createKeyedQuery<number>()
    const { task, runs } = manual<number>()
    q.run('a', task, { total: 4 })
    expect(q.get()).toMatchObject({ done: 0, total: 4 })
    runs[0]!.progress(2, 4)
    expect(q.get()).toMatchObject({ done: 2, total: 4 })
    runs[0]!.resolve(1)
    await flush()
    expect(q.get()).toMatchObject({ status: 'done', done: 4, total: 4 })
  })

  it('supersedes a running key: the old signal fires and its late answer is dropped', async () => {
    const q = createKeyedQuery<string>()
    const first = manual<string>()
    const second = manual<string>()
    q.run('a', first.task)
    q.run('b', second.task)
    expect(first.runs[0]!.signal.aborted).toBe(true)
    first.runs[0]!.resolve('stale')
    first.runs[0]!.progress(1, 1)
    await flush()
    expect(q.get()).toMatchObject({ status: 'running', key: 'b', result: null, done: 0 })
    second.runs[0]!.resolve('fresh')
    await flush()
    expect(q.get()).toMatchObject({ status: 'done', key: 'b', result: 'fresh', resultKey: 'b' })
  })

  it('keeps the last result while a newer key runs, unless asked to clear it', async () => {
    const q = createKeyedQuery<number>()
    const { task, runs } = manual<number>()
    q.run('a', task)
    runs[0]!.resolve(1)
    await flush()
    q.run('b', task)
    expect(q.get()).toMatchObject({ status: 'running', key: 'b', result: 1, resultKey: 'a' })
    q.run('c', task, { clear: true })
    expect(q.get()).toMatchObject({ status: 'running', key: 'c', result: null, resultKey: null })
  })

  it("answers the last result's key at once, without running the task again", async () => {
    const q = createKeyedQuery<number, string>()
    const { task, runs } = manual<number>()
    q.run('a', task, { input: 'settings A' })
    runs[0]!.resolve(1)
    await flush()
    q.run('b', task, { input: 'settings B' })
    q.run('a', task, { input: 'settings A' })
    expect(runs).toHaveLength(2)
    expect(runs[1]!.signal.aborted).toBe(true)
    expect(q.get()).toMatchObject({ status: 'done', key: 'a', result: 1, input: 'settings A' })
  })

  it('waits in status waiting for the debounce, restarting it for a newer key', async () => {
    vi.useFakeTimers()
    const q = createKeyedQuery<number>()
    const { task, runs } = manual<number>()
    q.run('a', task, { debounceMs: 300, total: 2 })
    expect(q.get()).toMatchObject({ status: 'waiting', key: 'a', total: 2 })
    vi.advanceTimersByTime(200)
    q.run('b', task, { debounceMs: 300 })
    vi.advanceTimersByTime(200)
    expect(runs).toHaveLength(0)
    vi.advanceTimersByTime(100)
    expect(runs).toHaveLength(1)
    expect(q.get()).toMatchObject({ status: 'running', key: 'b' })
  })

  it('records a failure and retries it only for another key (or after abort)', async () => {
    const q = createKeyedQuery<number>()
    const { task, runs } = manual<number>()
    q.run('a', task)
    runs[0]!.reject(new Error('the worker failed'))
    await flush()
    expect(q.get()).toMatchObject({ status: 'error', key: 'a', error: 'the worker failed' })
    q.run('a', task)
    expect(runs).toHaveLength(1)
    q.run('b', task)
    q.run('a', task)
    expect(runs).toHaveLength(3)
  })

  it('abort cancels the request in hand and falls back to the last result', async () => {
    const q = createKeyedQuery<number, string>()
    const { task, runs } = manual<number>()
    q.run('a', task, { input: 'A' })
    runs[0]!.resolve(5)
    await flush()
    q.run('b', task, { input: 'B' })
    q.abort()
    expect(runs[1]!.signal.aborted).toBe(true)
    expect(q.get()).toMatchObject({ status: 'done', key: 'a', result: 5, input: 'A', done: 0 })
    q.run('b', task, { input: 'B' })
    expect(runs).toHaveLength(3)
  })

  it('abort before any result goes back to idle; abort of nothing changes nothing', () => {
    vi.useFakeTimers()
    const q = createKeyedQuery<number>()
    const { task, runs } = manual<number>()
    q.run('a', task, { debounceMs: 100 })
    q.abort()
    vi.advanceTimersByTime(500)
    expect(runs).toHaveLength(0)
    expect(q.get()).toMatchObject({ status: 'idle', key: null })
    const before = q.store.getState()
    q.abort()
    expect(q.store.getState()).toBe(before)
  })

  it('a task that is cancelled from elsewhere withdraws its request', async () => {
    const q = createKeyedQuery<number>()
    q.run('a', () => Promise.reject(new WorkerError('AbortError', 'cancelled')))
    await flush()
    expect(q.get()).toMatchObject({ status: 'idle', key: null, error: null })
  })

  it('a task that throws synchronously fails its key', async () => {
    const q = createKeyedQuery<number>()
    q.run('a', () => {
      throw new RangeError('bad input')
    })
    await flush()
    expect(q.get()).toMatchObject({ status: 'error', key: 'a', error: 'bad input' })
  })

  it('resolve answers a key at once and supersedes the request in hand', async () => {
    const q = createKeyedQuery<number, string>()
    const { task, runs } = manual<number>()
    q.run('a', task)
    q.resolve('b', 9, 'cached')
    expect(runs[0]!.signal.aborted).toBe(true)
    expect(q.get()).toMatchObject({ status: 'done', key: 'b', result: 9, input: 'cached' })
  })

  it('reset forgets the result', async () => {
    const q = createKeyedQuery<number>()
    const { task, runs } = manual<number>()
    q.run('a', task)
    runs[0]!.resolve(1)
    await flush()
    q.reset()
    expect(q.get()).toMatchObject({ status: 'idle', result: null, resultKey: null })
    q.run('a', task)
    expect(runs).toHaveLength(2)
  })
})

describe('createQueryMap', () => {
  it('keeps one query per name in one store, and reset cancels them all', async () => {
    const m = createQueryMap<number>()
    const a = manual<number>()
    const b = manual<number>()
    m.query('sex').run('v1', a.task)
    m.query('race').run('v1', b.task)
    expect(Object.keys(m.store.getState()).sort()).toEqual(['race', 'sex'])
    a.runs[0]!.resolve(3)
    await flush()
    expect(m.store.getState().sex).toMatchObject({ status: 'done', result: 3 })
    expect(m.store.getState().race).toMatchObject({ status: 'running' })
    m.reset()
    expect(b.runs[0]!.signal.aborted).toBe(true)
    expect(m.store.getState()).toEqual({})
    b.runs[0]!.resolve(4)
    await flush()
    expect(m.store.getState()).toEqual({})
  })
})
