/**
 * Gate expressions and output paths are checked before any work (issue 16): with a model path
 * that does not exist, the message is still about the gate or the output, so nothing was read.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { gateParse } from '../../src/cli/gates.ts'
import { reportPathProblem } from '../../src/report/paths.ts'
import { G, expectOneLine, glassbox } from './run.ts'

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-early-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** An audit and a drift whose model does not exist, with `extra` options. */
const runs = (...extra: string[]) => [
  glassbox(
    'audit',
    '--model',
    '/nonexistent/model.json',
    '--data',
    join(G, 'data.csv'),
    '--schema',
    join(G, 'schema.json'),
    ...extra,
  ),
  glassbox(
    'drift',
    '--model',
    '/nonexistent/model.json',
    '--schema',
    join(G, 'schema.json'),
    '--reference',
    join(G, 'data.csv'),
    '--current',
    join(G, 'data.csv'),
    ...extra,
  ),
]

describe('gates are checked before the audit', () => {
  const bad: [string, RegExp][] = [
    ['calibration.ece>>0.05', /bad --fail-on "calibration\.ece>>0\.05": expected "PATH OP NUMBER"/],
    ['calibration.ece=>0.05', /expected "PATH OP NUMBER"/],
    [
      'calibration.ecee>0.05',
      /unknown report path calibration\.ecee \(calibration has: ece, mce, bins\)/,
    ],
    ['metric.accuracy<0.8', /unknown report path metric \(a report has: reportVersion, .*metrics/],
    [
      'fairness.sex.groups.Female.tpx<0.1',
      /unknown report path fairness\.sex\.groups\.Female\.tpx/,
    ],
  ]
  for (const [gate, message] of bad)
    test(`"${gate}" is refused at once`, async () => {
      for (const r of runs('--fail-on', gate)) expectOneLine(await r, message)
    })

  test('paths the schema allows parse, including map keys and quoted names', () => {
    for (const ok of [
      'metrics.accuracy<0.8',
      'calibration.bins[3].count<1',
      'fairness.race.groups["Amer-Indian-Eskimo"].tpr<0.5',
      'fairness.sex.demographicParityDifference>0.1',
      'quantization.uint8.agreement<0.99',
      'explanations.489.shap.age>1',
      'drift.features.age.psi>0.2',
      'drift.maxPsi>0.2',
    ])
      expect(() => gateParse(ok)).not.toThrow()
    expect(reportPathProblem(['metrics', 'accuracy'])).toBeNull()
  })
})

describe('outputs are checked before the audit', () => {
  test('a missing --out directory is named at once', async () => {
    for (const r of runs('--out', join(tmp, 'missing', 'r.json')))
      expectOneLine(
        await r,
        /cannot write --out .*missing\/r\.json: its directory .*missing does not exist/,
      )
  })
  test('an --html that is a directory is named at once', async () => {
    for (const r of runs('--html', tmp))
      expectOneLine(await r, /cannot write --html .*: it is a directory/)
  })
})
