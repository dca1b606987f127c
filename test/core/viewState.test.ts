/**
 * The view-state validator: every field of a link / bundle / persisted view is checked against
 * its type and bounds (the numbers below are written out here, not read from viewLimits.ts, so a
 * change of a bound has to be a deliberate change of this test too) and names in the schema.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Schema } from '../../src/core/schema.ts'
import {
  VIEW_FIELDS,
  type ViewContext,
  viewDroppedText,
  viewStateValidate,
} from '../../src/core/viewState.ts'

const schema: Schema = {
  schemaVersion: 1,
  name: 'toy',
  target: { column: 'y', positive: '1' },
  features: [
    { name: 'age', type: 'numeric', mean: 40, std: 10 },
    { name: 'sex', type: 'categorical', categories: ['F', 'M'] },
    { name: '__proto__', type: 'numeric', mean: 0, std: 1 },
  ],
  sensitive: ['sex', 'race'],
  output: { kind: 'probability' },
}
const ctx: ViewContext = {
  schema,
  nRows: 100,
  tabs: ['Overview', 'Explain'],
  backends: ['wasm', 'cpu'],
}

/** Builds `{a: {b: v}}` from 'a.b'. */
function at(path: string, v: unknown): Record<string, unknown> {
  const keys = path.split('.')
  let out: unknown = v
  for (const k of keys.reverse()) out = { [k]: out }
  return out as Record<string, unknown>
}

