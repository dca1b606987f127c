import { it, expect } from 'vitest'
import { goldenAdult, goldenRows } from './explainFixture.ts'
import { mlpPredictFn, mlpProbability } from '../../src/core/mlp.ts'
import { backgroundFirst } from '../../src/core/shap/background.ts'
import { shapExplain } from '../../src/core/shap/shap.ts'
import { schemaOffsets } from '../../src/core/schema.ts'
it('quick', async () => {
  const g = goldenAdult()
  const p = mlpProbability(g.mlp, g.enc.x)
  let mx = 0
  for (let i = 0; i < p.length; i++) mx = Math.max(mx, Math.abs(p[i]! - g.ref.predictions[i]!))
  console.log('pred maxdiff', mx)
  const x = goldenRows(g, g.ref.explainedRows)
  const bg = backgroundFirst(g.enc.x, 50)
  const t = performance.now()
  const res = await shapExplain(mlpPredictFn(g.mlp), x, bg, { offsets: schemaOffsets(g.schema) })
  console.log('time', performance.now() - t)
  let err = 0
  res.forEach((r, i) => {
    const row = String(g.ref.explainedRows[i])
    g.ref.features.forEach((f, j) => { err = Math.max(err, Math.abs(r.phi[j]! - g.ref.shap[row]![f]!)) })
    err = Math.max(err, Math.abs(r.baseValue - g.ref.baseValue[row]!))
  })
  console.log('shap err', err)
  expect(err).toBeLessThan(1e-4)
})
