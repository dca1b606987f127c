/**
 * `glassbox drift` streamed (issue 18; docs/scale.md): the reference and the current data read in
 * chunks (./dataSource.ts, CSV or Parquet) into the mergeable drift state of src/core/stream, so
 * memory stays flat as rows grow. The out-of-distribution share needs three passes, each needing
 * the merged result of the one before (src/core/stream/ood.ts):
 * 1. both sides: the current data's audit counts, both sides' drift counts, the OOD detector's
 *    exact moments over the reference's fit half (`driftPass1`, an `AuditPart`);
 * 2. the reference again: the distances of its calibration half under the merged detector
 *    (`driftOodPass` 2, an `OodPassPart` of kind `calibration`);
 * 3. the current data again: how many rows lie above the merged thresholds (pass 3, `current`).
 * A single process runs the three over all rows itself; a sharded drift runs each pass as an
 * array job and merges in between (`glassbox merge … --state`, ./driftMerge.ts). Without an OOD
 * share (a reference under 4 rows) pass 1 is all.
 */
import { schemaOffsets, type Schema } from '../core/schema.ts'
import {
  type AuditDriftSettings,
  type AuditIdentity,
  type AuditState,
  OodCalibration,
  OodCount,
  type OodPassPart,
  auditStateAdd,
  auditStateAddReference,
  auditStateCreate,
  auditStateOodPlan,
  textChecksum,
} from '../core/stream/index.ts'
import { classRequest } from '../model/card.ts'
import type { LoadedModel } from '../model/runtime.ts'
import type { AuditSettings } from '../report/audit.ts'
import { type Session, sessionData, sessionOpen, sessionOutputCheck } from '../session/session.ts'
import type { DataChunk, DataSource, ShardSpec } from './dataSource.ts'
import { type StreamLoadFacts, loadContextOf, streamLoadFactsAdd } from './partLoad.ts'
import { type AuditPart, STREAM_CHUNK_ROWS, streamReportHead } from './streamAudit.ts'

/** What every pass of a streamed drift needs but the data. */
export type DriftStreamBase = {
  model: LoadedModel
  schema: Schema
  schemaName: string
  schemaSha256: string
  classIndex: number | null
  /** The report's settings (explainers off, as the in-memory drift's), backend resolved. */
  settings: AuditSettings
}

/** Pass 1's input: both files opened on this process's shard. */
export type DriftStreamInput = DriftStreamBase & { reference: DataSource; current: DataSource }

/** The OOD share is computed when the reference has at least this many rows (as `driftAnalyze`). */
export const DRIFT_OOD_MIN_ROWS = 4

/** The drift settings of the state: the schema's features and, for ≥ 4 reference rows, the plan. */
function driftSettingsOf(schema: Schema, referenceRows: number, seed: number): AuditDriftSettings {
  return {
    features: schema.features.map((f) => ({
      name: f.name,
      kind: f.type,
      categories: f.type === 'categorical' ? [...f.categories] : [],
    })),
    ood:
      referenceRows >= DRIFT_OOD_MIN_ROWS
        ? {
            nRows: referenceRows,
            seed,
            offsets: Array.from(schemaOffsets(schema)),
            features: schema.features.map((f) => f.name),
            categorical: schema.features.map((f) => f.type === 'categorical'),
            categoryFloor: 0.05,
          }
        : null,
  }
}

/**
 * What the drift is of: model, schema, both files' sha256 and the settings. Partials (and the merged
 * state a later pass reads) whose identities differ are foreign.
 */
export function driftIdentity(
  inp: DriftStreamBase,
  files: { data: string; reference: string },
): AuditIdentity {
  return {
    model: inp.model.card.sha256,
    schema: inp.schemaSha256,
    data: files.data,
    reference: files.reference,
    settings: textChecksum(JSON.stringify(inp.settings)),
  }
}

/**
 * A source's chunks with the first one read ahead (a table to open the session on even when
 * this shard has no rows of it: then the file's row 0, not counted).
 */
async function firstAndRest(
  source: DataSource,
): Promise<{ first: DataChunk; counted: boolean; rest: AsyncGenerator<DataChunk> }> {
  const rest = source.chunks(STREAM_CHUNK_ROWS)
  const head = await rest.next()
  if (!head.done) return { first: head.value, counted: true, rest }
  return { first: { firstRow: 0, table: await source.rowsTable([0]) }, counted: false, rest }
}

async function* chunksOf(s: Awaited<ReturnType<typeof firstAndRest>>): AsyncGenerator<DataChunk> {
  if (s.counted) yield s.first
  yield* s.rest
}

