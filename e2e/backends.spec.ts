import { type Api, expect, test } from './fixtures.ts'

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

/** The explanation of rows 0–2 as the worker answers it (for comparing two runs). */
const explain012 = (api: Api) => api.call('explain', [0, 1, 2])

// One session: every backend in turn, then the WebGPU device lost under the last one chosen.
test('switching backend gives the same predictions within 1e-5; a WebGPU device loss falls back with a notice', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  await test.step('switching backend gives the same predictions within 1e-5', async () => {
    const first = await page.getByTestId('active-backend').textContent()
    const base = await api.predictions()
    for (const name of ['cpu', 'webgl', 'webgpu', 'wasm'].filter((n) => n !== first)) {
      const row = page.getByTestId(`backend-${name}`)
      if (!(await row.getByRole('button', { name: 'Use' }).count())) continue // unavailable in this browser
      await row.getByRole('button', { name: 'Use' }).click()
      await expect(page.getByTestId('active-backend')).toHaveText(name, { timeout: 60_000 })
      expect(maxDiff(await api.predictions(), base)).toBeLessThan(1e-5)
    }
  })
  await test.step('WebGPU device loss falls back with a visible notice', async () => {
    const row = page.getByTestId('backend-webgpu')
    // playwright.config.ts launches Chromium with --enable-unsafe-webgpu, so a WebGPU adapter
    // (SwiftShader's software fallback at the least) must exist: its absence is a failure.
    await expect(row).not.toContainText('unavailable')
    const base = await api.predictions()
    if ((await page.getByTestId('active-backend').textContent()) !== 'webgpu') {
      await row.getByRole('button', { name: 'Use' }).click()
      await expect(page.getByTestId('active-backend')).toHaveText('webgpu', { timeout: 60_000 })
    }
    await api.call('loseDevice')
    await expect(page.getByTestId('notice-warning')).toContainText(
      /GPU device lost.*switched from webgpu to/,
    )
    await expect(page.getByTestId('active-backend')).not.toHaveText('webgpu')
    await expect(page.getByTestId('backend-webgpu')).toContainText('device lost')
    expect(maxDiff(await api.predictions(), base)).toBeLessThan(1e-5)
  })
})

test('WebGPU device loss in the middle of a job: the job is retried on the fallback and answers', async ({
  page,
  app,
  api,
}) => {
  await app.recordWorkerProgress()
  await app.open()
  await expect(page.getByTestId('backend-webgpu')).not.toContainText('unavailable')
  if ((await page.getByTestId('active-backend').textContent()) !== 'webgpu') {
    await page.getByTestId('backend-webgpu').getByRole('button', { name: 'Use' }).click()
    await expect(page.getByTestId('active-backend')).toHaveText('webgpu', { timeout: 60_000 })
  }
  // SHAP + IG for three rows on the software WebGPU adapter takes seconds: the loss strikes once
  // the worker has reported progress on the job with under half of it done, so that GPU work is
  // left to fail (a loss after the last read-back leaves nothing to retry).
  await app.clearWorkerProgress()
  const job = api.run((g) =>
    g.explain([0, 1, 2]).then(
      (r) => ({ ok: true as const, r }),
      (e: Error) => ({ ok: false as const, message: e.message }),
    ),
  )
  await app.waitForWorkerProgress('Explaining', 0.5)
  await api.call('loseDevice')
  const done = await job
  if (!done.ok) throw new Error(`the job failed instead of being retried: ${done.message}`)
  expect(await api.state((s) => s.activeBackend)).not.toBe('webgpu')
  await expect(page.getByTestId('notice-warning')).toContainText(
    /GPU device lost.*switched from webgpu to/,
  )
  // The retried answer equals a fresh run on the backend that took over.
  const again = await explain012(api)
  for (const row of ['0', '1', '2']) {
    const a = done.r.explanations[row]!
    const b = again.explanations[row]!
    expect(Math.abs(a.prediction - b.prediction)).toBeLessThan(1e-6)
    for (const [name, v] of Object.entries(b.shap!))
      expect(Math.abs(a.shap![name]! - v)).toBeLessThan(1e-6)
    for (const [name, v] of Object.entries(b.ig!))
      expect(Math.abs(a.ig![name]! - v)).toBeLessThan(1e-6)
  }
})
