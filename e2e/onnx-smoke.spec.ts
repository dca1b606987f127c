/**
 * Smoke check of the browser path of ONNX models (issue 15, engine half): the built app's model
 * worker imports onnxruntime-web lazily, fetches its wasm from the build (no CDN, within the
 * CSP) and predicts what Python's onnxruntime predicted — for an encoded-input tree model and a
 * columns-mode scikit-learn pipeline. The UI half's e2e covers the card and the Explain tab.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './fixtures.ts'
import { path } from './paths.ts'

const MODELS = path('test/fixtures/models')

for (const name of ['xgboost-binary', 'logreg-pipeline']) {
  test(`${name}.onnx loads through the worker and predicts like onnxruntime`, async ({
    page,
    app,
    api,
  }) => {
    const ref = JSON.parse(readFileSync(join(MODELS, `${name}.reference.json`), 'utf8')) as {
      schema: string
      proba: number[]
    }
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    const cspErrors: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text())
    })
    await app.open('?demo=0')
    await app.loadFiles([
      join(MODELS, `${name}.onnx`),
      join(MODELS, 'data.csv'),
      join(MODELS, ref.schema),
    ])
    await app.waitIdle()
    const p = await api.predictions()
    expect(p).toHaveLength(ref.proba.length)
    let worst = 0
    p.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref.proba[i]!))))
    expect(worst).toBeLessThan(1e-5)
    const wasm = requests.filter((u) => u.endsWith('.wasm'))
    expect(wasm.some((u) => /ort-wasm-simd-threaded/.test(u))).toBe(true)
    for (const u of requests) expect(new URL(u).hostname).toBe('localhost')
    expect(cspErrors).toEqual([])
  })
}