/** The session (model input, class) opened on a table of `source` (pass 1: the reference's). */
function openSession(
  inp: DriftStreamBase,
  source: DataSource,
  { table, firstRow }: DataChunk,
): Promise<Session> {
  return sessionOpen(
    inp.model,
    inp.schema,
    { table, name: source.name, sha256: source.sha256, firstRow },
    classRequest(inp.classIndex),
    { schemaName: inp.schemaName, classOption: '--class' },
  )
}

/** A chunk of `source` encoded (model input, §1 encoding, labels) under the session. */
const chunkData = (s: Session, source: DataSource, c: DataChunk) =>
  sessionData(s, { table: c.table, name: source.name, sha256: source.sha256, firstRow: c.firstRow })

/**
 * Pass 1 over this process's shard of both files: the current data's audit counts, both sides'
 * drift counts and the OOD moments of the reference's fit rows.
 * @throws DataError naming the file and global row of a bad cell; ModelError for a class the
 *   model lacks.
 */
export async function driftPass1(inp: DriftStreamInput, shard: ShardSpec): Promise<AuditPart> {
  const { schema, reference, current, settings } = inp
  const ref = await firstAndRest(reference)
  const cur = await firstAndRest(current)
  const s = await openSession(inp, reference, ref.first)
  const names = cur.first.table.columns.map((c) => c.name)
  const labelled = chunkData(s, current, cur.first).labels !== null
  const state: AuditState = auditStateCreate(
    {
      threshold: settings.threshold,
      classIndex: s.classLabel,
      seed: settings.seed,
      labelled,
      sensitive: schema.sensitive.filter((a) => names.includes(a)),
      drift: driftSettingsOf(schema, reference.rows, settings.seed),
    },
    driftIdentity(inp, { data: current.sha256, reference: reference.sha256 }),
    {
      index: shard.index,
      count: shard.count,
      coverage: { data: current.coverage, reference: reference.coverage },
    },
  )
  const withMoments = !!state.drift?.moments
  // The load notices' facts of each side (its notices are named by its file).
  let loadReference: StreamLoadFacts | null = null
  let load: StreamLoadFacts | null = null
  for await (const c of chunksOf(ref)) {
    const d = chunkData(s, reference, c)
    loadReference = streamLoadFactsAdd(loadReference, schema, c.table, d)
    const p = await s.predict(d.x)
    sessionOutputCheck({ ...s, dataName: reference.name }, p, c.firstRow)
    auditStateAddReference(
      state,
      { firstRow: c.firstRow, table: c.table, p, ...(withMoments ? { x: d.encoded } : {}) },
      reference.name,
    )
  }
  for await (const c of chunksOf(cur)) {
    const d = chunkData(s, current, c)
    load = streamLoadFactsAdd(load, schema, c.table, d)
    const p = await s.predict(d.x)
    sessionOutputCheck({ ...s, dataName: current.name }, p, c.firstRow)
    auditStateAdd(state, { firstRow: c.firstRow, p, y: d.labels, table: c.table }, current.name)
  }
  const head = streamReportHead(inp.model, current, { ...settings, rows: [] }, s.classLabel)
  return {
    head,
    explanations: null,
    state,
    loadContext: loadContextOf(schema, current.name, reference.name),
    ...(load ? { load } : {}),
    ...(loadReference ? { loadReference } : {}),
  }
}

/**
 * Pass 2 (`calibration`: the reference's calibration rows under the merged detector of `merged`)
 * or 3 (`current`: the current rows above the thresholds of `calibration`, pass 2 merged) over
 * this process's shard of `source` (pass 2: the reference, pass 3: the current data), the only
 * file the pass reads.
 * @throws RangeError when `merged` has no OOD plan or (pass 3) `calibration` is missing or
 *   incomplete; DataError for a bad cell.
 */
export async function driftOodPass(
  inp: DriftStreamBase,
  source: DataSource,
  shard: ShardSpec,
  merged: AuditState,
  calibration: OodCalibration | null,
): Promise<OodPassPart> {
  const plan = auditStateOodPlan(merged.settings.drift)
  const moments = merged.drift?.moments
  if (!plan || !moments) throw new RangeError('this drift has no out-of-distribution passes')
  const it = await firstAndRest(source)
  const s = await openSession(inp, source, it.first)
  const shardInfo = (side: 'data' | 'reference') => [
    { index: shard.index, count: shard.count, coverage: { [side]: source.coverage } },
  ]
  if (!calibration) {
    const state = new OodCalibration(plan, moments.model())
    for await (const c of chunksOf(it)) state.add(chunkData(s, source, c).encoded, c.firstRow)
    return { pass: 'calibration', identity: merged.identity, shards: shardInfo('reference'), state }
  }
  const state = new OodCount(calibration.thresholds())
  for await (const c of chunksOf(it)) state.add(chunkData(s, source, c).encoded)
  return { pass: 'current', identity: merged.identity, shards: shardInfo('data'), state }
}
