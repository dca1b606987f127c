import {
  GOLDEN_SHA,
  attachScreenshot,
  bad,
  coreNumbers,
  expect,
  golden,
  path,
  seriousViolations,
  test,
} from './fixtures.ts'

test.describe('built-in demo', () => {
  test('opens on the demo and shows the core’s accuracy and AUC; no serious or critical accessibility violations; screenshot saved', async ({
    page,
    app,
  }, testInfo) => {
    await app.open()
    await expect(page.getByTestId('performance')).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
    await attachScreenshot(page, testInfo, 'overview')
    const core = await coreNumbers(
      path('public/demo'),
      path('public/demo/data.csv'),
      path('public/demo/schema.json'),
    )
    const acc = await app.metric('accuracy')
    const auc = await app.metric('auc')
    expect(Math.abs(acc - core.metrics.accuracy!)).toBeLessThan(1e-6)
    expect(Math.abs(auc - core.metrics.rocAuc!)).toBeLessThan(1e-5)
    await expect(page.getByTestId('metric-accuracy')).toHaveText(core.metrics.accuracy!.toFixed(4))
    await expect(page.getByTestId('metric-auc')).toHaveText(core.metrics.rocAuc!.toFixed(4))
    await expect(page.getByTestId('cm-tp')).toHaveText(String(core.metrics.confusion.tp))
    await expect(page.getByTestId('data-rows')).toContainText('2,000')
    // Threshold: the page recomputes through the core.
    await app.setThreshold(0.3)
    const core3 = await coreNumbers(
      path('public/demo'),
      path('public/demo/data.csv'),
      path('public/demo/schema.json'),
      0.3,
    )
    await expect(page.getByTestId('metric-accuracy')).toHaveText(core3.metrics.accuracy!.toFixed(4))
  })
})

test.describe('loading through the file inputs', () => {
  test('golden fixture model, CSV and schema give the reference accuracy; a semicolon CSV with BOM, CRLF and quotes loads like the plain one', async ({
    page,
    app,
  }) => {
    await app.open('?demo=0')
    await app.loadGolden() // the model card shows the golden model's sha256
    await expect(page.getByTestId('model-sha')).toHaveText(GOLDEN_SHA)
    expect(Math.abs((await app.metric('accuracy')) - 0.852)).toBeLessThan(1e-6)
    expect(Math.abs((await app.metric('auc')) - 0.9131724299670052)).toBeLessThan(1e-5)
    expect(Math.abs((await app.metric('logloss')) - 0.3125019524493136)).toBeLessThan(1e-6)
    expect(Math.abs((await app.metric('brier')) - 0.10151374916181476)).toBeLessThan(1e-6)
    await expect(page.getByTestId('metric-accuracy')).toHaveText('0.8520')

    // The same table as a semicolon CSV with a BOM, CRLF line ends and quoted cells, in place of
    // the plain one: the same model, the same numbers.
    await app.loadFiles([bad('data-semicolon.csv')], 'data')
    await expect(page.getByTestId('data-card')).toContainText('data-semicolon.csv')
    await app.waitIdle()
    await expect(page.getByTestId('model-sha')).toHaveText(GOLDEN_SHA)
    expect(Math.abs((await app.metric('accuracy')) - 0.852)).toBeLessThan(1e-6)
  })

  test('a GraphModel with a 2-class softmax defaults to class 1', async ({ page, app }) => {
    await app.open('?demo=0')
    const dir = path('e2e/fixtures/graph-softmax')
    await app.loadFiles([
      `${dir}/model.json`,
      `${dir}/group1-shard1of1.bin`,
      golden('data.csv'),
      golden('schema.json'),
    ])
    await expect(page.getByTestId('model-card')).toContainText('GraphModel')
    await expect(page.getByTestId('model-card')).toContainText('2-class softmax, class 1')
    await app.waitIdle()
    expect(Math.abs((await app.metric('accuracy')) - 0.852)).toBeLessThan(1e-6)
  })
})

