/**
 * The quantization comparison of a streamed audit (`--quantize …` with `--stream`/`--shard`;
 * docs/scale.md): every shard builds each variant as the in-memory audit does
 * (src/report/auditFull.ts → src/model/compression), scores its chunks with it next to the float32
 * model, and keeps per variant an `AuditState` of the variant's scores and a `VariantTally`
 * (src/core/stream/quantization.ts); shard 0 also computes the SHAP rank correlations on the
 * seeded sample rows, gathered by global index. int8act's calibration rows are read by global
 * index in every shard, so every shard builds the same variant.
 */
import { explanationAgreement } from '../core/compare/explanations.ts'
import { dict } from '../core/dict.ts'
import { matrixRows } from '../core/quantize/activations.ts'
import { compareSampleRows } from '../core/quantize/compare.ts'
import type { QuantSchemeId } from '../core/quantize/schemes.ts'
import type { Background } from '../core/shap/background.ts'
import {
  type AuditIdentity,
  type AuditState,
  type AuditStateSettings,
  type ShardInfo,
  auditStateAdd,
  auditStateCreate,
  auditStateFromJSON,
  auditStateMerge,
  auditStateToJSON,
} from '../core/stream/index.ts'
import { VariantTally, variantReportEntry } from '../core/stream/quantization.ts'
import type { Table } from '../core/table.ts'
import { type Matrix, matrix } from '../core/types.ts'
import { COMPRESSION_DEFAULTS, compressionOf, compressionPhis } from '../model/compression.ts'
import type { LoadedModel, VariantModel } from '../model/runtime.ts'
import type { Report, ReportQuantization } from '../report/types.ts'
import { type Session, sessionData } from '../session/session.ts'
import { UsageError } from './load.ts'

/** One variant's mergeable part. */
export type QuantVariantPart = {
  id: QuantSchemeId
  /** Packed bytes including scales. */
  bytes: number
  tally: VariantTally
  /** The variant's scores' audit state (identity: the audit's plus `variant`). */
  state: AuditState
}

/** A shard's quantization part: its variants' states; shard 0's SHAP rank correlations. */
export type QuantPart = {
  variants: QuantVariantPart[]
  /** Variant id → Spearman correlation of mean |φ| with float32's (shard 0 only; else null). */
  shap: Record<string, number | null> | null
}

/** A shard's running comparison: the built variant models and their parts. */
export type QuantRun = {
  variants: (QuantVariantPart & { vm: VariantModel })[]
  calib: Matrix | null
}

/** int8act's seeded calibration rows (global, ascending), or none when int8act is not asked. */
export function quantCalibrationRows(ids: readonly string[], n: number, seed: number): number[] {
  return ids.includes('int8act')
    ? compareSampleRows(n, COMPRESSION_DEFAULTS.calibrationRows, seed + 1)
    : []
}

/** The seeded rows whose SHAP values are compared (global, ascending), as in memory. */
export function quantShapRows(n: number, seed: number): number[] {
  return compareSampleRows(n, COMPRESSION_DEFAULTS.shapRows, seed)
}

/**
 * Builds the variants of `ids` for a shard: `calibTable` = the calibration rows' table (empty
 * unless int8act). A variant the runtime cannot build is left out, as in memory.
 * @throws ModelError when the model's runtime builds no variants; UsageError on unlabelled data.
 */
export async function quantOpen(
  model: LoadedModel,
  s: Session,
  ids: readonly QuantSchemeId[],
  calibTable: Table | null,
  st: { settings: AuditStateSettings; identity: AuditIdentity; shard: ShardInfo },
): Promise<QuantRun> {
  const cmp = compressionOf(model)
  if (!st.settings.labelled)
    throw new UsageError(
      '--quantize needs the data’s target column in a streamed audit (docs/scale.md)',
    )
  let calib: Matrix | null = null
  if (calibTable) {
    const x = sessionData(s, { table: calibTable, name: 'calibration', sha256: '' }).x
    calib = matrixRows(
      x,
      Array.from({ length: x.rows }, (_, i) => i),
    )
  }
  const run: QuantRun = { variants: [], calib }
  for (const id of ids) {
    const vm = await cmp.variant(id, s.column, calib)
    if (typeof vm === 'string') continue
    run.variants.push({
      id,
      bytes: vm.bytes,
      vm,
      tally: new VariantTally(st.settings.threshold),
      state: auditStateCreate(st.settings, { ...st.identity, variant: id }, st.shard),
    })
  }
  return run
}

/** Scores a chunk (encoded `x`, float32 scores `p`) with every variant and counts it. */
export async function quantAdd(
  run: QuantRun,
  chunk: { firstRow: number; p: Float32Array; y: Uint8Array | null; table: Table; x: Matrix },
  source: string,
): Promise<void> {
  for (const v of run.variants) {
    const pv = await v.vm.predict(chunk.x)
    v.tally.add(chunk.p, pv)
    auditStateAdd(
      v.state,
      { firstRow: chunk.firstRow, p: pv, y: chunk.y, table: chunk.table },
      source,
    )
  }
}

