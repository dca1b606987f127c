/**
 * The files the CLI may read (issue 16): weight paths listed in a model stay in the model's
 * directory (real files and a symlink outside it, refused before they are read), and devices,
 * pipes and directories are refused as inputs without opening them.
 */
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { listedPathProblem } from '../../src/cli/files.ts'
import { G, GOLDEN_AUDIT_FAST, expectOneLine, glassbox } from './run.ts'

const SHARD = 'group1-shard1of1.bin'
let tmp: string
/** A directory outside every model directory, holding a file the size of the golden shard. */
let outside: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'glassbox-files-'))
  outside = join(tmp, 'outside')
  mkdirSync(outside)
  // Same size as the real shard: a size check alone would accept it as the weights.
  copyFileSync(join(G, SHARD), join(outside, 'secret.bin'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A copy of the golden model in its own directory whose manifest lists `path` for the shard. */
function modelListing(name: string, path: string): string {
  const dir = join(tmp, name)
  mkdirSync(dir, { recursive: true })
  const m = JSON.parse(readFileSync(join(G, 'model.json'), 'utf8')) as {
    weightsManifest: { paths: string[] }[]
  }
  m.weightsManifest[0]!.paths = [path]
  writeFileSync(join(dir, 'model.json'), JSON.stringify(m))
  return join(dir, 'model.json')
}

/** The golden audit with `--model` replaced. */
const auditWith = (model: string) =>
  glassbox(...GOLDEN_AUDIT_FAST.map((a, i, all) => (all[i - 1] === '--model' ? model : a)))

describe('weight paths stay in the model directory', () => {
  const refused: [string, string, RegExp][] = [
    ['parent', '../outside/secret.bin', /leads out of the model’s directory/],
    ['deep parent', '../../../../../../etc/passwd', /leads out of the model’s directory/],
    ['absolute', '/etc/passwd', /absolute path/],
    ['URL', 'https://example.com/w.bin', /URL/],
    ['file URL', 'file:///etc/passwd', /URL/],
    ['encoded dots', '%2e%2e/outside/secret.bin', /leads out of the model’s directory/],
    ['backslashes', '..\\outside\\secret.bin', /backslash/],
  ]
  for (const [what, path, message] of refused)
    test(`${what}: "${path}" is refused by name`, async () => {
      const r = await auditWith(modelListing(`m-${what.replace(/\W/g, '')}`, path))
      expectOneLine(r, message)
      expect(r.stderr).toContain(path)
      expect(r.stderr).toContain('refused')
    })

  test('a symlink in the model directory pointing outside is refused', async () => {
    const model = modelListing('m-symlink', SHARD)
    symlinkSync(join(outside, 'secret.bin'), join(tmp, 'm-symlink', SHARD))
    const r = await auditWith(model)
    expectOneLine(r, /leads out of the model’s directory \(through a symlink\)/)
  })

  test('a symlink that stays inside, and a shard in a subfolder, load as before', async () => {
    const model = modelListing('m-inside', `w/${SHARD}`)
    mkdirSync(join(tmp, 'm-inside', 'w'))
    copyFileSync(join(G, SHARD), join(tmp, 'm-inside', 'real.bin'))
    symlinkSync(join(tmp, 'm-inside', 'real.bin'), join(tmp, 'm-inside', 'w', SHARD))
    const r = await auditWith(model)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect((await glassbox(...GOLDEN_AUDIT_FAST)).stdout).toBe(
      r.stdout.replaceAll(model, join(G, 'model.json')),
    )
  })

  test('a shard that is a FIFO is refused without blocking', async () => {
    const model = modelListing('m-fifo', SHARD)
    execFileSync('mkfifo', [join(tmp, 'm-fifo', SHARD)])
    expectOneLine(await auditWith(model), /named pipe \(FIFO\), not a regular file/)
  })

  test('plain relative names pass the listed-path check', () => {
    for (const ok of ['a.bin', 'w/a.bin', './a.bin', 'a..b.bin', 'group%201.bin'])
      expect(listedPathProblem(ok)).toBeNull()
  })
})

describe('inputs must be regular files', () => {
  const withData = (data: string) =>
    glassbox(...GOLDEN_AUDIT_FAST.map((a, i, all) => (all[i - 1] === '--data' ? data : a)))

  test('/dev/zero as --data is refused at once, without reading', async () => {
    expectOneLine(await withData('/dev/zero'), /--data \/dev\/zero is a device, not a regular file/)
  })

  test('a FIFO as --data is refused without blocking', async () => {
    const fifo = join(tmp, 'data.fifo')
    execFileSync('mkfifo', [fifo])
    expectOneLine(await withData(fifo), /named pipe \(FIFO\), not a regular file/)
  })

  test('a directory as --schema or --model is named', async () => {
    const r = await glassbox(
      ...GOLDEN_AUDIT_FAST.map((a, i, all) => (all[i - 1] === '--schema' ? tmp : a)),
    )
    expectOneLine(r, /--schema .* is a directory, not a file/)
    expectOneLine(await auditWith(tmp), /--model .* is a directory, not a file/)
  })
})
