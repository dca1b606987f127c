/**
 * The project must stand on its own (docs/contracts.md §6): nothing in src, test, e2e or scripts
 * may point at the workspace's shared folder. The forbidden strings are assembled at run time so
 * that this file does not contain them itself.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
const FORBIDDEN = ['..' + '/shared', '/work' + '/shared']
const EXTENSIONS = new Set([
  '.ts',
  '.tsx',
  '.js',
  '.mjs',
  '.cjs',
  '.json',
  '.csv',
  '.md',
  '.html',
  '.css',
])
/** The one allowed mention: the golden fixture's provenance note (data, not code). */
const PROVENANCE = 'test/fixtures/golden/adult/training.json'

/** Text files under `dir` (relative to the repository root, with forward slashes). */
function textFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue
      const path = join(abs, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && EXTENSIONS.has(extname(entry.name))) {
        out.push(relative(root, path).split(sep).join('/'))
      }
    }
  }
  walk(join(root, dir))
  return out
}

const files = ['src', 'test', 'e2e', 'scripts'].flatMap(textFiles)
const offenders = files.filter((f) => {
  const text = readFileSync(join(root, f), 'utf8')
  return FORBIDDEN.some((s) => text.includes(s))
})

describe('shared-folder references', () => {
  it('scans the source, test, e2e and script files, this one included', () => {
    expect(files).toContain('src/core/csv.ts')
    expect(files).toContain('test/noSharedPath.test.ts')
    expect(files).toContain('test/fixtures/golden/adult/data.csv')
    expect(files.some((f) => f.startsWith('e2e/'))).toBe(true)
    expect(files.some((f) => f.startsWith('scripts/'))).toBe(true)
    expect(files.some((f) => f.includes('node_modules'))).toBe(false)
  })

  it('finds no reference to the shared folder outside the golden provenance note', () => {
    expect(offenders.filter((f) => f !== PROVENANCE)).toEqual([])
  })

  it('allows the provenance note only in its "source" field of a JSON fixture', () => {
    expect(PROVENANCE.startsWith('test/fixtures/')).toBe(true)
    expect(extname(PROVENANCE)).toBe('.json')
    const text = readFileSync(join(root, PROVENANCE), 'utf8')
    const note = JSON.parse(text) as Record<string, unknown>
    expect(typeof note.source).toBe('string')
    expect(FORBIDDEN.some((s) => (note.source as string).includes(s))).toBe(true)
    // No other field mentions it.
    const rest = JSON.stringify({ ...note, source: undefined })
    expect(FORBIDDEN.some((s) => rest.includes(s))).toBe(false)
  })
})
