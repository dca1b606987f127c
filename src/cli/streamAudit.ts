/**
 * The streamed audit (issue 18; docs/scale.md): shard i of n of the data read chunk by chunk
 * (./dataSource.ts), each chunk encoded, predicted and added to the mergeable `AuditState`
 * (src/core/stream), nothing else of it kept — so memory stays flat as rows grow. Shard 0 also
 * explains the report's rows: it gathers the explained rows, the background rows and an IG
 * baseline row by their global index (from its own chunks, the rest read from the file) into a
 * small table and explains them as the in-memory audit would, so the explanations do not depend on
 * the split. The single-process run is shard 0 of 1 through the same code, then the merge.
 */
import { rngFromSeed, rngSplit } from '../core/random.ts'
import { type ExplainInput, explainRows } from '../core/explain.ts'
import { matrixRows } from '../core/quantize/activations.ts'
import type { Background } from '../core/shap/background.ts'
import {
  type AuditState,
  auditStateAdd,
  auditStateCreate,
  rowsDrawn,
  textChecksum,
} from '../core/stream/index.ts'
import { type Table, TableBuilder, columnCell } from '../core/table.ts'
import { type Matrix, matrix } from '../core/types.ts'
import { classRequest } from '../model/card.ts'
import type { LoadedModel } from '../model/runtime.ts'
import { type AuditSettings, TOOL_VERSION, sanitize } from '../report/audit.ts'
import { reportModel } from '../report/auditFull.ts'
import type { Report } from '../report/types.ts'
import { type Session, sessionData, sessionOpen, sessionOutputCheck } from '../session/session.ts'
import type { Schema } from '../core/schema.ts'
import type { DataSource } from './dataSource.ts'
import {
  type PartLoad,
  type StreamLoadFacts,
  loadContextOf,
  streamLoadFactsAdd,
} from './partLoad.ts'
import { type CfCounts, cfConfig, cfCountsAdd, cfCountsCreate, cfSeedRows } from './streamCf.ts'
import {
  type QuantPart,
  type QuantRun,
  quantAdd,
  quantCalibrationRows,
  quantDispose,
  quantOpen,
  quantShap,
  quantShapRows,
} from './streamQuant.ts'

/** Rows per chunk of a CSV (a Parquet chunk is one row group). */
export const STREAM_CHUNK_ROWS = 65536

/**
 * What one shard contributes: the report's head, shard 0's explanations, the state, and the load
 * notices' facts of its rows (./partLoad.ts; `loadContext` absent in a partial of an older
 * Glassbox, `load`/`loadReference` absent for a side without rows in the shard).
 */
export type AuditPart = {
  /** reportVersion, tool, model, data and settings: the same in every shard of one audit. */
  head: Report
  /** The explanations (shard 0 only; null in the others and when none are asked for). */
  explanations: Report['explanations'] | null
  state: AuditState
  /** The quantization comparison's part (only when `--quantize` names schemes). */
  quantization?: QuantPart
} & Partial<PartLoad>

/** What the streamed audit of one shard needs. */
export type StreamAuditInput = {
  model: LoadedModel
  schema: Schema
  schemaName: string
  schemaSha256: string
  source: DataSource
  classIndex: number | null
  settings: AuditSettings
  onProgress?: (done: number, total: number) => void
}

/** The global rows shard 0 must gather: explained rows, background rows, an IG baseline row. */
function rowsOfInterest(settings: AuditSettings, n: number, rows: readonly number[]) {
  const bgK = Math.min(settings.background.k, n)
  const bgRows =
    settings.background.kind === 'sample'
      ? Array.from(rngSplit(rngFromSeed(settings.seed)).sampleWithoutReplacement(n, bgK)).sort(
          (a, b) => a - b,
        )
      : Array.from({ length: bgK }, (_, i) => i)
  const m = /^row:(\d+)$/.exec(settings.igBaseline)
  const igRow = m ? Number(m[1]) : null
  if (igRow !== null && igRow >= n && settings.igSteps !== 0)
    throw new RangeError(`IG baseline row ${igRow} is outside the data (0..${n - 1})`)
  const all = new Set([...rows, ...bgRows, ...(igRow !== null && igRow < n ? [igRow] : [])])
  return { bgRows, igRow, all: [...all].sort((a, b) => a - b) }
}

/** The rows of `x` at `idx`, as a background of `kind` over global rows `rows`. */
function backgroundOf(
  x: Matrix,
  idx: readonly number[],
  rows: readonly number[],
  kind: 'first' | 'sample',
): Background {
  const w = x.cols
  const data =
    x.data instanceof Float64Array
      ? new Float64Array(idx.length * w)
      : new Float32Array(idx.length * w)
  idx.forEach((r, i) => data.set(x.data.subarray(r * w, (r + 1) * w), i * w))
  return {
    x: { data, rows: idx.length, cols: w },
    weights: new Float64Array(idx.length).fill(1 / idx.length),
    rows: Int32Array.from(rows),
    kind,
  }
}

