/**
 * `glassbox audit` streamed (docs/scale.md): when it streams, what it refuses, and the flow — the
 * shard's state (./streamAudit.ts), then either its partial written (`--partial`) or, for the
 * whole data in one process, the report merged from that single part, the load notices of the
 * whole file printed and recorded (as the in-memory audit does), and finished as usual.
 */
import { statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { isParquet } from '../core/parquet/index.ts'
import { openSync, readSync, closeSync } from 'node:fs'
import { dataOpen } from './dataSource.ts'
import { FILE_CAPS } from './files.ts'
import type { CliIo } from './io.ts'
import { noticesReport, partNotices } from './notices.ts'
import { UsageError, modelOpenFromDisk, readOrFail, schemaLoadFromDisk } from './load.ts'
import type { AuditOptions } from './options.ts'
import { auditPartToJSON, auditPartsMerge } from './partial.ts'
import { shardOfRun } from './shard.ts'
import { auditStreamShard } from './streamAudit.ts'
import type { Report } from '../report/types.ts'

/** CSV files larger than this stream even without `--stream` (bytes). */
export const STREAM_ABOVE_BYTES = 256 * 2 ** 20

/**
 * The size of `path` when it is a regular file (never opened otherwise: a FIFO would block), else
 * null (the in-memory reader then refuses it by name).
 */
export function regularSize(path: string): number | null {
  try {
    const st = statSync(path)
    return st.isFile() ? st.size : null
  } catch {
    return null
  }
}

/** Whether the regular file starts with the Parquet magic. */
export function fileIsParquet(path: string): boolean {
  if (regularSize(path) === null) return false
  const fd = openSync(path, 'r')
  try {
    const head = new Uint8Array(4)
    readSync(fd, head, 0, 4, 0)
    return isParquet(head)
  } finally {
    closeSync(fd)
  }
}

/** Whether this audit streams: asked (`--stream`, `--shard`, `--partial`), Parquet, or large. */
export function auditStreams(opts: AuditOptions): boolean {
  if (opts.stream || opts.shard !== null || opts.partial !== null) return true
  return fileIsParquet(opts.data) || (regularSize(opts.data) ?? 0) > STREAM_ABOVE_BYTES
}

/**
 * The settings of a streamed audit: counterfactuals (./streamCf.ts; sharded: refused) and the
 * quantization comparison (./streamQuant.ts) off unless asked; `kmeans` backgrounds refused —
 * K-medoids needs every row in memory.
 * @throws UsageError naming the option.
 */
function streamedSettings(opts: AuditOptions): AuditOptions['settings'] {
  const s = opts.settings
  const refuse = (what: string) =>
    new UsageError(`${what} is not available in a streamed audit (docs/scale.md); drop it`)
  const sharded = opts.shard !== null || opts.partial !== null
  if (sharded && opts.given.includes('counterfactuals') && s.counterfactuals > 0)
    throw new UsageError(
      '--counterfactuals is not available in a sharded audit (docs/scale.md); run it with --stream in one process, or drop it',
    )
  if (s.background.kind === 'kmeans') throw refuse('--background kmeans')
  return {
    ...s,
    counterfactuals: opts.given.includes('counterfactuals') ? s.counterfactuals : 0,
    quantize: opts.given.includes('quantize') ? s.quantize : [],
  }
}

/**
 * Runs the streamed audit of `opts` (shard or whole): writes the partial and returns null, or
 * returns the report of the whole data.
 * @throws UsageError, DataError, ModelError or RangeError for bad input.
 */
export async function auditStreamed(
  opts: AuditOptions,
  io: CliIo,
  onProgress: (done: number, total: number) => void,
): Promise<Report | null> {
  const settings = streamedSettings(opts)
  const shard = shardOfRun(opts, io.env ?? {}, null)
  const schema = schemaLoadFromDisk(opts.schema, opts.output)
  const schemaSha256 = createHash('sha256')
    .update(readOrFail(opts.schema, '--schema', FILE_CAPS.schema))
    .digest('hex')
  const source = await dataOpen(opts.data, '--data', shard)
  try {
    const { model, backend } = await modelOpenFromDisk(opts.model, settings.backend, schema)
    try {
      const part = await auditStreamShard(
        {
          model,
          schema,
          schemaName: opts.schema,
          schemaSha256,
          source,
          classIndex: opts.classIndex,
          settings: { ...settings, backend },
          onProgress,
        },
        shard.index,
        shard.count,
      )
      if (opts.partial) {
        const file = opts.partial.replaceAll('{index}', String(shard.index))
        writeFileSync(file, auditPartToJSON(part))
        if (!opts.quiet)
          io.stdout.write(
            `shard ${shard.index}/${shard.count}: ${part.state.rows} of ${source.rows} rows → ${file}\n`,
          )
        return null
      }
      const report = auditPartsMerge([{ name: opts.data, part }])
      // The page's load notices of the whole file, from the facts accumulated over its chunks.
      noticesReport(partNotices(part), report, io, opts.quiet)
      return report
    } finally {
      model.dispose()
    }
  } finally {
    await source.close()
  }
}
