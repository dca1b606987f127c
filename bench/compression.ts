/**
 * Issue 6's figure: time to evaluate every compression variant on the demo (float16, uint8, int8,
 * int4, prune50, prune80, int8act) against float32, SHAP stability on 50 seeded rows, in Node
 * on wasm. (Its target belongs to the performance issue; here it is measured and reported.)
 */
import { QUANT_SCHEME_IDS } from '../src/core/quantize/schemes.ts'
import { COMPRESSION_DEFAULTS, compressionRun, sensitiveGroups } from '../src/model/compression.ts'
import { tfModelLoad } from '../src/model/tfModel.ts'
import { backendSet } from '../src/cli/load.ts'
import type { Demo } from './demo.ts'
import { type Figure, figure, median, timeItems } from './report.ts'

const BUDGET_S = 30

export async function compressionFigures(demo: Demo, log: (s: string) => void): Promise<Figure[]> {
  await backendSet('wasm')
  const lm = await tfModelLoad(demo.artifacts, 'demo')
  let perVariant: Record<string, number> = {}
  const times = await timeItems(3, BUDGET_S, async () => {
    const r = await compressionRun(
      lm,
      {
        schema: demo.schema,
        x: demo.enc.x,
        labels: demo.enc.labels,
        groups: sensitiveGroups(demo.schema, demo.table),
      },
      { ...COMPRESSION_DEFAULTS, ids: QUANT_SCHEME_IDS, column: 0, shapRows: 50 },
    )
    perVariant = Object.fromEntries(
      r.variants.map((v) => [`${v.id}.agreement`, v.comparison.agreement]),
    )
    return r.ms / 1000
  })
  lm.model.dispose()
  log(`compression: all ${QUANT_SCHEME_IDS.length} variants in ${median(times).toFixed(2)} s`)
  return [
    figure({
      name: `compression: all ${QUANT_SCHEME_IDS.length} variants vs float32, SHAP stability on 50 rows`,
      backend: 'wasm',
      where: 'node',
      value: median(times),
      unit: 's',
      n: times.length,
      budgetS: BUDGET_S,
      stats: { min: Math.min(...times), max: Math.max(...times), ...perVariant },
    }),
  ]
}
