/**
 * `glassbox drift` streamed, as a command (docs/scale.md): when it streams, and the flow — pass 1
 * over this process's shard of both files (./driftStream.ts), then either its partial written
 * (`--partial`, which carries each file's load facts) or, for the whole data in one process,
 * passes 2 and 3 run here, each file's load notices printed and recorded (named by its path), and
 * the report finished as the merge would; `--ood-pass 2|3 --state S` runs one OOD pass of a sharded
 * drift under the merged state S and writes its partial.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import {
  type OodCalibration,
  type OodCount,
  driftOfSides,
  oodPassToJSON,
} from '../core/stream/index.ts'
import { STREAM_ABOVE_BYTES, fileIsParquet, regularSize } from './auditStream.ts'
import { dataOpen, type ShardSpec } from './dataSource.ts'
import { type DriftCliOptions, driftFeatureLines, driftSettings } from './drift.ts'
import { type DriftStreamBase, driftIdentity, driftOodPass, driftPass1 } from './driftStream.ts'
import { FILE_CAPS } from './files.ts'
import type { CliIo } from './io.ts'
import { UsageError, modelOpenFromDisk, readOrFail, schemaLoadFromDisk } from './load.ts'
import { noticesReport, partNotices } from './notices.ts'
import { reportFinish } from './output.ts'
import {
  auditPartFromJSON,
  auditPartReport,
  auditPartToJSON,
  auditPartsCombine,
} from './partial.ts'
import { shardOfRun } from './shard.ts'
import { auditSummary } from './audit.ts'

/**
 * Parquet files larger than this stream in `glassbox drift` even without `--stream` (bytes; a
 * Parquet file holds several times its size in memory).
 */
export const DRIFT_STREAM_PARQUET_ABOVE_BYTES = 32 * 2 ** 20

/**
 * Whether this drift streams: asked (`--stream`, `--shard`, `--partial`, `--ood-pass`), or a file
 * on either side over STREAM_ABOVE_BYTES (CSV) or DRIFT_STREAM_PARQUET_ABOVE_BYTES (Parquet).
 * Smaller files load whole, as before, so their reports (and the summary's side-by-side
 * performance and most unusual rows, which need every row) are unchanged.
 */
export function driftStreams(opts: DriftCliOptions): boolean {
  if (opts.stream || opts.shard !== null || opts.partial !== null || opts.oodPass !== null)
    return true
  return [opts.reference, opts.current].some((f) => {
    const size = regularSize(f) ?? 0
    return size > (fileIsParquet(f) ? DRIFT_STREAM_PARQUET_ABOVE_BYTES : STREAM_ABOVE_BYTES)
  })
}

/** `--partial`'s file name for `shard` (`{index}` replaced). */
const partialFile = (opts: DriftCliOptions, shard: ShardSpec) =>
  opts.partial!.replaceAll('{index}', String(shard.index))

/**
 * Runs `--ood-pass 2|3 --state S` over this process's shard: checks that S is a complete merged
 * state of this very drift at the right stage, then writes the pass's partial.
 * @throws UsageError naming S when it is incomplete, foreign or of another stage.
 */
async function oodPassRun(
  base: DriftStreamBase,
  opts: DriftCliOptions,
  shard: ShardSpec,
  io: CliIo,
): Promise<number> {
  const name = opts.state!
  const pass = opts.oodPass!
  const file = auditPartFromJSON(readOrFail(name, '--state').toString('utf8'), name)
  let part
  try {
    part = auditPartsCombine([{ name, part: file }])
  } catch (e) {
    throw new UsageError(`--state ${name} is not a complete merged state (${(e as Error).message})`)
  }
  if (!part.state.drift?.moments)
    throw new UsageError(
      `--state ${name}: this drift has no out-of-distribution passes (merge pass 1 to the report)`,
    )
  if (pass === 2 && file.calibration)
    throw new UsageError(`--state ${name} already holds the merged pass 2: run --ood-pass 3`)
  if (pass === 3 && !file.calibration)
    throw new UsageError(
      `--state ${name} has no merged pass 2: merge it with the pass 2 partials (--state) first`,
    )
  const [path, option] = pass === 2 ? [opts.reference, '--reference'] : [opts.current, '--current']
  const source = await dataOpen(path, option, shard)
  try {
    const mine = driftIdentity(base, {
      data: pass === 3 ? source.sha256 : (part.state.identity.data ?? ''),
      reference: pass === 2 ? source.sha256 : (part.state.identity.reference ?? ''),
    })
    for (const k of Object.keys(mine))
      if (mine[k] !== part.state.identity[k])
        throw new UsageError(
          `--state ${name} is foreign: its ${k} identity differs from this run's (another model, schema, file or settings)`,
        )
    const cal = file.calibration ? (file.calibration.state as OodCalibration) : null
    const result = await driftOodPass(base, source, shard, part.state, cal)
    const out = partialFile(opts, shard)
    writeFileSync(out, `${oodPassToJSON(result)}\n`)
    if (!opts.quiet)
      io.stdout.write(
        `OOD pass ${pass}, shard ${shard.index}/${shard.count}: ${source.coverage.ranges.reduce((n, [a, b]) => n + b - a, 0)} of ${source.rows} rows → ${out}\n`,
      )
    return 0
  } finally {
    await source.close()
  }
}

