/**
 * The `trees` part of `npm run bench`: tree models and ONNX in Node.
 * - TreeSHAP of the 100-tree XGBoost demo (bench/treeShap.ts, which also runs XGBoost's own
 *   pred_contribs when /usr/bin/python3 has xgboost): interventional ms per row (target ≤ 1 ms),
 *   a 1,000-row global explanation, path-dependent ms per row against pred_contribs (target:
 *   ratio ≤ 1), and the evaluator's predict throughput;
 * - ONNX predict throughput on onnxruntime-web's wasm backend for a tree model and the MLP of
 *   test/fixtures/models, opened the app's way (registry → runtime → session) on data.csv tiled.
 * The browser figures of issue 15 (ORT wasm / WebGPU in the page, global SHAP of the XGBoost demo
 * in the worker) are not measured here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsvText } from '../src/core/csv.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { matrix } from '../src/core/types.ts'
import { classRequest } from '../src/model/card.ts'
import { modelRuntimes, runtimeEntryFor } from '../src/model/registry.ts'
import { sessionOpen } from '../src/session/session.ts'
import { root } from './demo.ts'
import { type Figure, compareWith, figure } from './report.ts'
import { summarize } from './stats.ts'
import { treeShapBench } from './treeShap.ts'

const MODELS = join(root, 'test/fixtures/models')
/** ONNX fixtures timed: a 100-tree XGBoost export and a scikit-learn MLP. */
const ONNX_FIXTURES = ['xgboost-binary', 'mlp'] as const
const ONNX_ROWS = 40_000
const REPEATS = 5

/** TreeSHAP and evaluator figures of the XGBoost demo (bench/treeShap.ts). */
function treeShapFigures(): Figure[] {
  const r = treeShapBench()
  const node = { where: 'node' as const, backend: 'glassbox-trees' }
  const stats = { trees: r.model.trees, maxDepth: r.model.maxDepth, players: r.model.players }
  const out: Figure[] = [
    figure({
      ...node,
      name: 'trees.treeShap.interventional',
      unit: 'ms/row',
      summary: r.interventional.tables.wall,
      stats: { ...stats, background: r.model.background, buildMs: r.interventional.buildMs },
      compare: (v) => [compareWith(v, 'target', 'issue 15', 1, 'ms/row', 'atMost')],
      note: `${r.model.explainedRows} rows in one call against ${r.model.background} background rows`,
    }),
    figure({
      ...node,
      name: 'trees.treeShap.global1000',
      unit: 's',
      value: r.interventional.global1000RowsSeconds.wall,
      stats,
      compare: (v) => [compareWith(v, 'target', 'issue 15 (browser)', 2, 's', 'atMost')],
      note: '1,000 rows, explainer build included (Node; the browser figure is the one the issue targets)',
    }),
    figure({
      ...node,
      name: 'trees.predict',
      unit: 'rows/s',
      summary: r.predict.wall,
      stats,
      compare: (v) => [compareWith(v, 'target', 'bench/treeShap.ts', 1e6, 'rows/s', 'higher')],
    }),
  ]
  const xgb = r.xgboost as {
    skipped?: string
    version?: string
    predContribs?: { wall: { median: number } }
    ratioPathDependentTablesOverPredContribs?: { wall: number; cpu: number }
    maxAbsDiffPathDependent?: number
  }
  const contribs = xgb.predContribs?.wall.median ?? null
  out.push(
    figure({
      ...node,
      name: 'trees.treeShap.pathDependent',
      unit: 'ms/row',
      summary: r.pathDependent.tables.wall,
      stats: {
        ...stats,
        xgboostPredContribsMsPerRow: contribs,
        ratioOverPredContribsWall: xgb.ratioPathDependentTablesOverPredContribs?.wall ?? null,
        ratioOverPredContribsCpu: xgb.ratioPathDependentTablesOverPredContribs?.cpu ?? null,
        maxAbsDiffToPredContribs: xgb.maxAbsDiffPathDependent ?? null,
      },
      compare: (v) =>
        contribs === null
          ? []
          : [
              compareWith(
                v,
                'target',
                `XGBoost ${xgb.version ?? ''} pred_contribs, 1 thread (issue 15: no slower)`,
                contribs,
                'ms/row',
                'atMost',
              ),
            ],
      ...(xgb.skipped ? { note: `no XGBoost comparison: ${xgb.skipped}` } : {}),
    }),
  )
  return out
}

/** Predict throughput of an ONNX fixture on onnxruntime-web's wasm backend in Node. */
async function onnxPredictFigure(name: (typeof ONNX_FIXTURES)[number]): Promise<Figure> {
  const ref = JSON.parse(readFileSync(join(MODELS, `${name}.reference.json`), 'utf8')) as {
    schema: string
  }
  const schema = schemaParse(readFileSync(join(MODELS, ref.schema), 'utf8'), ref.schema)
  const file = `${name}.onnx`
  const bytes = new Uint8Array(readFileSync(join(MODELS, file)))
  const files = { name: file, main: bytes, sibling: () => Promise.resolve(null) }
  const runtime = await runtimeEntryFor(bytes, modelRuntimes, file).load()
  await runtime.backendActivate('wasm')
  const model = await runtime.open(await runtime.sourceFromFiles(files), schema)
  try {
    const text = readFileSync(join(MODELS, 'data.csv'), 'utf8')
    const table = parseCsvText(text, 'data.csv')
    const s = await sessionOpen(
      model,
      schema,
      { table, name: 'data.csv', sha256: '' },
      classRequest(null),
      {
        schemaName: ref.schema,
      },
    )
    const x = s.x
    const data =
      x.data instanceof Float64Array
        ? new Float64Array(ONNX_ROWS * x.cols)
        : new Float32Array(ONNX_ROWS * x.cols)
    for (let r = 0; r < ONNX_ROWS; r += x.rows)
      data.set(x.data.subarray(0, Math.min(x.rows, ONNX_ROWS - r) * x.cols), r * x.cols)
    const big = matrix(data, ONNX_ROWS, x.cols)
    await s.predict(big)
    const rates: number[] = []
    for (let k = 0; k < REPEATS; k++) {
      const t0 = performance.now()
      await s.predict(big)
      rates.push(ONNX_ROWS / ((performance.now() - t0) / 1000))
    }
    return figure({
      name: `onnx.predict.${name}`,
      backend: 'onnxruntime-web wasm',
      where: 'node',
      unit: 'rows/s',
      summary: summarize(rates),
      stats: { rows: ONNX_ROWS, inputMode: s.input.mode === 'columns' ? 1 : 0 },
      note: `${file} (${s.input.mode} input) on data.csv tiled to ${ONNX_ROWS.toLocaleString('en-US')} rows, through the session's predict`,
    })
  } finally {
    model.dispose()
  }
}

/** Every figure of the `trees` part. */
export async function treeFigures(log: (s: string) => void): Promise<Figure[]> {
  log('node: TreeSHAP and the tree evaluator (XGBoost demo)')
  const figures = treeShapFigures()
  for (const name of ONNX_FIXTURES) {
    log(`node: ONNX predict, ${name}.onnx on wasm`)
    figures.push(await onnxPredictFigure(name))
  }
  return figures
}
