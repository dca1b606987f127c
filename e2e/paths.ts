/**
 * Absolute paths of the repository's files, and large CSVs made from them at test time, for the
 * e2e specs and the bench's page scenarios.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs'
import { writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** A path relative to the repository root, made absolute. */
export const path = (...p: string[]): string => join(root, ...p)
/** A file of the golden fixture (test/fixtures/golden/adult). */
export const golden = (f: string): string => path('test/fixtures/golden/adult', f)
/** A file of the e2e bad-input fixtures (e2e/fixtures/bad). */
export const bad = (f: string): string => path('e2e/fixtures/bad', f)
/** A file of the built-in demo (public/demo). */
export const demo = (f: string): string => path('public/demo', f)

/**
 * The CSV `source` with its rows repeated `times` times (one header), written as `name` under
 * the OS temp folder (never committed); reused when a file of the right size is already there.
 * @returns the file's absolute path.
 */
export function repeatedCsv(source: string, times: number, name: string): string {
  const text = readFileSync(source, 'utf8')
  const nl = text.indexOf('\n')
  const header = Buffer.from(text.slice(0, nl + 1))
  const body = Buffer.from(text.slice(nl + 1))
  const dir = join(tmpdir(), 'glassbox-e2e')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, name)
  const size = header.length + body.length * times
  if (existsSync(file) && statSync(file).size === size) return file
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, header)
    for (let k = 0; k < times; k++) writeSync(fd, body)
  } finally {
    closeSync(fd)
  }
  return file
}
