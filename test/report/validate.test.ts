import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { reportValidate } from '../../src/report/validate.ts'
import type { Report } from '../../src/report/types.ts'
import { reportFixture } from './reportFixture.ts'

type Json = Record<string, unknown>
const schema = JSON.parse(
  readFileSync(new URL('../../public/schema/report.v1.json', import.meta.url), 'utf8'),
) as Json

/** The fixture as plain JSON, for deliberately broken variants. */
const loose = (): Json => reportFixture() as unknown as Json
const at = (o: Json, key: string): Json => o[key] as Json

describe('reportValidate', () => {
  it('accepts the golden-fixture report, also after a JSON round trip', () => {
    const report = reportFixture()
    expect(reportValidate(report)).toEqual({ valid: true, errors: [] })
    expect(reportValidate(JSON.parse(JSON.stringify(report)))).toEqual({ valid: true, errors: [] })
  })

  it('accepts a report with only the required sections', () => {
    const { reportVersion, tool, model, data, settings } = reportFixture()
    const minimal: Report = { reportVersion, tool, model, data, settings }
    expect(reportValidate(minimal).errors).toEqual([])
  })

  it('accepts null wherever the contract allows a zero denominator', () => {
    const r = reportFixture()
    r.metrics = { accuracy: null, rocAuc: null, logLoss: null, brier: null }
    r.calibration!.bins[3] = {
      lower: 0.3,
      upper: 0.4,
      count: 0,
      meanPredicted: null,
      fractionPositive: null,
    }
    r.calibration!.ece = null
    r.fairness!.race!.groups.Other!.tpr = null
    r.fairness!.race!.equalizedOddsRatio = null
    r.drift!.oodShare = null
    r.explanations!['1380']!.diversity = null
    expect(reportValidate(r).errors).toEqual([])
  })

  it('accepts settings.igSteps as a number and Kernel SHAP std errors with null entries', () => {
    const r = loose()
    at(r, 'settings').igSteps = 256
    const stdErr = at(at(at(r, 'explanations'), '1175'), 'shapStdErr')
    stdErr.race = null
    expect(reportValidate(r).errors).toEqual([])
  })

  it('names a missing model.sha256', () => {
    const r = loose()
    delete at(r, 'model').sha256
    const res = reportValidate(r)
    expect(res.valid).toBe(false)
    expect(res.errors).toEqual(['/model must have required property "sha256"'])
  })

  it('names a string where a number belongs', () => {
    const r = loose()
    at(r, 'metrics').accuracy = '0.852'
    at(r, 'data').rows = '2000'
    expect(reportValidate(r).errors).toEqual([
      '/data/rows must be integer',
      '/metrics/accuracy must be number or null',
    ])
  })

  it('rejects an unknown top-level key and a typo in settings', () => {
    const r = loose()
    r.metric = {}
    at(r, 'settings').treshold = 0.5
    const { errors } = reportValidate(r)
    expect(errors).toContain('/ must NOT have additional property "metric"')
    expect(errors).toContain('/settings must NOT have additional property "treshold"')
  })

  it('rejects igSteps "fast" at its path', () => {
    const r = loose()
    at(r, 'settings').igSteps = 'fast'
    const { valid, errors } = reportValidate(r)
    expect(valid).toBe(false)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^\/settings\/igSteps /)
  })

  it('rejects NaN, non-integer rows, unknown scheme ids and non-numeric row keys', () => {
    const r = loose()
    at(r, 'metrics').brier = NaN
    at(r, 'settings').rows = [489, 1.5]
    at(r, 'settings').quantize = ['int9']
    at(r, 'explanations').row1 = { prediction: 0.5 }
    at(r, 'quantization').int9 = at(r, 'quantization').uint8
    const { errors } = reportValidate(r)
    expect(errors).toContain('/metrics/brier must be number or null')
    expect(errors).toContain('/settings/rows/1 must be integer')
    expect(errors.some((e) => e.startsWith('/settings/quantize/0 must be one of "float16"'))).toBe(
      true,
    )
    expect(errors.some((e) => e.startsWith('/explanations key "row1" '))).toBe(true)
    expect(errors.some((e) => e.startsWith('/quantization key "int9" '))).toBe(true)
  })

  it('checks explanation entries: prediction required, counterfactual fields typed', () => {
    const r = loose()
    const ex = at(r, 'explanations')
    delete at(ex, '1795').prediction
    const cf = (at(ex, '489').counterfactuals as Json[])[0]!
    cf.changes = { age: true }
    delete cf.nChanged
    const { errors } = reportValidate(r)
    expect(errors).toContain('/explanations/1795 must have required property "prediction"')
    expect(errors).toContain(
      '/explanations/489/counterfactuals/0/changes/age must be number or string',
    )
    expect(errors).toContain(
      '/explanations/489/counterfactuals/0 must have required property "nChanged"',
    )
  })

  it('rejects a wrong reportVersion or tool name and a malformed sha256', () => {
    const r = loose()
    r.reportVersion = 2
    at(r, 'tool').name = 'other'
    at(r, 'data').sha256 = 'ABC'
    const { errors } = reportValidate(r)
    expect(errors).toContain('/reportVersion must be 1')
    expect(errors).toContain('/tool/name must be "glassbox"')
    expect(errors.some((e) => e.startsWith('/data/sha256 must match pattern'))).toBe(true)
  })

  it('rejects a non-object', () => {
    expect(reportValidate(null)).toEqual({ valid: false, errors: ['/ must be object'] })
  })
})

describe('report.v1.json', () => {
  const props = (o: Json): Json => o.properties as Json

  it('requires exactly the settings the Report type has, each described', () => {
    const settings = at(props(schema), 'settings')
    expect([...(settings.required as string[])].sort()).toEqual(
      Object.keys(reportFixture().settings).sort(),
    )
    for (const section of ['model', 'data', 'settings'])
      for (const [key, p] of Object.entries(props(at(props(schema), section))))
        expect((p as Json).description, `${section}.${key}`).toEqual(expect.any(String))
  })

  it('is draft 2020-12 and closed at the top level and in model, data and settings', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.additionalProperties).toBe(false)
    for (const section of ['tool', 'model', 'data', 'settings'])
      expect(at(props(schema), section).additionalProperties).toBe(false)
  })
})