/**
 * The gathered rows `need` (global, ascending) encoded: the rows shard 0 did not see read from the
 * file first. `local` maps a global row to its row in the matrix.
 */
async function gatheredData(
  s: Session,
  source: DataSource,
  need: readonly number[],
  gathered: Map<number, string[]>,
  names: string[],
) {
  const missing = need.filter((r) => !gathered.has(r))
  if (missing.length) {
    const t = await source.rowsTable(missing)
    missing.forEach((r, i) =>
      gathered.set(
        r,
        t.columns.map((c) => columnCell(c, i)),
      ),
    )
  }
  const b = new TableBuilder(names)
  for (const r of need) b.push(gathered.get(r)!)
  const local = new Map(need.map((r, i) => [r, i]))
  const d = sessionData(s, { table: b.build(), name: source.name, sha256: source.sha256 })
  return { d, local }
}

/** Shard 0's explanations of `rows` (global), from the gathered rows. */
async function explainGathered(
  s: Session,
  inp: StreamAuditInput,
  rows: readonly number[],
  gathered: Map<number, string[]>,
  names: string[],
  cf: CfCounts | null,
): Promise<Report['explanations']> {
  const { source, settings } = inp
  const roi = rowsOfInterest(settings, source.rows, rows)
  const { d, local } = await gatheredData(s, source, roi.all, gathered, names)
  let counterfactual: ExplainInput['counterfactual'] | null = null
  if (cf) {
    const config = cfConfig(s.schema, cf, settings)
    const origs = matrixRows(
      d.values,
      rows.map((r) => local.get(r)!),
    )
    const seeds = await cfSeedRows(s, source, config, origs, settings, STREAM_CHUNK_ROWS)
    counterfactual = { config, ...seeds }
  }
  const bg = backgroundOf(
    d.x,
    roi.bgRows.map((r) => local.get(r)!),
    roi.bgRows,
    settings.background.kind === 'sample' ? 'sample' : 'first',
  )
  const ex = await explainRows(
    {
      schema: s.schema,
      x: d.x,
      values: d.values,
      predict: s.predict,
      ...(s.grad ? { grad: s.grad } : {}),
      ...(s.fast ? { fast: s.fast } : {}),
      input: s.input,
      background: bg,
      ...(counterfactual ? { counterfactual } : {}),
    },
    rows.map((r) => local.get(r)!),
    {
      ...settings,
      ...(roi.igRow !== null ? { igBaseline: `row:${local.get(roi.igRow) ?? 0}` } : {}),
    },
  )
  const out: NonNullable<Report['explanations']> = {}
  for (const r of rows) out[String(r)] = ex[String(local.get(r)!)]!
  return sanitize(out)
}

/** Shard 0's SHAP rank correlations of the variants on the seeded rows, gathered by global index. */
async function quantShapGathered(
  s: Session,
  inp: StreamAuditInput,
  rows: readonly number[],
  gathered: Map<number, string[]>,
  names: string[],
  q: QuantRun,
): Promise<QuantPart['shap']> {
  const { source, settings } = inp
  const bgRows = rowsOfInterest(settings, source.rows, rows).bgRows
  const shapRows = quantShapRows(source.rows, settings.seed)
  const need = [...new Set([...bgRows, ...shapRows])].sort((a, b) => a - b)
  const { d, local } = await gatheredData(s, source, need, gathered, names)
  const kind = settings.background.kind === 'sample' ? 'sample' : 'first'
  const at = (rs: number[]) => rs.map((r) => local.get(r)!)
  const bg = backgroundOf(d.x, at(bgRows), bgRows, kind)
  const x = backgroundOf(d.x, at(shapRows), shapRows, kind).x
  // The in-memory comparison explains a float32 copy of the sample rows (compressionShapPlan).
  const x32 = matrix(Float32Array.from(x.data), x.rows, x.cols)
  return quantShap(inp.model, s, q, x32, bg, settings)
}

/**
 * The report's head (reportVersion, tool, model, data, settings) of a streamed audit or drift:
 * `data` is `source`'s identity and total rows, `settings` the run's with its resolved class.
 */
export function streamReportHead(
  model: LoadedModel,
  source: { sha256: string; rows: number },
  settings: AuditSettings & { rows: number[] },
  classLabel: number,
): Report {
  return {
    reportVersion: 1,
    tool: { name: 'glassbox', version: TOOL_VERSION },
    model: reportModel(model.card),
    data: { sha256: source.sha256, rows: source.rows },
    settings: {
      threshold: settings.threshold,
      classIndex: classLabel,
      rows: settings.rows,
      background: { kind: settings.background.kind, k: settings.background.k },
      budget: settings.budget,
      seed: settings.seed,
      igSteps: settings.igSteps,
      igMethod: settings.igMethod,
      igBaseline: settings.igBaseline,
      counterfactuals: settings.counterfactuals,
      quantize: settings.quantize,
      backend: settings.backend,
    },
  }
}

