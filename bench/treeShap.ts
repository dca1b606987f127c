/**
 * TreeSHAP and tree-predict speed on a 100-tree, depth-6 XGBoost of the Adult demo rows:
 *
 *   npx tsx bench/treeShap.ts [model.json] [data.csv] [schema.json]
 *
 * Defaults: public/demo-xgboost/model.json (else /tmp/glassbox-trees/adult-xgboost.json, made by
 * `/usr/bin/python3 scripts/fixtures/trees_adult.py`), public/demo/data.csv, public/demo/schema.json.
 * Times, per figure, min / median / max over repeats after a warm-up, in wall and CPU seconds
 * (this machine is shared; CPU seconds are less disturbed by other work):
 * - predict throughput (treeMargins) on the data tiled to 1,000,000 rows;
 * - interventional TreeSHAP per explained row (12 players = the schema's features, 50 background
 *   rows = the first 50 data rows), by leaf tables (after) and pair traversals (before), batched
 *   and one row per call, plus the one-time table build, and a 1,000-row global explanation
 *   (build included);
 * - path-dependent TreeSHAP per row by leaf tables (after) and the recursion (before);
 * - when /usr/bin/python3 has xgboost: XGBoost's own pred_contribs on the same rows in the same
 *   run (nthread 1), the ratio ours / XGBoost, and the largest difference between the two.
 * Prints the result as JSON on stdout and returns it from {@link treeShapBench}.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCsvText } from '../src/core/csv.ts'
import { encodeTable } from '../src/core/encode.ts'
import { schemaOffsets } from '../src/core/schema.ts'
import { schemaParse } from '../src/core/schemaIo.ts'
import { treeMargins } from '../src/core/tree/evaluate.ts'
import { treeShapInterventionalExplainer } from '../src/core/tree/interventional.ts'
import { treeShapPathDependentExplainer } from '../src/core/tree/pathDependent.ts'
import { type Matrix, matrix } from '../src/core/types.ts'
import { xgboostRead } from '../src/model/xgboost/read.ts'
import { type Summary, summarize } from './stats.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_MODEL = join(root, 'public/demo-xgboost/model.json')
const FALLBACK_MODEL = '/tmp/glassbox-trees/adult-xgboost.json'
const BACKGROUND = 50
const EXPLAINED = 200
const PREDICT_ROWS = 1_000_000
const REPEATS = 5
const PYTHON = '/usr/bin/python3'

/** Seconds of one timed run, wall and CPU (this process). */
type Timing = { wall: number; cpu: number }
/** A figure: per-unit wall and CPU summaries (ms per row, or rows per second). */
type Figure = { unit: string; units: number; wall: Summary; cpu: Summary }

function timed(f: () => void): Timing {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  f()
  const c = process.cpuUsage(c0)
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }
}

/** Warm-up, then `repeats` timed runs; per unit in ms (`perRow`) or units per second. */
function figure(
  units: number,
  run: () => void,
  unit: 'ms/row' | 'rows/s',
  repeats = REPEATS,
): Figure {
  run()
  const ts = Array.from({ length: repeats }, () => timed(run))
  const per = (s: number): number => (unit === 'ms/row' ? (s * 1000) / units : units / s)
  return {
    unit,
    units,
    wall: summarize(ts.map((t) => per(t.wall))),
    cpu: summarize(ts.map((t) => per(t.cpu))),
  }
}

const rowsOf = (x: Matrix, from: number, n: number): Matrix =>
  matrix(x.data.slice(from * x.cols, (from + n) * x.cols), n, x.cols)

/**
 * XGBoost's pred_contribs on the same rows and its predict (inplace, margins) on them tiled to
 * 200,000 rows, timed in Python on one thread.
 */