/** For every field: values it must accept, and values it must drop with a reason. */
const CASES: Record<string, { ok: unknown[]; bad: [unknown, string][] }> = {
  v: { ok: [1], bad: [[2, 'is not one of 1']] },
  'src.model': {
    ok: ['https://a.example/m.json', 'demo/model.json', '/x/model.json'],
    bad: [
      ['javascript:alert(1)', 'javascript: URL'],
      ['data:text/plain,hi', 'data: URL'],
      ['file:///etc/passwd', 'file: URL'],
      ['', 'is not a URL'],
      [42, 'is not a URL'],
      [`https://a.example/${'x'.repeat(5000)}`, 'at most 4096'],
    ],
  },
  classIndex: {
    ok: [null, 0, 3, 1023],
    bad: [
      [-1, 'below the minimum 0'],
      [1.5, 'whole'],
      [1024, 'above the maximum 1023'],
    ],
  },
  localFiles: { ok: [true, false], bad: [['yes', 'not true or false']] },
  localChallenger: { ok: [true, false], bad: [[1, 'not true or false']] },
  show: { ok: ['challenger'], bad: [['champion', 'is not one of challenger']] },
  threshold: {
    ok: [0, 0.5, 1],
    bad: [
      [1.01, 'above the maximum 1'],
      [-0.1, 'below the minimum 0'],
      ['0.5', 'is not a number (string)'],
      [null, 'is not a number'],
    ],
  },
  tab: {
    ok: ['Explain'],
    bad: [
      ['Admin', 'is not a tab'],
      [3, 'is not a tab'],
    ],
  },
  'cohort.text': {
    ok: ['age > 40', ''],
    bad: [
      ['x'.repeat(2001), 'at most 2000'],
      [7, 'is not text'],
    ],
  },
  'cohort.restrict': { ok: [true], bad: [[1, 'not true or false']] },
  'explain.row': {
    ok: [-1, 0, 99],
    bad: [
      [100, 'above the maximum 99'],
      [-2, 'below the minimum 0'],
      [2.5, 'whole'],
    ],
  },
  'explain.settings.background.kind': {
    ok: ['first', 'sample', 'kmeans'],
    bad: [['all', 'is not one of']],
  },
  'explain.settings.background.k': {
    ok: [1, 50, 1000],
    bad: [
      [0, 'below the minimum 1'],
      [1001, 'above the maximum 1000'],
      [1e9, 'above'],
    ],
  },
  'explain.settings.budget': {
    ok: [16, 4096, 1048576],
    bad: [
      [15, 'below the minimum 16'],
      [1048577, 'above the maximum 1048576'],
      [Infinity, 'Infinity is not a finite number'],
    ],
  },
  'explain.settings.seed': {
    ok: [0, 4294967295],
    bad: [
      [-1, 'below'],
      [4294967296, 'above'],
      [0.5, 'whole'],
    ],
  },
  'explain.settings.shap': { ok: [false], bad: [['false', 'not true or false']] },
  'explain.settings.igSteps': {
    ok: ['auto', 0, 1, 4096],
    bad: [
      [4097, 'above the maximum 4096'],
      ['many', 'is not a number'],
      [-3, 'below'],
    ],
  },
  'explain.settings.igMethod': {
    ok: ['midpoint', 'gausslegendre'],
    bad: [['simpson', 'is not one of']],
  },
  'explain.settings.igBaseline': {
    ok: ['mean', 'zeros', 'expected', 'row:0', 'row:99'],
    bad: [
      ['row:100', 'above the maximum 99'],
      ['median', 'not mean, zeros'],
      ['row:-1', 'not mean'],
    ],
  },
  'explain.settings.counterfactuals': {
    ok: [0, 1, 20],
    bad: [
      [21, 'above the maximum 20'],
      [1e6, 'above'],
    ],
  },
  'explain.settings.threshold': { ok: [0.3], bad: [[2, 'above the maximum 1']] },
  'explain.settings.counterfactualConstraints': {
    ok: [
      { immutable: ['age'] },
      { immutable: ['__proto__'], directions: { age: 'increase' }, gridSize: 24 },
      { ranges: { age: { min: 18, max: 60 } }, steps: { age: 1 }, categories: { sex: ['F'] } },
    ],
    bad: [
      [
        { immutable: ['income'] },
        'immutable: item 0: "income" is not a feature of the loaded schema',
      ],
      [{ directions: { age: 'sideways' } }, 'is not one of'],
      [{ ranges: { age: { min: 'x' } } }, 'not a finite min/max'],
      [{ steps: { age: -1 } }, 'negative'],
      [{ categories: { age: ['F'] } }, 'not a categorical feature'],
      [{ categories: { sex: ['X'] } }, 'is not one of F, M'],
      [{ gridSize: 1e6 }, 'above the maximum 256'],
      [{ evil: 1 }, '"evil" is not a constraint'],
      [[], 'is not an object'],
    ],
  },
  'explain.settings.fastPath': { ok: [true], bad: [[0, 'not true or false']] },
  'explain.settings.treeShap': {
    ok: [[], ['interventional']],
    bad: [
      [['both'], 'item 0'],
      [['interventional', 'interventional'], 'listed twice'],
    ],
  },
  'explain.globalN': {
    ok: [1, 1000000],
    bad: [
      [0, 'below'],
      [1e7, 'above the maximum 1000000'],
    ],
  },
  'explain.dependenceFeature': {
    ok: [null, 0, 2],
    bad: [
      [3, 'above the maximum 2'],
      [-1, 'below'],
    ],
  },
  'explain.dependenceColor': { ok: [null, -1, 2], bad: [[3, 'above the maximum 2']] },
  dataRow: { ok: [null, 0, 99], bad: [[100, 'above the maximum 99']] },
  'calibration.strategy': { ok: ['width', 'mass'], bad: [['quantile', 'is not one of']] },
  'calibration.nBins': {
    ok: [2, 50],
    bad: [
      [1, 'below the minimum 2'],
      [51, 'above the maximum 50'],
    ],
  },
  'calibration.groupAttr': { ok: [null, 'race'], bad: [['age', 'not a sensitive column']] },
  'fairness.attrs': {
    ok: [[], ['sex', 'race']],
    bad: [
      [['sex', 'religion'], 'item 1'],
      ['sex', 'is not a list'],
    ],
  },
  'compression.ids': {
    ok: [['float16', 'int8']],
    bad: [
      [['int3'], 'item 0'],
      [['float16', 'float16'], 'listed twice'],
    ],
  },
  'compression.calibrationRows': { ok: [1, 10000000], bad: [[10000001, 'above']] },
  'compression.shapRows': { ok: [1], bad: [[0, 'below']] },
  'compression.tolerance': { ok: [0, 1], bad: [[1.5, 'above the maximum 1']] },
  backend: {
    ok: [null, 'wasm'],
    bad: [
      ['webgpu', 'is not a backend'],
      ['rm -rf', 'is not a backend'],
    ],
  },
  'monitoring.seed': { ok: [7], bad: [[2 ** 40, 'above']] },
  'monitoring.selectedFeature': { ok: [null, 'age'], bad: [['income', 'not a feature']] },
  'monitoring.sort.key': { ok: ['psi'], bad: [['constructor', 'is not one of']] },
  'monitoring.sort.dir': { ok: ['asc'], bad: [['up', 'is not one of']] },
  'monitoring.histMode': { ok: ['psi'], bad: [['pie', 'is not one of']] },
}

