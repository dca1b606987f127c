/**
 * Backend choice and parallelism in the built app: the probe cache (a reload reuses the
 * measurement of this device and model shape instead of measuring again; Re-measure measures),
 * and the model worker pool (global SHAP split over the CPU backend's workers gives exactly the
 * single-worker ranking, shows how many workers ran it, survives a crashed helper, and splitting a
 * job over 1 or 2 workers gives the same attributions).
 */
import { expect, test } from './fixtures.ts'

/**
 * The pool sizes itself from navigator.hardwareConcurrency. On a one-core runner the page is told
 * two, so splitting, merging, the worker count and a helper's crash are tested everywhere (the
 * split is a correctness property; only the timing log depends on real cores).
 */
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    if ((navigator.hardwareConcurrency || 1) < 2)
      Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 })
  })
})

test.describe(() => {
  // A first visit: the cache starts empty (the other tests start with the demo's rates cached).
  test.use({ measureBackends: true })

  test('a first visit measures every backend; a reload reuses the cached rates; Re-measure measures', async ({
    page,
    app,
    api,
  }) => {
    await app.open()
    const source = page.getByTestId('probe-source')
    await expect(source).toHaveAttribute('data-cached', 'false')
    expect(await api.call('probeMeasurements')).toBe(1)
    // Every backend was measured: the throughputs are shown, and the fastest is the active one.
    await expect(page.getByTestId('backend-wasm')).toContainText('rows/s')
    await expect(page.getByTestId('backend-cpu')).toContainText('rows/s')
    const active = await page.getByTestId('active-backend').textContent()
    const rates = await api.state((s) => s.backends)
    const best = rates
      .filter((b) => b.rowsPerSec !== null)
      .sort((a, b) => b.rowsPerSec! - a.rowsPerSec!)[0]!
    expect(active).toBe(best.name)

    await page.reload({ waitUntil: 'commit' })
    await app.waitIdle()
    await expect(source).toHaveAttribute('data-cached', 'true')
    await expect(source).toContainText('Cached rates, measured')
    // No measurement ran in this page: the cached choice was activated.
    expect(await api.call('probeMeasurements')).toBe(0)
    await expect(page.getByTestId('active-backend')).toHaveText(active!)
    const cached = await api.state((s) => s.backends)
    expect(cached.map((b) => [b.name, b.rowsPerSec])).toEqual(
      rates.map((b) => [b.name, b.rowsPerSec]),
    )

    await page.getByTestId('remeasure').click()
    await app.waitIdle()
    await expect(source).toHaveAttribute('data-cached', 'false')
    expect(await api.call('probeMeasurements')).toBe(1)
  })
})

test('global SHAP on the worker pool ranks exactly like one worker and says how many ran it; 1 and 2 workers agree row by row', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  // A returning visitor, as every test but the one above: the context's seeded probe cache
  // (fixtures.ts) is found, so opening the demo measured no backend.
  await expect(page.getByTestId('probe-source')).toHaveAttribute('data-cached', 'true')
  expect(await api.call('probeMeasurements')).toBe(0)
  const cores = await page.evaluate(() => navigator.hardwareConcurrency)
  expect(cores).toBeGreaterThanOrEqual(2)
  const backend = (await page.getByTestId('active-backend').textContent())!
  expect(['wasm', 'cpu']).toContain(backend) // no GPU here: a CPU backend wins the probe
  const workers = Math.min(cores, 8, Math.floor(400 / 16))
  await app.openExplain()
  await page.getByTestId('global-n').fill('400')
  await page.getByTestId('global-n').press('Enter')
  await page.getByTestId('run-global').click()
  await expect(page.getByTestId('job')).toContainText(`on ${workers} ${backend} workers`)
  await app.waitIdle()
  await expect(page.getByTestId('global-workers')).toHaveText(` · on ${workers} ${backend} workers`)
  await expect(page.getByTestId('global-table')).toContainText('Mean |φ| over 400 seeded rows')
  const shown = await page
    .getByTestId('global-table')
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.querySelector('th')!.textContent!,
        Number(tr.querySelector('td')!.getAttribute('data-value')),
      ]),
    )
  const used = await api.state((s) => s.backends.length)
  expect(used).toBeGreaterThan(0)
  const one = await api.run(async (g) => {
    const r = await g.globalShapSingle({
      n: 400,
      seed: 1,
      background: { kind: 'first', k: 50 },
      budget: 4096,
    })
    return { order: r.order.map((j) => [r.featureNames[j]!, r.meanAbs[j]!]), workers: r.workers }
  })
  expect(one.workers).toBeUndefined() // the primary worker alone
  expect(shown).toEqual(one.order) // same ranking, same numbers
  expect(await api.call('poolHelpers')).toBe(workers - 1)

  await test.step('global SHAP split over 1 and 2 workers gives the same attributions row by row', async () => {
    // Only the split is tested here; its speed is a benchmark figure (`npm run bench`:
    // shap.global1000 on the worker pool, with the worker count).
    const req = { n: 200, seed: 1, background: { kind: 'first' as const, k: 50 }, budget: 4096 }
    const phi: number[][] = []
    for (const w of [1, 2]) {
      const r = await api.run(
        async (g, [q, k]) => {
          const run = await g.globalShapPool(q, k)
          return { phi: Array.from(run.result.phi), workers: run.workers }
        },
        [req, w] as const,
      )
      expect(r.workers).toBe(w)
      expect(r.phi).toHaveLength(200 * 12)
      phi.push(r.phi)
    }
    expect(phi[1]).toEqual(phi[0])
  })
})

test('a crashed helper worker stops the job with a clear message and the pool recovers', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  const cores = await page.evaluate(() => navigator.hardwareConcurrency)
  expect(cores).toBeGreaterThanOrEqual(2)
  await app.openExplain()
  await page.getByTestId('global-n').fill('2000')
  await page.getByTestId('global-n').press('Enter')
  await page.getByTestId('run-global').click()
  const job = page.getByTestId('job')
  await expect(job).toContainText('workers')
  await expect
    .poll(async () => Number(await job.locator('progress').getAttribute('value')))
    .toBeGreaterThan(0)
  await api.call('crashPoolHelper', 1)
  await expect(page.getByTestId('notice-error').last()).toContainText(
    /Global SHAP failed: helper worker 1 \(of \d workers\) failed: worker crashed: crashed by a test; it was restarted; the job was stopped — run it again/,
  )
  await app.waitIdle()
  await page.getByTestId('global-n').fill('300')
  await page.getByTestId('global-n').press('Enter')
  await page.getByTestId('run-global').click()
  await app.waitIdle()
  await expect(page.getByTestId('global-table')).toContainText('Mean |φ| over 300 seeded rows')
  await expect(page.getByTestId('global-workers')).toContainText('workers')
})