/** Pass 1 over this process's shard: its partial, or (one process) every pass and the report. */
async function pass1Run(
  base: DriftStreamBase,
  opts: DriftCliOptions,
  shard: ShardSpec,
  io: CliIo,
): Promise<number> {
  const reference = await dataOpen(opts.reference, '--reference', shard)
  try {
    const current = await dataOpen(opts.current, '--current', shard)
    try {
      const pass1 = await driftPass1({ ...base, reference, current }, shard)
      if (opts.partial) {
        const out = partialFile(opts, shard)
        writeFileSync(out, auditPartToJSON(pass1))
        if (!opts.quiet)
          io.stdout.write(
            `shard ${shard.index}/${shard.count}: ${pass1.state.drift!.reference.rows} of ${reference.rows} reference and ${pass1.state.rows} of ${current.rows} current rows → ${out}\n`,
          )
        return 0
      }
      // One process over all rows: passes 2 and 3 here, then the report as the merge makes it.
      const part = auditPartsCombine([{ name: opts.current, part: pass1 }])
      let share: number | null = null
      if (part.state.drift?.moments) {
        const cal = await driftOodPass(base, reference, shard, part.state, null)
        const calibration = cal.state as OodCalibration
        const count = await driftOodPass(base, current, shard, part.state, calibration)
        share = (count.state as OodCount).shares().share95
      }
      const report = auditPartReport(part, share)
      // Each file's load notices, named by its path, as the in-memory drift and the merge print them.
      noticesReport(partNotices(pass1), report, io, opts.quiet)
      const summary = () => {
        const d = driftOfSides(part.state.drift!.reference, part.state.drift!.current, share)
        return [
          auditSummary(report),
          `reference ${opts.reference} (${reference.rows} rows) · current ${opts.current} (${current.rows} rows), streamed`,
          ...driftFeatureLines(d.features, d.prediction),
          share === null
            ? 'out of distribution: not computed (the reference needs at least 4 rows)'
            : `out of distribution: ${(100 * share).toFixed(1)}% of current rows above the reference's 95th percentile (expected 5%)`,
        ].join('\n')
      }
      return reportFinish(report, opts, io, { summary, htmlTitle: 'Glassbox drift report' })
    } finally {
      await current.close()
    }
  } finally {
    await reference.close()
  }
}

/**
 * Runs the streamed `glassbox drift` of `opts` (see the module doc); returns the exit code.
 * @throws UsageError, DataError, ModelError or RangeError for bad input.
 */
export async function driftStreamed(opts: DriftCliOptions, io: CliIo): Promise<number> {
  const pass = opts.oodPass ? `--ood-pass ${opts.oodPass}` : null
  const shard = shardOfRun(opts, io.env ?? {}, pass)
  const schema = schemaLoadFromDisk(opts.schema, opts.output)
  const schemaSha256 = createHash('sha256')
    .update(readOrFail(opts.schema, '--schema', FILE_CAPS.schema))
    .digest('hex')
  const { model, backend } = await modelOpenFromDisk(opts.model, opts.backend, schema)
  try {
    const base: DriftStreamBase = {
      model,
      schema,
      schemaName: opts.schema,
      schemaSha256,
      classIndex: opts.classIndex,
      settings: driftSettings(opts, backend),
    }
    if (opts.oodPass) return await oodPassRun(base, opts, shard, io)
    return await pass1Run(base, opts, shard, io)
  } finally {
    model.dispose()
  }
}
