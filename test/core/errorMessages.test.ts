/**
 * No internal function name reaches a user (issue 16): a thrown message must not start with
 * `someFunction:` (or `${fn}:`, a function name passed in). This test greps `src` for that shape
 * and fails when a new one appears. KNOWN held the sites that predated the rule (148 in 59 files);
 * every one has been rewritten in words, so it is empty and must stay so.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** `Error(` then a quote, then `lowerCamelName:` or `${fn}:` / `${criterion}:`. */
const INTERNAL_NAME = /Error\(\s*[`'"](?:[a-z][A-Za-z0-9]*|\$\{(?:fn|criterion)\}):/g

/** Sites that predate the rule (file → count); never add to this list, only remove. */
const KNOWN = new Map<string, number>([])

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  )

/** Every file of src with its count of internal-name messages (files with none left out). */
function internalNameSites(): Map<string, number> {
  const out = new Map<string, number>()
  for (const f of walk(join(root, 'src'))) {
    const n = readFileSync(f, 'utf8').match(INTERNAL_NAME)?.length ?? 0
    if (n > 0) out.set(relative(root, f).split('\\').join('/'), n)
  }
  return out
}

describe('error messages', () => {
  it('the pattern catches the shapes it is meant to and spares file-name prefixes', () => {
    const hits = (s: string) => s.match(INTERNAL_NAME)?.length ?? 0
    expect(hits('throw new RangeError(`confusionAt: p[21] is NaN`)')).toBe(1)
    expect(hits("throw new Error('quantizeUint8: w is not finite')")).toBe(1)
    expect(hits('throw new RangeError(\n  `${fn}: threshold is NaN`)')).toBe(1)
    expect(hits('throw new ModelError(`${name}: the output is not a probability`)')).toBe(0)
    expect(hits("throw new RangeError('the decision threshold is NaN')")).toBe(0)
  })

  it('no new message starts with an internal function name (the known sites may only shrink)', () => {
    const grown = [...internalNameSites()]
      .filter(([f, n]) => n > (KNOWN.get(f) ?? 0))
      .map(([f, n]) => `${f}: ${n} (known ${KNOWN.get(f) ?? 0})`)
    expect(grown, 'say the problem in the user’s words (src/core/errors.ts ValueError)').toEqual([])
  })

  it('the modules of the explainers, metrics, calibration, quantization and tfjs loading have none', () => {
    const owned =
      /^src\/(core\/(shap|attribution|quantize|metrics)\/|core\/(explain|calibration|errors)\.ts|model\/tfjs\/)/
    expect([...internalNameSites().keys()].filter((f) => owned.test(f))).toEqual([])
  })

  it('no file has one, nor a method or class name (`rng.int:`, `CsvChunkParser:`)', () => {
    expect([...internalNameSites().keys()]).toEqual([])
    const method =
      /Error\(\s*[`'"](?:[a-z][A-Za-z0-9]*\.(?!(json|csv|onnx|parquet|bin)\b)[a-z]\w*|[A-Z][a-z]+[A-Z]\w*):/
    expect(method.test('throw new RangeError(`rng.int: n must be a positive integer`)')).toBe(true)
    expect(method.test("throw new Error('CsvChunkParser: push after the last piece')")).toBe(true)
    expect(method.test("throw new TypeError('model.json: bad weightsManifest group')")).toBe(false)
    expect(method.test("throw new RangeError('SHAP: membership has 3 entries')")).toBe(false)
    const dotted = walk(join(root, 'src'))
      .map((f) => relative(root, f).split('\\').join('/'))
      .filter((f) => method.test(readFileSync(join(root, f), 'utf8')))
    expect(dotted).toEqual([])
  })
})