test.describe('bad inputs: a clear message, and the earlier model stays usable', () => {
  const cases: {
    name: string
    input: 'model' | 'data' | 'schema'
    files: string[]
    message: RegExp
  }[] = [
    {
      name: 'non-JSON model.json',
      input: 'model',
      files: [bad('not-json-model.json')],
      message: /not-json-model\.json: not a valid model\.json — the file is not JSON/,
    },
    {
      name: 'missing weight shard',
      input: 'model',
      files: [bad('model-missing-shard/model.json')],
      message: /lists weight file "group1-shard1of1\.bin", which was not provided/,
    },
    {
      name: 'short weight shard',
      input: 'model',
      files: [bad('model-short-shard/model.json'), bad('model-short-shard/group1-shard1of1.bin')],
      message: /"group1-shard1of1\.bin": 3138 bytes, but model\.json describes 6276 bytes/,
    },
    {
      name: 'width mismatch',
      input: 'schema',
      files: [bad('schema-wide.json')],
      message:
        /width mismatch: .*expects 88 inputs, but schema-wide\.json encodes 13 features into 89 inputs/,
    },
    {
      name: 'missing feature column',
      input: 'data',
      files: [bad('data-missing-column.csv')],
      message: /data-missing-column\.csv: missing feature column "age"/,
    },
    {
      name: 'bad numeric cell',
      input: 'data',
      files: [bad('data-bad-number.csv')],
      message:
        /data-bad-number\.csv: column "hours_per_week", row 7: value "abc" is not a finite number/,
    },
    {
      name: 'empty CSV',
      input: 'data',
      files: [bad('data-empty.csv')],
      message: /data-empty\.csv: the file is empty/,
    },
  ]
  // One session takes every bad input in turn, as a user who keeps trying would: after each, the
  // message names the problem, nothing the user had is lost (same model, same numbers), and the
  // app still responds (the threshold recomputes the metrics; the backend switches, cpu and wasm
  // in turn).
  test('each bad input in turn, then extra columns, on one session', async ({ page, app }) => {
    await app.open()
    const sha = await page.getByTestId('model-sha').textContent()
    for (const [k, c] of cases.entries()) {
      await test.step(c.name, async () => {
        const acc = await app.metric('accuracy')
        await app.loadFiles(c.files, c.input)
        const box = page.getByTestId('notice-error')
        await expect(box).toHaveCount(1)
        await expect(box).toContainText(c.message)
        await expect(box).toContainText('still loaded')
        await app.waitIdle()
        await expect(page.getByTestId('model-sha')).toHaveText(sha!)
        expect(await app.metric('accuracy')).toBe(acc)
        await app.setThreshold(0.7)
        await expect.poll(() => app.metric('accuracy')).not.toBe(acc)
        await app.setThreshold(0.5)
        await expect.poll(() => app.metric('accuracy')).toBe(acc)
        const backend = k % 2 === 0 ? 'cpu' : 'wasm'
        await page.getByTestId(`use-${backend}`).click()
        await expect(page.getByTestId('active-backend')).toHaveText(backend)
        await app.waitIdle()
        await box.getByRole('button', { name: 'Dismiss' }).click()
        await expect(box).toHaveCount(0)
      })
    }
    await test.step('extra CSV columns are ignored with a notice', async () => {
      await app.loadFiles([bad('data-extra-columns.csv')], 'data')
      await expect(app.notice('info', 'ignored')).toContainText(/ignored: .*note/)
    })
  })

  test('a model without a schema is checked against the inferred one: the editor opens', async ({
    app,
  }) => {
    await app.open('?demo=0')
    await app.loadFiles([golden('model.json'), golden('group1-shard1of1.bin'), golden('data.csv')])
    await expect(app.notice('info')).toContainText(
      /none inferred from the CSV fits the model's 88 inputs: build one in the schema editor/,
    )
    await expect(app.el('editor-width')).toContainText("the model's 88")
    await expect(app.el('main')).toHaveAttribute('data-ready', 'false')
  })
})