const XGB_SCRIPT = `
import json, sys, time
import numpy as np, xgboost as xgb
model, rows_path, n, cols, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
x = np.fromfile(rows_path, dtype=np.float32).reshape(n, cols)
b = xgb.Booster(model_file=model)
# The rows are the encoded matrix, unnamed: drop the model's feature names so XGBoost takes them.
b.feature_names = None
b.feature_types = None
b.set_param({"nthread": 1})
d = xgb.DMatrix(x, nthread=1)
def timed(f):
    f()
    out = []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        f()
        out.append({"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0})
    return out
contribs = b.predict(d, pred_contribs=True)
# inplace_predict: no DMatrix, so no prediction cache to return a stored answer.
big = np.tile(x, (max(1, 200000 // n), 1))
print(json.dumps({
    "xgboost": xgb.__version__,
    "contribs": timed(lambda: b.predict(d, pred_contribs=True)),
    "predict": timed(lambda: b.inplace_predict(big, predict_type="margin")),
    "predictRows": big.shape[0],
    "values": contribs.astype(float).tolist(),
}))
`

type XgbTimes = {
  xgboost: string
  contribs: Timing[]
  predict: Timing[]
  predictRows: number
  values: number[][]
}

function xgboostFigures(model: string, x: Matrix, repeats: number): XgbTimes | { skipped: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) return { skipped: `${PYTHON} has no xgboost` }
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-treeshap-'))
  try {
    const rowsPath = join(dir, 'rows.f32')
    writeFileSync(rowsPath, Float32Array.from(x.data))
    const r = spawnSync(
      PYTHON,
      ['-c', XGB_SCRIPT, model, rowsPath, String(x.rows), String(x.cols), String(repeats)],
      {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      },
    )
    if (r.status !== 0)
      return { skipped: `XGBoost run failed: ${r.stderr.trim().split('\n').pop()}` }
    return JSON.parse(r.stdout) as XgbTimes
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const perRowMs = (ts: Timing[], rows: number, key: keyof Timing): Summary =>
  summarize(ts.map((t) => (t[key] * 1000) / rows))

/** Runs every figure and returns them (also printed as JSON by the command line). */
export function treeShapBench(args: { model?: string; data?: string; schema?: string } = {}) {
  const model =
    args.model ??
    (existsSync(DEFAULT_MODEL) || !existsSync(FALLBACK_MODEL) ? DEFAULT_MODEL : FALLBACK_MODEL)
  if (!existsSync(model))
    throw new Error(
      `${model}: no model (pass one, or make ${FALLBACK_MODEL} with /usr/bin/python3 scripts/fixtures/trees_adult.py)`,
    )
  const dataPath = args.data ?? join(root, 'public/demo/data.csv')
  const schemaPath = args.schema ?? join(root, 'public/demo/schema.json')
  const schema = schemaParse(readFileSync(schemaPath, 'utf8'), schemaPath)
  const enc = encodeTable(schema, parseCsvText(readFileSync(dataPath, 'utf8'), dataPath), dataPath)
  const xgbModel = xgboostRead(readFileSync(model, 'utf8'), model)
  const ens = xgbModel.ensemble
  const x = enc.x
  if (x.rows < BACKGROUND + EXPLAINED)
    throw new Error(`${dataPath}: ${x.rows} rows, the bench needs ${BACKGROUND + EXPLAINED}`)
  const bg = rowsOf(x, 0, BACKGROUND)
  const rows = rowsOf(x, BACKGROUND, EXPLAINED)
  const offsets = schemaOffsets(schema)
  const loadAtStart = loadavg()[0]

  const tiled = new Float32Array(PREDICT_ROWS * x.cols)
  for (let r = 0; r < PREDICT_ROWS; r += x.rows)
    tiled.set(x.data.subarray(0, Math.min(x.rows, PREDICT_ROWS - r) * x.cols), r * x.cols)
  const big = matrix(tiled, PREDICT_ROWS, x.cols)
  const predict = figure(PREDICT_ROWS, () => treeMargins(ens, big), 'rows/s', 3)

  const players = { offsets }
  let ivTables = treeShapInterventionalExplainer(ens, bg, { players })
  const ivBuild = figure(
    1,
    () => (ivTables = treeShapInterventionalExplainer(ens, bg, { players })),
    'ms/row',
    3,
  )
  const ivPairs = treeShapInterventionalExplainer(ens, bg, { players, method: 'pairs' })
  const few = rowsOf(x, BACKGROUND, 40)
  const oneByOne = (): void => {
    for (let r = 0; r < few.rows; r++) ivTables.explain(rowsOf(few, r, 1))
  }
  const thousand = rowsOf(x, BACKGROUND, Math.min(1000, x.rows - BACKGROUND))
  const global = figure(
    thousand.rows,
    () => treeShapInterventionalExplainer(ens, bg, { players }).explain(thousand),
    'ms/row',
    3,
  )
  const interventional = {
    tables: figure(EXPLAINED, () => ivTables.explain(rows), 'ms/row'),
    global1000RowsSeconds: {
      wall: (global.wall.median * global.units) / 1000,
      cpu: (global.cpu.median * global.units) / 1000,
    },
    tablesOneRowPerCall: figure(few.rows, oneByOne, 'ms/row'),
    pairs: figure(few.rows, () => ivPairs.explain(few), 'ms/row', 3),
    buildMs: ivBuild.wall.median,
    treesByTables: ivTables.treesByTables,
    treesByTraversal: ivTables.treesByTraversal,
  }
  let pdTables = treeShapPathDependentExplainer(ens)
  const pdBuild = figure(1, () => (pdTables = treeShapPathDependentExplainer(ens)), 'ms/row', 3)
  const pdRecursive = treeShapPathDependentExplainer(ens, { method: 'recursive' })
  const ours = pdTables.explain(rows)
  const pathDependent = {
    tables: figure(EXPLAINED, () => pdTables.explain(rows), 'ms/row'),
    recursive: figure(EXPLAINED, () => pdRecursive.explain(rows), 'ms/row'),
    buildMs: pdBuild.wall.median,
    treesByTables: pdTables.treesByTables,
  }

  const xgb = xgboostFigures(model, rows, REPEATS)
  let xgboost: Record<string, unknown>
  if ('skipped' in xgb) xgboost = { skipped: xgb.skipped }
  else {
    let maxDiff = 0
    xgb.values.forEach((v, r) =>
      v.forEach((c, j) => {
        const mine = j < x.cols ? ours.phi[r * x.cols + j]! : ours.baseValue
        maxDiff = Math.max(maxDiff, Math.abs(c - mine))
      }),
    )
    const contribsWall = perRowMs(xgb.contribs, rows.rows, 'wall')
    const contribsCpu = perRowMs(xgb.contribs, rows.rows, 'cpu')
    xgboost = {
      version: xgb.xgboost,
      predContribs: { unit: 'ms/row', wall: contribsWall, cpu: contribsCpu },
      predict: {
        unit: 'rows/s',
        wall: summarize(xgb.predict.map((t) => xgb.predictRows / t.wall)),
        cpu: summarize(xgb.predict.map((t) => xgb.predictRows / t.cpu)),
      },
      maxAbsDiffPathDependent: maxDiff,
      ratioPathDependentTablesOverPredContribs: {
        wall: pathDependent.tables.wall.median / contribsWall.median,
        cpu: pathDependent.tables.cpu.median / contribsCpu.median,
      },
      ratioPathDependentRecursiveOverPredContribs: {
        wall: pathDependent.recursive.wall.median / contribsWall.median,
        cpu: pathDependent.recursive.cpu.median / contribsCpu.median,
      },
    }
  }
  return {
    machine: {
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg()[0],
      node: process.version,
    },
    model: {
      path: model,
      trees: xgbModel.trees,
      leaves: xgbModel.leaves,
      maxDepth: xgbModel.maxDepth,
      inputs: xgbModel.nInputs,
      players: offsets.length - 1,
      background: BACKGROUND,
      explainedRows: EXPLAINED,
    },
    predict,
    interventional,
    pathDependent,
    xgboost,
    targets: {
      interventionalMsPerRow: 1,
      predictRowsPerSecond: 1e6,
      pathDependent: 'no slower than XGBoost pred_contribs (ratio ≤ 1)',
    },
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [model, data, schema] = process.argv.slice(2)
  const result = treeShapBench({
    ...(model ? { model } : {}),
    ...(data ? { data } : {}),
    ...(schema ? { schema } : {}),
  })
  process.stdout.write(JSON.stringify(result, null, 2) + '\n')
}