/** Frees the variant models. */
export function quantDispose(run: QuantRun): void {
  for (const v of run.variants) v.vm.dispose()
}

/**
 * Shard 0's SHAP rank correlations: φ of the sample rows `x` under float32 and every built
 * variant (src/model/compression's own step, with the audit's background, budget and seed).
 */
export async function quantShap(
  model: LoadedModel,
  s: Session,
  run: QuantRun,
  x: Matrix,
  bg: Background,
  settings: { seed: number; budget: number },
): Promise<Record<string, number | null>> {
  const ids = run.variants.map((v) => v.id)
  const phis = await compressionPhis(model, ['float32', ...ids], {
    x,
    bg,
    offsets: s.input.offsets,
    seed: settings.seed,
    budget: settings.budget,
    column: s.column,
    calib: run.calib,
  })
  const m = s.schema.features.length
  const phiOf = (id: string) => matrix(phis[id]!, x.rows, m)
  const out = dict<number | null>()
  for (const id of ids)
    out[id] = explanationAgreement(phiOf('float32'), phiOf(id), 5).shapRankCorrelation
  return out
}

/** A quantization part as the partial's body holds it. */
export function quantPartToJSON(q: QuantPart): unknown {
  return {
    variants: q.variants.map((v) => ({
      id: v.id,
      bytes: v.bytes,
      ...v.tally.toJSON(),
      state: auditStateToJSON(v.state),
    })),
    shap: q.shap,
  }
}

/**
 * A quantization part read back.
 * @throws RangeError "NAME is corrupt: …" when malformed.
 */
export function quantPartFromJSON(value: unknown, name: string, threshold: number): QuantPart {
  const bad = (why: string) => new RangeError(`${name} is corrupt: quantization ${why}`)
  const o = value as { variants?: unknown; shap?: unknown } | null
  if (!o || typeof o !== 'object' || !Array.isArray(o.variants)) throw bad('has no variants')
  const shap = o.shap
  if (shap !== null && (typeof shap !== 'object' || Array.isArray(shap)))
    throw bad('SHAP is not an object')
  for (const v of Object.values((shap ?? {}) as Record<string, unknown>))
    if (v !== null && typeof v !== 'number') throw bad('SHAP holds a non-number')
  const variants = o.variants.map((v: unknown, i: number): QuantVariantPart => {
    const e = v as { id?: unknown; bytes?: unknown; state?: unknown } | null
    if (
      !e ||
      typeof e.id !== 'string' ||
      typeof e.bytes !== 'number' ||
      typeof e.state !== 'string'
    )
      throw bad(`variant ${i} is malformed`)
    return {
      id: e.id as QuantSchemeId,
      bytes: e.bytes,
      tally: VariantTally.fromJSON(e, `${name}: quantization variant ${e.id}`, threshold),
      state: auditStateFromJSON(e.state, `${name} (variant ${e.id})`),
    }
  })
  return { variants, shap: shap as QuantPart['shap'] }
}

/**
 * Named shards' quantization parts combined (`zero` = shard 0's part, which holds the SHAP).
 * @throws RangeError naming the part whose variants differ, or a missing part.
 */
export function quantPartsCombine(
  parts: readonly { name: string; q: QuantPart | undefined }[],
  zero: QuantPart | undefined,
): QuantPart {
  const first = parts[0]
  if (!first?.q) throw new RangeError(`${first?.name ?? 'a partial'} has no quantization`)
  const ids = first.q.variants.map((v) => `${v.id}:${v.bytes}`).join(',')
  for (const p of parts) {
    if (!p.q) throw new RangeError(`${p.name} has no quantization`)
    if (p.q.variants.map((v) => `${v.id}:${v.bytes}`).join(',') !== ids)
      throw new RangeError(`${p.name} is foreign: its quantization variants differ`)
  }
  const variants = first.q.variants.map((v0, k): QuantVariantPart => {
    const tally = new VariantTally(v0.tally.threshold)
    for (const p of parts) tally.merge(p.q!.variants[k]!.tally)
    const state = auditStateMerge(
      parts.map((p) => ({ name: `${p.name} (variant ${v0.id})`, state: p.q!.variants[k]!.state })),
    )
    return { id: v0.id, bytes: v0.bytes, tally, state }
  })
  return { variants, shap: zero?.shap ?? null }
}

/** The report's `quantization` section of a complete part. */
export function quantSection(q: QuantPart): Record<string, ReportQuantization> {
  return Object.fromEntries(
    q.variants.map((v) => [
      v.id,
      variantReportEntry(v.bytes, v.tally, v.state, q.shap?.[v.id] ?? null),
    ]),
  ) as NonNullable<Report['quantization']>
}