describe('viewStateValidate', () => {
  it('has a case for every field of the table', () => {
    const tested = new Set(Object.keys(CASES))
    for (const path of Object.keys(VIEW_FIELDS)) {
      if (path.startsWith('src.')) continue // src.model stands for the four source URLs
      expect(tested.has(path), path).toBe(true)
    }
  })

  for (const [path, { ok, bad }] of Object.entries(CASES)) {
    it(`${path}: accepts what the dashboard can set and drops the rest, naming the field`, () => {
      for (const v of ok) {
        const r = viewStateValidate(at(path, v), ctx)
        expect(r.dropped, `${path} = ${JSON.stringify(v)}`).toEqual([])
        expect((r.accepted as Record<string, unknown>)[path]).toEqual(v)
      }
      for (const [v, reason] of bad) {
        const r = viewStateValidate(at(path, v), ctx)
        expect(r.accepted as Record<string, unknown>).not.toHaveProperty([path])
        expect(r.dropped).toHaveLength(1)
        expect(r.dropped[0]!.field).toBe(path)
        expect(r.dropped[0]!.reason).toContain(reason)
      }
    })
  }

  it('drops unknown keys and non-objects on the way to a field, keeping the rest', () => {
    const r = viewStateValidate(
      {
        v: 1,
        threshold: 0.4,
        evil: { run: 'x' },
        explain: { settings: 5, row: 3 },
        ['__proto__']: 1,
      },
      ctx,
    )
    expect(r.accepted).toEqual({ v: 1, threshold: 0.4, 'explain.row': 3 })
    expect(r.dropped.map((d) => d.field).sort()).toEqual(['__proto__', 'evil', 'explain.settings'])
  })

  it('with no session loaded accepts no row, feature or column name', () => {
    const none: ViewContext = { ...ctx, schema: null, nRows: 0 }
    const r = viewStateValidate(
      { dataRow: 0, fairness: { attrs: ['sex'] }, monitoring: { selectedFeature: 'age' } },
      none,
    )
    expect(r.accepted).toEqual({})
    expect(r.dropped.map((d) => d.reason)).toEqual([
      'cannot name a row: no data is loaded',
      'item 0: cannot name a sensitive column: no schema is loaded',
      'cannot name a feature: no schema is loaded',
    ])
  })

  it("only: 'source' checks the link's sources and ignores the view fields", () => {
    const r = viewStateValidate(
      { v: 1, src: { model: 'javascript:x', data: 'd.csv' }, threshold: 9, classIndex: 2 },
      ctx,
      'source',
    )
    expect(r.accepted).toEqual({ v: 1, 'src.data': 'd.csv', classIndex: 2 })
    expect(r.dropped).toEqual([
      {
        field: 'src.model',
        reason: '"javascript:x" is a javascript: URL (only http and https sources load)',
      },
    ])
  })

  it('refuses a state that is not an object', () => {
    for (const raw of [null, 3, 'x', [1]])
      expect(viewStateValidate(raw, ctx).dropped[0]!.field).toBe('(view state)')
  })
})