/**
 * Streams shard `source.coverage` of the data into an audit state; shard 0 also explains.
 * @throws DataError naming the file and global row of a bad cell; RangeError for a row outside
 *   the data; ModelError for a class the model lacks.
 */
export async function auditStreamShard(
  inp: StreamAuditInput,
  shardIndex: number,
  shardCount: number,
): Promise<AuditPart> {
  const { model, schema, source, settings } = inp
  const n = source.rows
  const rows = settings.rows ?? rowsDrawn(n, settings.seed)
  for (const r of rows)
    if (!(Number.isInteger(r) && r >= 0 && r < n))
      throw new RangeError(`row ${r} is outside the data (0..${n - 1})`)
  const wantsExplanations =
    shardIndex === 0 &&
    rows.length > 0 &&
    (settings.shap || settings.igSteps !== 0 || settings.counterfactuals > 0)
  const ids = settings.quantize
  const quantRows =
    shardIndex === 0 && ids.length
      ? [
          ...new Set([
            ...rowsOfInterest(settings, n, rows).bgRows,
            ...quantShapRows(n, settings.seed),
          ]),
        ]
      : []
  const wanted = new Set([
    ...(wantsExplanations ? rowsOfInterest(settings, n, rows).all : []),
    ...quantRows,
  ])
  // Counterfactuals: a single process only (their seeds take a second pass over all rows).
  const cf = wantsExplanations && settings.counterfactuals > 0 ? cfCountsCreate(schema) : null
  const calibRows = quantCalibrationRows(ids, n, settings.seed)
  const calibTable = calibRows.length ? await source.rowsTable(calibRows) : null
  let quant: QuantRun | null = null
  const gathered = new Map<number, string[]>()
  let names: string[] = []
  let s: Session | null = null
  let state: AuditState | null = null
  let done = 0
  let load: StreamLoadFacts | null = null
  const open = async (table: Table, firstRow: number) => {
    names = table.columns.map((c) => c.name)
    s = await sessionOpen(
      model,
      schema,
      { table, name: source.name, sha256: source.sha256, firstRow },
      classRequest(inp.classIndex),
      { schemaName: inp.schemaName, classOption: '--class' },
    )
    const labelled = !s.encode.missingTarget
    const sensitive = schema.sensitive.filter((a) => names.includes(a))
    const st = {
      settings: {
        threshold: settings.threshold,
        classIndex: s.classLabel,
        seed: settings.seed,
        labelled,
        sensitive,
      },
      identity: {
        model: model.card.sha256,
        schema: inp.schemaSha256,
        data: source.sha256,
        settings: textChecksum(JSON.stringify(settings)),
      },
      shard: { index: shardIndex, count: shardCount, coverage: { data: source.coverage } },
    }
    state = auditStateCreate(st.settings, st.identity, st.shard)
    if (ids.length) quant = await quantOpen(model, s, ids, calibTable, st)
    return s
  }
  try {
    for await (const { firstRow, table } of source.chunks(STREAM_CHUNK_ROWS)) {
      const sess = s ?? (await open(table, firstRow))
      const d = sessionData(sess, { table, name: source.name, sha256: source.sha256, firstRow })
      const p = await sess.predict(d.x)
      sessionOutputCheck({ ...sess, dataName: source.name }, p, firstRow)
      auditStateAdd(state!, { firstRow, p, y: d.labels, table }, source.name)
      load = streamLoadFactsAdd(load, schema, table, d)
      if (cf) cfCountsAdd(cf, d.values, firstRow)
      if (quant) await quantAdd(quant, { firstRow, p, y: d.labels, table, x: d.x }, source.name)
      for (let i = 0; i < table.nRows; i++)
        if (wanted.has(firstRow + i)) {
          gathered.set(
            firstRow + i,
            table.columns.map((c) => columnCell(c, i)),
          )
        }
      done += table.nRows
      inp.onProgress?.(done, n)
    }
    // A shard with no rows still needs the session (the class) and an empty state.
    const sess: Session = s ?? (await open(await source.rowsTable([0]), 0))
    const head = streamReportHead(model, source, { ...settings, rows }, sess.classLabel)
    const explanations = wantsExplanations
      ? await explainGathered(sess, inp, rows, gathered, names, cf)
      : null
    const part: AuditPart = {
      head,
      explanations,
      state: state!,
      loadContext: loadContextOf(schema, null, null),
      ...(load ? { load } : {}),
    }
    if (!quant) return part
    const q: QuantRun = quant
    const shap =
      shardIndex === 0 ? await quantShapGathered(sess, inp, rows, gathered, names, q) : null
    return { ...part, quantization: { variants: q.variants.map(({ vm: _, ...v }) => v), shap } }
  } finally {
    if (quant) quantDispose(quant)
  }
}
