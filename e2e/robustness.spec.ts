/**
 * Robustness through the UI: the main rejections of the input corpus (test/fixtures/inputs) via the
 * file inputs with the demo staying loaded and usable, the must-load notices, a full session that
 * requests nothing but its own origin and breaks no Content-Security-Policy, markup in names kept
 * inert, a model worker killed mid-job, and memory (tensors and JS heap) flat over 50 explanations.
 * The bad-input cases already in overview.spec.ts are not repeated.
 */
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import {
  MAX_CSV_BYTES,
  type CorpusCase,
  caseRoles,
  corpusCases,
  repoPath,
} from '../test/fixtures/inputs/corpus.ts'
import { App, expect, test } from './fixtures.ts'
import { seedProbeCache } from './probeCache.ts'

const byId = (id: string): CorpusCase => corpusCases.find((c) => c.id === id)!

/** Which file input takes a case, and the absolute paths of its files. */
function inputOf(c: CorpusCase): { input: 'data' | 'schema' | 'model'; files: string[] } {
  const r = caseRoles(c)
  if (r.model.length) return { input: 'model', files: r.model.map(repoPath) }
  if (r.schema) return { input: 'schema', files: [repoPath(r.schema)] }
  return { input: 'data', files: [repoPath(r.data!)] }
}

/** The first visible element whose text is exactly `text`. */
const visibleText = (page: Page, text: string) =>
  page.getByText(text, { exact: true }).filter({ visible: true }).first()

/** Waits for the one error notice, checks it, and dismisses it. */
async function expectError(app: App, message: string): Promise<void> {
  const box = app.el('notice-error')
  await expect(box).toHaveCount(1)
  await expect(box).toContainText(message)
  await expect(box).toContainText('the previously loaded model and data are still loaded')
  await app.waitIdle()
  await box.getByRole('button', { name: 'Dismiss' }).click()
  await expect(box).toHaveCount(0)
}

test('bad inputs name the problem and the demo stays loaded and usable; must-load inputs say what they ignore or lack', async ({
  page,
  app,
  api,
}) => {
  await app.open()
  const sha = await page.getByTestId('model-sha').textContent()
  const acc = await app.metric('accuracy')
  const ids = [
    'reject-csv-ragged',
    'reject-thousands-quoted',
    'reject-thousands-unquoted',
    'reject-numeric-question-mark',
    'reject-numeric-infinity',
    'reject-numeric-empty',
    'reject-csv-binary',
    'reject-csv-header-only',
    'reject-csv-duplicate-header',
    'reject-csv-bad-quotes',
    'reject-schema-duplicate-feature',
    'reject-schema-unknown-type',
    'reject-schema-empty-categories',
    'reject-schema-std-zero',
    'reject-schema-truncated',
    'reject-model-truncated',
    'reject-shard-long',
    'reject-graph-two-outputs',
    'reject-model-linear-output',
  ]
  for (const id of ids) {
    const c = byId(id)
    const { input, files } = inputOf(c)
    await test.step(id, async () => {
      await app.loadFiles(files, input)
      await expectError(app, c.expected.message!)
      await expect(page.getByTestId('model-sha')).toHaveText(sha!)
      expect(await app.metric('accuracy')).toBe(acc)
    })
  }

  await test.step('reject-csv-oversize: a 1 GiB + 1 byte file (sparse, made here) is refused before it is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-huge-'))
    try {
      const huge = join(dir, 'huge.csv')
      const fd = openSync(huge, 'w')
      ftruncateSync(fd, MAX_CSV_BYTES + 1)
      closeSync(fd)
      await app.loadFiles([huge], 'data')
      await expectError(app, byId('reject-csv-oversize').expected.message!)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  await test.step('still usable: the threshold recomputes, the backend switches, an explanation runs', async () => {
    await app.setThreshold(0.7)
    await expect.poll(() => app.metric('accuracy')).not.toBe(acc)
    await page.getByTestId('use-cpu').click()
    await expect(page.getByTestId('active-backend')).toHaveText('cpu')
    const r = await api.call('explain', [3], { igSteps: 0, counterfactuals: 0, budget: 100 })
    expect(Object.keys(r.explanations)).toEqual(['3'])
  })

  await test.step('load-extra-columns: loads; the ignored columns are listed', async () => {
    await app.loadFiles([repoPath(byId('load-extra-columns').files[0]!)], 'data')
    await expect(
      app.notice('info', 'Columns not in the schema, ignored: id, fnlwgt, education, note'),
    ).toBeVisible()
    await app.waitIdle()
    await expect(page.getByTestId('data-rows')).toContainText('20 ×')
  })

  await test.step('load-no-target: loads without labels; the views that need them say so', async () => {
    const c = byId('load-no-target')
    await app.loadFiles([repoPath(c.files[0]!)], 'data')
    await expect(app.notice('warning', c.expected.notice!)).toBeVisible()
    await app.waitIdle()
    await expect(page.getByText('No labels: the data has no "income" column')).toBeVisible()
  })

  await test.step('load-missing-sensitive: loads; fairness by the missing column is said to be unavailable', async () => {
    const c = byId('load-missing-sensitive')
    await app.loadFiles(c.files.map(repoPath))
    await expect(app.notice('warning', c.expected.notice!)).toBeVisible()
    await app.waitIdle()
    await expect(page.getByTestId('model-sha')).toHaveText(sha!)
  })
})

