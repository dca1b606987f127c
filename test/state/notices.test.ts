import { describe, expect, it } from 'vitest'
import { NOTICE_INFO_MS, NOT_DATA, type Schedule, createJobs } from '../../src/state/jobs.ts'
import { harness, sampleBundle } from './fakes.ts'

/** A hand-driven timer: `advance(ms)` runs what came due. */
function manualClock() {
  let t = 0
  const pending: { at: number; fn: () => void; live: boolean }[] = []
  const schedule: Schedule = (fn, ms) => {
    const p = { at: t + ms, fn, live: true }
    pending.push(p)
    return () => {
      p.live = false
    }
  }
  const advance = (ms: number) => {
    t += ms
    for (const p of pending.filter((q) => q.live && q.at <= t)) {
      p.live = false
      p.fn()
    }
  }
  return { schedule, advance }
}

describe('createJobs notices', () => {
  it('counts a repeated notice instead of showing it twice', () => {
    const jobs = createJobs(() => 0)
    jobs.notify('warning', 'Fairness by race is unavailable.')
    jobs.notify('warning', 'Fairness by race is unavailable.')
    jobs.notify('error', 'Fairness by race is unavailable.')
    const n = jobs.store.getState().notices
    expect(n.map((x) => [x.level, x.count])).toEqual([
      ['warning', 2],
      ['error', 1],
    ])
  })

  it('names the dataset loaded when it was raised; the same text about other data is another notice', () => {
    const jobs = createJobs(() => 0)
    let name: string | null = 'adult.csv'
    jobs.setDataset(() => name)
    jobs.notify('info', 'Columns not in the schema, ignored: fnlwgt')
    name = 'german.csv'
    jobs.notify('info', 'Columns not in the schema, ignored: fnlwgt')
    jobs.notify('info', 'Link copied.', NOT_DATA)
    jobs.notify('warning', 'Checked.', { dataset: 'drifted.csv' })
    expect(jobs.store.getState().notices.map((x) => x.dataset)).toEqual([
      'adult.csv',
      'german.csv',
      null,
      'drifted.csv',
    ])
  })

  it('dismisses info notices after a few seconds; errors and warnings, and held notices, stay', () => {
    const clock = manualClock()
    const jobs = createJobs(() => 0, clock.schedule)
    jobs.notify('info', 'Audit cancelled.')
    jobs.notify('warning', 'Small groups.')
    jobs.notify('error', 'Export failed.')
    jobs.notify('info', 'Backend rates: cached.')
    const held = jobs.store.getState().notices.at(-1)!.id
    jobs.holdNotice(held)
    clock.advance(NOTICE_INFO_MS - 1)
    expect(jobs.store.getState().notices).toHaveLength(4)
    // Raised again: counted, and its time starts over.
    jobs.notify('info', 'Audit cancelled.')
    clock.advance(2)
    expect(jobs.store.getState().notices.map((x) => x.text)).toContain('Audit cancelled.')
    clock.advance(NOTICE_INFO_MS)
    expect(jobs.store.getState().notices.map((x) => x.text)).toEqual([
      'Small groups.',
      'Export failed.',
      'Backend rates: cached.',
    ])
    jobs.dismissNotice(held)
    expect(jobs.store.getState().notices).toHaveLength(2)
  })

  it('tags a load’s notices with the data it loaded', async () => {
    const { app, model } = harness()
    const load = model.handlers.load!
    model.handlers.load = (req, opts) => {
      const r = load(req, opts) as { encode: { ignoredColumns: string[] } }
      r.encode = { ...r.encode, ignoredColumns: ['race'] }
      return r
    }
    await app.load.loadBundle(sampleBundle)
    await app.load.loadBundle(sampleBundle)
    const ignored = app.jobs.store
      .getState()
      .notices.filter((n) => n.text === 'Columns not in the schema, ignored: race')
    expect(ignored).toHaveLength(1)
    expect(ignored[0]).toMatchObject({ dataset: 'data.csv', count: 2 })
  })
})
