import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  categoryColor,
  Color,
  parseColor,
  resolveCssVars,
  seriesColor,
} from '../../../src/ui/kit/palette.ts'

const ui = join(dirname(fileURLToPath(import.meta.url)), '../../../src/ui')
const paletteCss = readFileSync(join(ui, 'palette.css'), 'utf8')
/** Custom properties the palette defines. */
const defined = new Set([...paletteCss.matchAll(/^\s*(--gb-[\w-]+):/gm)].map((m) => m[1]!))

/** Every .ts, .tsx and .css file under src/ui. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? sources(p) : /\.(tsx?|css)$/.test(f) ? [p] : []
  })
}

describe('the palette', () => {
  it('defines every --gb-* property that src/ui refers to', () => {
    const missing: string[] = []
    for (const file of sources(ui))
      for (const m of readFileSync(file, 'utf8').matchAll(/var\((--gb-[\w-]+)\)/g))
        if (!defined.has(m[1]!)) missing.push(`${file}: ${m[1]}`)
    for (let k = 0; k < 10; k++) {
      for (const name of [seriesColor(k), categoryColor(k)]) {
        const v = /var\((--gb-[\w-]+)\)/.exec(name)![1]!
        if (!defined.has(v)) missing.push(`palette.ts: ${v}`)
      }
    }
    expect(missing).toEqual([])
  })
  // ("black box", the model-call SHAP path, is words, not a colour.)
  it('is the only place with literal colours in src/ui', () => {
    const literal =
      /#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b|\brgba?\(|(?<![\w-])(?:white|black)(?![\w-]|\s+box)/
    const found: string[] = []
    for (const file of sources(ui)) {
      if (file.endsWith('palette.css')) continue
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$|\/\*.*?\*\/|^\s*\*.*$/g, '')
          if (literal.test(code)) found.push(`${file}:${i + 1}: ${line.trim()}`)
        })
    }
    expect(found).toEqual([])
  })
  it('names only palette properties in Color', () => {
    for (const v of Object.values(Color)) {
      const name = /^var\((--gb-[\w-]+)\)$/.exec(v)?.[1]
      expect(name && defined.has(name), v).toBe(true)
    }
  })
})

describe('seriesColor and categoryColor', () => {
  it('cycle over ten series and clamp categories to ten', () => {
    expect(seriesColor(0)).toBe('var(--gb-series-1)')
    expect(seriesColor(9)).toBe('var(--gb-series-10)')
    expect(seriesColor(10)).toBe('var(--gb-series-1)')
    expect(seriesColor(-1)).toBe('var(--gb-series-10)')
    expect(categoryColor(3)).toBe('var(--gb-category-4)')
    expect(categoryColor(12)).toBe('var(--gb-category-10)')
  })
})

describe('parseColor', () => {
  it('reads hex and rgb() colours', () => {
    expect(parseColor('#1e88e5')).toEqual([0x1e, 0x88, 0xe5])
    expect(parseColor(' #FFF ')).toEqual([255, 255, 255])
    expect(parseColor('rgb(124, 58, 237)')).toEqual([124, 58, 237])
    expect(parseColor('var(--gb-x)')).toBeNull()
    expect(parseColor('')).toBeNull()
  })
})

describe('resolveCssVars', () => {
  const values: Record<string, string> = { '--gb-up': '#dc2626', '--gb-axis': '#4b5563' }
  const lookup = (n: string) => values[n] ?? ''
  it('replaces every known reference, in attributes and in style text', () => {
    expect(
      resolveCssVars('<rect fill="var(--gb-up)" style="fill: var( --gb-axis );"/>', lookup),
    ).toBe('<rect fill="#dc2626" style="fill: #4b5563;"/>')
  })
  it('uses the fallback of an unknown name, else leaves the reference', () => {
    expect(resolveCssVars('var(--gb-none, #123456)', lookup)).toBe('#123456')
    expect(resolveCssVars('var(--gb-none)', lookup)).toBe('var(--gb-none)')
    expect(resolveCssVars('no references', lookup)).toBe('no references')
  })
})