test('a full session requests nothing but its own origin and breaks no Content-Security-Policy', async ({
  page,
  app,
  api,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin
  const requests: string[] = []
  context.on('request', (r) => requests.push(r.url()))
  page.on('websocket', (ws) => requests.push(ws.url()))
  const violations: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text())
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;((window as unknown as { __csp?: string[] }).__csp ??= []).push(
        `${e.violatedDirective} ${e.blockedURI}`,
      )
    })
  })
  // The page carries its policy in a <meta>; the preview server sends the same one as a header,
  // which is what puts the workers (whose scripts are separate responses) under it.
  const html = await (await page.request.get('/')).text()
  const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
  expect(policy, 'index.html declares a Content-Security-Policy').toBeTruthy()
  const workerPolicies: string[] = []
  page.on('response', (r) => {
    if (/\/assets\/[a-z]+\.worker-[^/]*\.js$/.test(r.url()))
      workerPolicies.push(r.headers()['content-security-policy'] ?? '(none)')
  })

  await app.open()
  for (const tab of [
    'Explain',
    'Calibration',
    'Fairness',
    'Data',
    'Compression',
    'Monitoring',
    'Overview',
  ] as const) {
    await app.openTab(tab)
    if (tab === 'Explain') {
      // The tab explains its default row by itself: wait for that explanation.
      await expect(page.getByTestId('explain-result')).toBeVisible({ timeout: 60_000 })
      await app.waitIdle()
    }
  }
  await page.getByTestId('run-audit').click()
  await expect(page.getByTestId('report-summary')).toContainText('rows explained', {
    timeout: 90_000,
  })

  const outside = requests.filter(
    (u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:') && !u.startsWith('blob:'),
  )
  expect(outside).toEqual([])
  // The recording saw the workers' own requests too (else the check above would prove little).
  expect(requests.some((u) => u.endsWith('/demo/model.json'))).toBe(true)
  expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true)
  expect(violations).toEqual([])
  expect(
    await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []),
  ).toEqual([])
  // The policy was in force: on the model worker too (wasm still compiles there), and on the page
  // (an inline script does not run; probed last, since the refusal is itself a violation).
  expect(workerPolicies.length).toBeGreaterThan(0)
  for (const p of workerPolicies) expect(p).toBe(policy)
  expect((await api.state((s) => s.backends)).find((b) => b.name === 'wasm')?.available).toBe(true)
  const inline = await page.evaluate(async () => {
    const s = document.createElement('script')
    s.textContent = 'window.__inlineRan = true'
    document.head.append(s)
    await new Promise((r) => setTimeout(r, 50))
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true ? 'ran' : 'refused'
  })
  expect(inline).toBe('refused')
})

