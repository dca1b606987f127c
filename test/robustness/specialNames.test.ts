/**
 * Keys from data are not object properties (issue 16): a feature, a sensitive column or a
 * category named like one of JavaScript's special properties (`__proto__`, `constructor`, …)
 * works like any other name through the whole audit. Property: the golden audit with such names
 * equals the golden audit with the ordinary names, after renaming every key and string value.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { G, glassbox } from '../cli/run.ts'

/** Names an object literal treats specially (own, inherited or accessor properties). */
const SPECIAL = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__lookupSetter__',
  'toLocaleString',
]
/** The ordinary names the special ones replace: two features, their categories, a column. */
const ROLES = ['race', 'sex', 'Female', 'Male', 'White', 'education'] as const

let tmp: string
let baseline: unknown

/** Writes schema and data with `names` (role → name) and returns the report of their audit. */
async function auditNamed(names: Map<string, string>, tag: string): Promise<unknown> {
  const rename = (s: string) => names.get(s) ?? s
  const schema = JSON.parse(readFileSync(join(G, 'schema.json'), 'utf8')) as {
    sensitive: string[]
    features: { name: string; categories?: string[] }[]
  }
  schema.sensitive = [...schema.sensitive, 'education'].map(rename)
  for (const f of schema.features) {
    if (f.categories && (f.name === 'sex' || f.name === 'race'))
      f.categories = f.categories.map(rename)
    f.name = rename(f.name)
  }
  const lines = readFileSync(join(G, 'data.csv'), 'utf8').trimEnd().split('\n')
  const header = lines[0]!.split(',')
  const renamedCells = new Set([header.indexOf('sex'), header.indexOf('race')])
  const data = [
    header.map(rename).join(','),
    ...lines.slice(1).map((l) =>
      l
        .split(',')
        .map((c, i) => (renamedCells.has(i) ? rename(c) : c))
        .join(','),
    ),
  ]
  const dir = join(tmp, tag)
  const out = join(tmp, `${tag}.json`)
  writeFileSync(`${dir}-schema.json`, JSON.stringify(schema))
  writeFileSync(`${dir}-data.csv`, `${data.join('\n')}\n`)
  const r = await glassbox(
    'audit',
    '--model',
    join(G, 'model.json'),
    '--data',
    `${dir}-data.csv`,
    '--schema',
    `${dir}-schema.json`,
    '--rows',
    '489,1175',
    '--ig-steps',
    '16',
    '--counterfactuals',
    '1',
    '--quantize',
    'uint8',
    '--out',
    out,
    '--fast-path', // no timed SHAP path choice: the two audits compare exactly
    '--quiet',
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(readFileSync(out, 'utf8'))
}

/** `value` with every key and string value found in `names` renamed (own keys, in order). */
function renamed(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => renamed(v, names))
  if (typeof value === 'string') return names.get(value) ?? value
  if (value === null || typeof value !== 'object') return value
  const out: [string, unknown][] = Object.entries(value).map(([k, v]) => [
    names.get(k) ?? k,
    renamed(v, names),
  ])
  return Object.fromEntries(out)
}

/** Timing and identity fields that differ between any two runs or files. */
function stable(report: unknown): unknown {
  const r = report as Record<string, unknown>
  const { tool: _t, data: _d, ...rest } = r
  return rest
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'glassbox-names-'))
  baseline = await auditNamed(new Map(), 'plain')
}, 120_000)
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

test('special property names as features, sensitive columns and categories change nothing but the names', async () => {
  let run = 0
  await fc.assert(
    fc.asyncProperty(
      fc.shuffledSubarray(SPECIAL, { minLength: ROLES.length, maxLength: ROLES.length }),
      async (picked) => {
        const names = new Map(ROLES.map((role, i) => [role, picked[i]!]))
        const report = await auditNamed(names, `run${run++}`)
        // JSON.parse makes "__proto__" an own key, so the comparison sees every key.
        expect(stable(report)).toEqual(stable(renamed(baseline, names)))
      },
    ),
    // Each run is a whole audit (≈ 5 s); the first run always puts __proto__ on a sensitive column.
    { numRuns: 3, seed: 16, examples: [[SPECIAL.slice(0, ROLES.length).reverse()]] },
  )
}, 300_000)
