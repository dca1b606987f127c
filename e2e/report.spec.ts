import { readFileSync } from 'node:fs'
import { reportHtml } from '../src/report/html.ts'
import type { Report } from '../src/report/types.ts'
import { reportValidate } from '../src/report/validate.ts'
import { expect, test } from './fixtures.ts'

test('the browser audit exports valid report JSON and the same HTML the CLI renders', async ({
  page,
  app,
}) => {
  await app.open('?demo=0')
  await app.loadGolden()
  await page.getByTestId('review-name').fill('<img src=x onerror=alert(1)>')
  await page.getByTestId('review-decision').selectOption('approved with conditions')
  await page.getByTestId('review-notes').fill('Checked calibration by group.')
  await page.getByTestId('run-audit').click()
  await expect(page.getByTestId('report-summary')).toContainText('8 rows explained', {
    timeout: 60_000,
  })
  const [jsonDl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-report-json').click(),
  ])
  const report = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8')) as Report
  expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
  expect(Math.abs(report.metrics!.accuracy! - 0.852)).toBeLessThan(1e-6)
  expect(Math.abs(report.calibration!.ece! - 0.033989215224780975)).toBeLessThan(1e-6)
  const [htmlDl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-report-html').click(),
  ])
  const html = readFileSync((await htmlDl.path())!, 'utf8')
  // Same report object → byte-identical HTML from the Node renderer (the CLI's).
  expect(html).toBe(reportHtml(report))
  expect(html).not.toMatch(/<script|http|<img/i)
  expect(report.review).toEqual({
    reviewer: '<img src=x onerror=alert(1)>',
    decision: 'approved with conditions',
    notes: 'Checked calibration by group.',
  })
  expect(report.quantization!.uint8!.agreement).toBe(0.9955)
  // Opening the report makes no network request at all.
  const requests: string[] = []
  const viewer = await page.context().newPage()
  viewer.on('request', (r) => requests.push(r.url()))
  await viewer.setContent(html)
  await expect(viewer.getByRole('heading', { name: 'Review' })).toBeVisible()
  expect(requests).toEqual([])
})
