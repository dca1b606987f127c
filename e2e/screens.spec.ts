/**
 * Every view of the demo at 1,440 × 900: a full-page screenshot of each is attached to the test
 * report, and each is checked for clipped text (every text of a chart inside its svg) and tables
 * wider than their card (unless inside a TableScroll, which scrolls on purpose).
 */
import type { Page } from '@playwright/test'
import { type Tab, attachScreenshot, expect, test } from './fixtures.ts'

/** Texts of charts that stick out of their svg, and tables wider than their box. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = []
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()} “${(el.textContent ?? '').trim().slice(0, 40)}”`
    for (const svg of document.querySelectorAll('main svg')) {
      const box = svg.getBoundingClientRect()
      if (box.width === 0 || box.height === 0) continue
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect()
        if (r.width === 0 || (t.textContent ?? '').trim() === '') continue
        const slack = 1
        if (
          r.left < box.left - slack ||
          r.right > box.right + slack ||
          r.top < box.top - slack ||
          r.bottom > box.bottom + slack
        )
          out.push(`${describe(t)} outside its svg`)
      }
    }
    for (const table of document.querySelectorAll('main table')) {
      if (table.closest('.tableScroll')) continue
      const parent = table.parentElement!
      if (parent.scrollWidth > parent.clientWidth + 1)
        out.push(
          `${describe(table)} overflows its box by ${parent.scrollWidth - parent.clientWidth}px`,
        )
    }
    if (document.documentElement.scrollWidth > window.innerWidth)
      out.push(`the page scrolls sideways (${document.documentElement.scrollWidth}px)`)
    return out
  })
}

test('every view at 1,440 px: screenshots, no clipped chart text, no overflowing table', async ({
  page,
  app,
}, testInfo) => {
  test.setTimeout(300_000)
  await page.setViewportSize({ width: 1440, height: 900 })
  await app.open()
  const problems: string[] = []
  const visit = async (name: string) => {
    await attachScreenshot(page, testInfo, name)
    problems.push(...(await layoutProblems(page)).map((p) => `${name}: ${p}`))
  }
  await visit('overview')
  await app.openExplain()
  await visit('explain')
  // The two views that show results only once asked: their results are what gets looked at.
  const start: Partial<Record<Tab, string>> = {
    Compression: 'run-compression',
    Monitoring: 'load-drifted',
  }
  const tabs: Tab[] = ['Calibration', 'Fairness', 'Data', 'Compression', 'Monitoring']
  for (const t of tabs) {
    await app.openTab(t)
    // The layout is the subject here, not the SHAP-stability numbers (compression.spec.ts checks
    // them): 8 rows instead of 50 keep every column and variant of the table.
    if (t === 'Compression') await app.fillNumber('shap-rows', 8)
    const button = start[t]
    if (button) await app.el(button).click()
    await app.waitIdle(180_000)
    // Charts draw after their data arrives and animate in: wait for the view to settle.
    await page.waitForTimeout(1500)
    await visit(t.toLowerCase())
  }
  // The compression results table fits at this width (no sideways scrolling needed).
  await app.openTab('Compression')
  const fit = await app.el('compression-table').evaluate((t) => ({
    table: t.scrollWidth,
    box: t.closest('.tableScroll')!.clientWidth,
  }))
  expect(fit.table).toBeLessThanOrEqual(fit.box)
  expect(problems).toEqual([])
})
