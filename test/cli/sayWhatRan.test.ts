/**
 * The CLI's report says what ran (issue 16): the background rows actually used (kmeans:K — the
 * medoid rows and their weights), the SHAP path of each explanation with its timings, and IG's
 * refinement per row; the report validates against public/schema/report.v1.json.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { G, GOLDEN_AUDIT, glassbox } from './run.ts'
import type { Report } from '../../src/report/types.ts'
import { reportValidate } from '../../src/report/validate.ts'
import { SHAP_PATH_MARGIN } from '../../src/core/shap/pathChoice.ts'

const tmp = mkdtempSync(join(tmpdir(), 'glassbox-ran-'))
const ref = JSON.parse(readFileSync(join(G, 'reference.json'), 'utf8')) as { predictions: number[] }

describe('glassbox audit says what ran', () => {
  it('kmeans:20: lists the medoid rows and weights; the base value is Σ w f(row) over them (reference predictions)', async () => {
    const out = join(tmp, 'kmeans.json')
    const r = await glassbox(
      ...GOLDEN_AUDIT,
      '--background',
      'kmeans:20',
      '--seed',
      '7',
      '--rows',
      '5,17',
      '--counterfactuals',
      '0',
      '--quantize',
      'none',
      '--out',
      out,
      '--quiet',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    const bg = report.explanations!['5']!.background!
    expect(report.explanations!['17']!.background).toEqual(bg)
    expect(bg.kind).toBe('kmeans')
    expect(bg.rows.length).toBe(bg.weights.length)
    expect(bg.rows.length).toBeLessThanOrEqual(20)
    expect(bg.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    const base = bg.rows.reduce((s, row, i) => s + bg.weights[i]! * ref.predictions[row]!, 0)
    for (const key of ['5', '17']) {
      const e = report.explanations![key]!
      expect(Math.abs(e.baseValue! - base)).toBeLessThan(1e-5)
      const p = e.shapPath!
      expect(p.path).toBe(
        p.msPerRow.blackBox! < SHAP_PATH_MARGIN * p.msPerRow.fast! ? 'blackBox' : 'fast',
      )
      expect(e.igRefinement!.stop).toMatch(/^(converged|cap)$/)
    }
  })
})