describe('viewDroppedText', () => {
  it('names every dropped field and why in one sentence, and nothing when none was dropped', () => {
    expect(viewDroppedText('This link', [])).toBeNull()
    expect(
      viewDroppedText('This link', [
        { field: 'explain.settings.budget', reason: '1e+300 is above the maximum 1048576' },
        { field: 'tab', reason: '"Admin" is not a tab (Overview, Explain)' },
      ]),
    ).toBe(
      'This link: 2 view settings were ignored — explain.settings.budget (1e+300 is above the maximum 1048576); tab ("Admin" is not a tab (Overview, Explain)).',
    )
  })
})

/** Whether `v` is within the bounds the contracts and the UI give `path` (written out here). */
function inBounds(path: string, v: unknown): boolean {
  const n = (lo: number, hi: number, int = true) =>
    typeof v === 'number' &&
    Number.isFinite(v) &&
    v >= lo &&
    v <= hi &&
    (!int || Number.isInteger(v))
  switch (path) {
    case 'threshold':
    case 'explain.settings.threshold':
    case 'compression.tolerance':
      return n(0, 1, false)
    case 'explain.settings.budget':
      return n(16, 2 ** 20)
    case 'explain.settings.background.k':
      return n(1, 1000)
    case 'explain.settings.seed':
    case 'monitoring.seed':
      return n(0, 2 ** 32 - 1)
    case 'explain.settings.igSteps':
      return v === 'auto' || n(0, 4096)
    case 'explain.settings.counterfactuals':
      return n(0, 20)
    case 'explain.row':
      return n(-1, 99)
    case 'dataRow':
      return v === null || n(0, 99)
    case 'explain.globalN':
      return n(1, 1e6)
    case 'calibration.nBins':
      return n(2, 50)
    case 'classIndex':
      return v === null || n(0, 1023)
    case 'explain.dependenceFeature':
      return v === null || n(0, 2)
    case 'explain.dependenceColor':
      return v === null || n(-1, 2)
    case 'cohort.text':
      return typeof v === 'string' && v.length <= 2000
    default:
      return true
  }
}

/** A valid state's paths with arbitrary JSON in some of their places (near-misses). */
const nearState = fc
  .record(
    Object.fromEntries(
      Object.entries(CASES).map(([p, c]) => [
        p,
        fc.oneof(
          fc.constantFrom(...c.ok),
          fc.constantFrom(...c.bad.map((b) => b[0])),
          fc.jsonValue(),
          fc.double(),
          fc.integer({ min: -2, max: 2 ** 33 }),
        ),
      ]),
    ),
    { requiredKeys: [] },
  )
  .map((fields) => {
    const out: Record<string, unknown> = {}
    for (const [p, v] of Object.entries(fields)) {
      let o = out
      const keys = p.split('.')
      for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>
      o[keys.at(-1)!] = v
    }
    return out
  })

describe('viewStateValidate (properties)', () => {
  it('never throws on arbitrary JSON and accepts only values within bounds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearState, fc.object()), (raw) => {
        const { accepted, dropped } = viewStateValidate(raw, ctx)
        for (const [p, v] of Object.entries(accepted)) {
          expect(Object.keys(VIEW_FIELDS)).toContain(p)
          expect(inBounds(p, v), `${p} = ${JSON.stringify(v)}`).toBe(true)
        }
        for (const d of dropped) expect(d.reason.length).toBeGreaterThan(0)
        expect(viewDroppedText('x', dropped)?.length ?? 0).toBeLessThan(4000)
      }),
      { numRuns: 400 },
    )
  })

  it('accepts a field exactly when it is given and valid: accepted + dropped cover the given paths', () => {
    fc.assert(
      fc.property(nearState, (raw) => {
        const { accepted, dropped } = viewStateValidate(raw, ctx)
        const given = Object.keys(CASES).filter((p) => {
          let o: unknown = raw
          for (const k of p.split('.')) {
            if (typeof o !== 'object' || o === null || !(k in o)) return false
            o = (o as Record<string, unknown>)[k]
          }
          return true
        })
        for (const p of given)
          expect(p in accepted || dropped.some((d) => d.field === p), p).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
