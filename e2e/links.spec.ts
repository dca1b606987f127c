/**
 * Links and bundles are data, not commands (issue 16): a link bomb is refused by its cap while the
 * dashboard stays usable; a link's out-of-range settings are dropped with one notice and never
 * persisted; a model.json on a consented origin cannot make the page fetch from a third origin (by
 * its shard list or by a redirect); a zip bomb dropped as a session bundle is refused by its cap and the loaded session stays.
 */
import { readFileSync } from 'node:fs'
// lz-string is CommonJS: Node's ESM loader exposes it as a default export only.
import LZString from 'lz-string'
import { zipSync } from 'fflate'
import { bombManifest, lzBomb, zipDeclare } from '../test/robustness/bombs.ts'
import { expect, test } from './fixtures.ts'
const { compressToEncodedURIComponent, decompressFromEncodedURIComponent } = LZString

// One session takes each hostile link and bundle in turn, as a user sent them one after the
// other would: after each, the message, and the demo still loaded and working.
test('a link bomb is refused by its cap, a link’s out-of-range settings are dropped, a zip bomb bundle is refused; the demo stays', async ({
  app,
}) => {
  await test.step('a link bomb is refused by its cap, and the demo still loads and works', async () => {
    const bomb = lzBomb(32_700) // 76 KB of link that expands to ≈ 1 GB
    expect(bomb.length).toBeGreaterThan(76_000)
    await app.page.goto(`/#s=${bomb}`, { waitUntil: 'commit' })
    await expect(app.notice('error', 'This link was not opened')).toContainText(
      `characters long, above the cap of 32768`,
    )
    await app.waitIdle()
    await app.setThreshold(0.42)
    await expect(app.el('threshold')).toHaveValue('0.42')
    expect(await app.metric('accuracy')).toBeGreaterThan(0.5)

    // Under the size cap but expanding past the expanded cap: stopped while inflating.
    await app.page.goto(`/?again=1#s=${lzBomb(13_000)}`, { waitUntil: 'commit' })
    await expect(app.notice('error', 'This link was not opened')).toContainText(
      'expands beyond the cap of 262144 characters (stopped there)',
    )
    await app.waitIdle()
    expect(await app.metric('accuracy')).toBeGreaterThan(0.5)
  })
  await test.step('a link’s out-of-range settings are dropped with one notice and never persisted', async () => {
    // The link of the view the page shows now (written over the refused one).
    const view = async () => {
      const hash = await app.page.evaluate(() => location.hash)
      const text = hash.startsWith('#s=') ? decompressFromEncodedURIComponent(hash.slice(3)) : null
      return text && text.length < 100_000 ? (JSON.parse(text) as Record<string, unknown>) : null
    }
    await expect.poll(async () => typeof (await view())?.threshold).toBe('number')
    const state = (await view()) as {
      explain: { settings: Record<string, unknown> }
    } & Record<string, unknown>
    const budget = state.explain.settings.budget
    const hostile = {
      ...state,
      threshold: 0.31,
      tab: 'Admin',
      explain: {
        ...state.explain,
        settings: { ...state.explain.settings, budget: 1e12, igSteps: 1e9, counterfactuals: 500 },
      },
      fairness: { attrs: ['sex', '<img src=x onerror=alert(1)>'] },
    }
    await app.page.goto(`/?hostile=1#s=${compressToEncodedURIComponent(JSON.stringify(hostile))}`, {
      waitUntil: 'commit',
    })
    await app.waitIdle()
    const notice = app.notice('warning', 'This link: 5 view settings were ignored')
    await expect(notice).toContainText(
      'explain.settings.budget (1000000000000 is above the maximum',
    )
    await expect(notice).toContainText('explain.settings.igSteps (1000000000 is above the maximum')
    await expect(notice).toContainText('explain.settings.counterfactuals (500 is above the maximum')
    await expect(notice).toContainText('tab ("Admin" is not a tab')
    await expect(notice).toContainText('fairness.attrs (item 1:')
    await expect(app.el('threshold')).toHaveValue('0.31')
    // What is saved (IndexedDB) and what the link now says hold the defaults, not the dropped values.
    await expect
      .poll(async () => {
        const v = (await app.persistedView()) as typeof state | null
        return v && v.threshold === 0.31 ? v.explain.settings.budget : null
      })
      .toBe(budget)
    const now = await app.page.evaluate(() => location.hash)
    expect(decompressFromEncodedURIComponent(now.slice(3))).not.toContain('1000000000000')
  })
  await test.step('a 4 MB zip bomb dropped as a session bundle is refused by its cap; the session stays', async () => {
    await app.setThreshold(0.5)
    const accuracy = await app.metric('accuracy')
    const pad = new Uint8Array(4 * 1024 * 1024)
    for (let o = 0; o < pad.length; o += 65536) crypto.getRandomValues(pad.subarray(o, o + 65536))
    const files = (data: Uint8Array) =>
      zipSync({ 'manifest.json': bombManifest(), 'data/d.csv': data, 'pad.bin': pad }, { level: 1 })
    const honest = zipDeclare(files(new Uint8Array(16 << 20)), 'data/d.csv', 0xfffffff0)
    const lying = zipDeclare(files(new Uint8Array(16 << 20)), 'data/d.csv', 1024)
    expect(honest.length).toBeGreaterThan(4_000_000)
    const drop = (name: string, z: Uint8Array) =>
      app.el('input-any').setInputFiles({
        name,
        mimeType: 'application/zip',
        buffer: Buffer.from(z),
      })
    await drop('honest.glassbox.zip', honest)
    await expect(app.notice('error', 'Session bundle honest.glassbox.zip')).toContainText(
      /data\/d\.csv declares 4 GiB from .*, more than the cap of 256× expansion \(a zip bomb\?\) — the previously loaded model and data are still loaded/,
    )
    await drop('lying.glassbox.zip', lying)
    await expect(app.notice('error', 'Session bundle lying.glassbox.zip')).toContainText(
      'data/d.csv inflates beyond its declared 1 KiB (stopped there: a zip bomb or a damaged file)',
    )
    // The page still works on the session it had.
    await app.setThreshold(0.5)
    expect(await app.metric('accuracy')).toBe(accuracy)
    await app.setThreshold(0.35)
    await expect(app.el('threshold')).toHaveValue('0.35')
  })
})

