import { expect, test } from './fixtures.ts'
import { hundredThousandRowCsv, ingestCsv } from './scenarios.ts'

// The main thread's longest task while this loads and recomputes is a bench figure
// (bench/responsiveness.ts, ui.load100k.longestTaskMs), not asserted here: it depends on the load.
test('a 100,000-row CSV loads and the threshold recomputes its metrics', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  // 100,000 rows: the golden 2,000 repeated 50 times.
  await ingestCsv(app, hundredThousandRowCsv(), '100,000')
  await app.waitIdle()
  // Interact while loaded: the threshold recomputes the metrics over 100k rows.
  await app.setThreshold(0.4)
  await expect.poll(() => api.state((s) => s.performance?.metrics.threshold)).toBe(0.4)
  const recounted = await api.state((s) => s.performance!.metrics.accuracy)
  await expect(page.getByTestId('metric-accuracy')).toHaveAttribute('data-value', String(recounted))
  // Same rows 50 times: the same accuracy as the 2,000.
  const acc = Number(await page.getByTestId('metric-accuracy').getAttribute('data-value'))
  expect(acc).toBeGreaterThan(0.8)
})
