import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const publicDir = (p: string): string =>
  fileURLToPath(new URL(`../../../public/${p}`, import.meta.url))
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('the "Adult — XGBoost" demo (public/demo-xgboost)', () => {
  const manifest = JSON.parse(
    readFileSync(publicDir('demo-xgboost/manifest.json'), 'utf8'),
  ) as Record<string, unknown>

  it('is the binary XGBoost fixture, byte for byte, whose references the tests check', () => {
    const fixture = fileURLToPath(
      new URL('../../fixtures/models/xgboost-binary.json', import.meta.url),
    )
    expect(sha(publicDir('demo-xgboost/model.json'))).toBe(sha(fixture))
    expect(manifest['modelSha256']).toBe(sha(fixture))
  })

  it('uses the MLP demo’s schema and, through a relative URL, its data rows', () => {
    expect(readFileSync(publicDir('demo-xgboost/schema.json'), 'utf8')).toBe(
      readFileSync(publicDir('demo/schema.json'), 'utf8'),
    )
    expect(manifest['data']).toBe('../demo/data.csv')
    expect(existsSync(publicDir('demo-xgboost/../demo/data.csv'))).toBe(true)
    expect(manifest).toMatchObject({ model: 'model.json', schema: 'schema.json' })
  })
})