// A consented origin's model.json, first listing its shards on a third origin, then redirecting
// there: the page never requests anything from the third origin.
test('a consented model.json cannot make the page fetch from a third origin, by its shards or a redirect', async ({
  app,
  baseURL,
}) => {
  const port = new URL(baseURL!).port
  const second = `http://127.0.0.1:${port}` // the origin the user agrees to
  const third = `http://127.0.0.2:${port}` // where the shards (then a redirect) point
  const ctx = app.page.context()
  const requests: string[] = []
  ctx.on('request', (r) => requests.push(r.url()))
  await ctx.route(`${third}/**`, (r) => r.abort())
  await test.step('a consented model.json cannot make the page fetch its shards from a third origin', async () => {
    const model = JSON.parse(readFileSync('public/demo/model.json', 'utf8')) as {
      weightsManifest: { paths: string[] }[]
    }
    for (const g of model.weightsManifest) g.paths = g.paths.map((p) => `${third}/demo/${p}`)
    await ctx.route(`${second}/elsewhere/model.json`, (r) =>
      r.fulfill({ contentType: 'application/json', body: JSON.stringify(model) }),
    )
    const state = {
      v: 1,
      src: {
        model: `${second}/elsewhere/model.json`,
        data: 'demo/data.csv',
        schema: 'demo/schema.json',
      },
      classIndex: null,
      threshold: 0.5,
      tab: 'Overview',
      localFiles: false,
    }
    await app.page.goto(`/#s=${compressToEncodedURIComponent(JSON.stringify(state))}`, {
      waitUntil: 'commit',
    })
    await expect(app.el('share-gate')).toBeVisible()
    await expect(app.el('share-gate-origin')).toHaveText([second])
    await app.page.waitForLoadState('networkidle')
    expect(requests.filter((u) => u.startsWith(second) || u.startsWith(third))).toEqual([])
    await app.el('gate-accept').click()
    await expect(app.notice('error', 'another origin than the model')).toContainText(
      `lists weight file "${third}/demo/group1-shard1of1.bin" on ${third}, another origin than the model's own (${second})`,
    )
    await app.page.waitForLoadState('networkidle')
    expect(requests.some((u) => u.startsWith(`${second}/elsewhere/model.json`))).toBe(true)
    expect(requests.filter((u) => u.startsWith(third))).toEqual([])
  })
  await test.step('a consented origin cannot redirect a linked model to a third origin', async () => {
    await ctx.route(`${second}/moved/model.json`, (r) =>
      r.fulfill({ status: 302, headers: { location: `${third}/demo/model.json` } }),
    )
    const moved = {
      v: 1,
      src: {
        model: `${second}/moved/model.json`,
        data: 'demo/data.csv',
        schema: 'demo/schema.json',
      },
      classIndex: null,
      threshold: 0.5,
      tab: 'Overview',
      localFiles: false,
    }
    await app.page.goto(`/?moved=1#s=${compressToEncodedURIComponent(JSON.stringify(moved))}`, {
      waitUntil: 'commit',
    })
    await expect(app.el('share-gate-origin')).toHaveText([second])
    await app.el('gate-accept').click()
    await expect(app.notice('error', 'answers with a redirect')).toContainText(
      `${second}/moved/model.json answers with a redirect, which a shared link does not follow`,
    )
    await app.page.waitForLoadState('networkidle')
    expect(requests.some((u) => u.startsWith(`${second}/moved/model.json`))).toBe(true)
    expect(requests.filter((u) => u.startsWith(third))).toEqual([])
  })
})