test('markup and formulas in feature names and category values stay inert text', async ({
  page,
  app,
}) => {
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  await app.open()
  const c = byId('load-markup-names')
  await app.loadFiles(c.files.map(repoPath))
  await expect(
    app.notice('info', 'ignored: fnlwgt, education, <svg onload=alert(4)>'),
  ).toBeVisible()
  await app.waitIdle()
  await expect(page.getByTestId('notice-error')).toHaveCount(0)
  await expect(page.getByTestId('data-rows')).toContainText('40 ×')
  const feature = '<img src=x onerror=alert(1)>'
  // Overview: the column table names the feature.
  await page.getByTestId('data-card').getByText('Columns: missing and unknown values').click()
  await expect(page.getByTestId('column-table').getByText(feature, { exact: true })).toBeVisible()
  // Fairness: the race groups, markup and a formula among them.
  await app.openTab('Fairness')
  await page.getByRole('button', { name: 'race', exact: true }).click()
  await expect(visibleText(page, '<b onmouseover=alert(3)>White</b>')).toBeVisible()
  await expect(visibleText(page, '=HYPERLINK("http://example.invalid","click")')).toBeVisible()
  // Explain: the feature's row in the explanation.
  await app.openTab('Explain')
  await expect(page.getByTestId('explain-result')).toBeVisible({ timeout: 60_000 })
  // Chart labels are SVG text (wrapped into lines), pickers list it as an option.
  await expect(page.locator('svg text', { hasText: 'onerror=alert(1)>' }).first()).toBeVisible()
  await expect(page.locator('option', { hasText: feature }).first()).toHaveText(feature)
  await app.openTab('Data')
  await expect(visibleText(page, '<img src=x onerror=alert(2)>')).toBeVisible()
  // Nothing ran and no element came out of the text.
  expect(dialogs).toEqual([])
  await expect(page.locator('img[src="x"], svg[onload], [onerror], [onmouseover]')).toHaveCount(0)
})

test('a model worker killed mid-job: the job fails, the worker restarts with the session, the app goes on', async ({
  page,
  app,
  api,
}) => {
  await app.recordWorkerProgress()
  await app.open()
  const acc = await page.getByTestId('metric-accuracy').textContent()
  await app.clearWorkerProgress()
  const job = api.run(
    (g, rows) =>
      g.explain(rows).then(
        () => 'finished',
        (e: Error) => e.message,
      ),
    Array.from({ length: 40 }, (_, i) => 100 + i),
  )
  // Mid-job: the worker has reported progress on the explanation.
  await app.waitForWorkerProgress('Explaining')
  await api.call('crashModelWorker')
  expect(await job).toBe('worker crashed: restarted by a test; it was restarted')
  await expect(page.getByTestId('notice-error')).toContainText('restarted')
  await app.waitIdle()
  await expect(page.getByTestId('metric-accuracy')).toHaveText(acc!)
  const r = await api.call('explain', [3], { igSteps: 0, counterfactuals: 0, budget: 100 })
  expect(r.explanations['3']!.shap).toBeDefined()
})

test('tensor count and JS heap stay flat over 50 explanations', async ({
  playwright,
  probeCache,
}, testInfo) => {
  // Precise heap numbers and a gc(): browser flags, so a browser of its own for this test (a file
  // option would put the whole file in a worker of its own, run after all the others).
  const launch = testInfo.project.use.launchOptions ?? {}
  const browser = await playwright.chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  })
  try {
    const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL! })
    await seedProbeCache(context, probeCache)
    await heapStaysFlat(new App(await context.newPage()))
  } finally {
    await browser.close()
  }
})

async function heapStaysFlat(app: App): Promise<void> {
  const api = app.api
  await app.open()
  const settings = {
    background: { kind: 'first' as const, k: 20 },
    budget: 300,
    igSteps: 16,
    counterfactuals: 1,
  }
  const samples = await api.run(async (g, s) => {
    const heap = () => {
      ;(window as unknown as { gc: () => void }).gc()
      return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory
        .usedJSHeapSize
    }
    await g.explain([60], s) // warm-up: caches, shader or wasm compilation
    const tensors = [await g.numTensors()]
    const heaps = [heap()]
    for (let i = 1; i <= 50; i++) {
      await g.explain([60 + (i % 7)], s)
      if (i % 10 === 0) {
        tensors.push(await g.numTensors())
        heaps.push(heap())
      }
    }
    return { tensors, heaps }
  }, settings)
  test.info().annotations.push({ type: 'memory', description: JSON.stringify(samples) })
  console.log(
    `tensors ${samples.tensors.join(' ')}; heap MB ${samples.heaps.map((h) => (h / 2 ** 20).toFixed(2)).join(' ')}`,
  )
  expect(new Set(samples.tensors).size).toBe(1)
  for (const h of samples.heaps) expect(h).toBeLessThanOrEqual(samples.heaps[0]! * 1.1)
}
