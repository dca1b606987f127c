import { it } from 'vitest'
import { goldenAdult, goldenRows } from './explainFixture.ts'
import { mlpProbability } from '../../src/core/mlp.ts'
import { backgroundFirst } from '../../src/core/shap/background.ts'
import { shapExplain } from '../../src/core/shap/shap.ts'
import { schemaOffsets } from '../../src/core/schema.ts'
import { matrix } from '../../src/core/types.ts'
it('quick', async () => {
  const g = goldenAdult()
  const x = goldenRows(g, g.ref.explainedRows)
  const bg = backgroundFirst(g.enc.x, 50)
  const big = new Float32Array(204700 * 88)
  for (let i = 0; i < 204700; i++) big.set(g.enc.x.data.subarray((i % 2000) * 88, (i % 2000 + 1) * 88), i * 88)
  for (let k = 0; k < 3; k++) { const t = performance.now(); mlpProbability(g.mlp, matrix(big, 204700, 88)); console.log('fwd', performance.now() - t) }
  const noop = (m: { rows: number }) => Promise.resolve(new Float32Array(m.rows))
  for (let k = 0; k < 2; k++) {
  const t = performance.now()
  await shapExplain(noop, x, bg, { offsets: schemaOffsets(g.schema) })
  console.log('fill only 8 rows', performance.now() - t)
  }
})
