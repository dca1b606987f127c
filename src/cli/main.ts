#!/usr/bin/env node
/**
 * `glassbox audit` — the dashboard's audit, headless, for pipelines (docs/contracts.md §3).
 * Exit 0 ok, 1 a gate failed, 2 bad input or usage (one line, no stack trace).
 */
import { writeFileSync } from 'node:fs'
import { encodeTable } from '../core/encode.ts'
import { schemaWidth } from '../core/schema.ts'
import { tfGradFn, tfPredictFn } from '../model/tfModel.ts'
import { auditRun } from '../report/audit.ts'
import { fastModelFromArtifacts, fastModelVerify } from '../core/shap/fast/detect.ts'
import { auditQuantization } from '../model/compression.ts'
import { reportHtml } from '../report/html.ts'
import type { Report } from '../report/types.ts'
import { reportValidate } from '../report/validate.ts'
import { DRIFT_USAGE, drift } from './drift.ts'
import { type GateResult, gateEvaluate } from './gates.ts'
import {
  UsageError,
  backendSet,
  dataLoadFromDisk,
  modelLoadFromDisk,
  schemaLoadFromDisk,
} from './load.ts'
import { AUDIT_USAGE, auditOptionsParse } from './options.ts'

const USAGE = `usage: glassbox <command> [options]

commands:
  audit    performance, calibration, fairness and explanations of a model on a dataset
  drift    how a current dataset has shifted from a reference one, for a model

${AUDIT_USAGE}

${DRIFT_USAGE}`

/** A one-line progress bar on stderr, redrawn in place (only on a TTY). */
function progressBar(enabled: boolean) {
  let last = -1
  return {
    update(label: string, done: number, total: number) {
      if (!enabled) return
      const pct = Math.floor((100 * done) / Math.max(1, total))
      if (pct === last) return
      last = pct
      const width = 30
      const fill = Math.round((width * pct) / 100)
      process.stderr.write(
        `\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%`,
      )
    },
    done() {
      if (enabled && last >= 0) process.stderr.write('\n')
    },
  }
}

const f4 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(4))

function summary(r: Report): string {
  const lines = [
    `model ${r.model.sha256.slice(0, 12)}… (${r.model.format}, ${r.model.inputs} inputs) · data ${r.data.sha256.slice(0, 12)}… (${r.data.rows} rows) · backend ${r.settings.backend}`,
  ]
  if (r.metrics)
    lines.push(
      `accuracy ${f4(r.metrics.accuracy)}  roc auc ${f4(r.metrics.rocAuc)}  log loss ${f4(r.metrics.logLoss)}  brier ${f4(r.metrics.brier)}  (threshold ${r.settings.threshold})`,
    )
  if (r.calibration)
    lines.push(`calibration: ece ${f4(r.calibration.ece)}  mce ${f4(r.calibration.mce)}`)
  for (const [attr, f] of Object.entries(r.fairness ?? {})) {
    const small = Object.entries(f.groups)
      .filter(([, g]) => g.small)
      .map(([k]) => k)
    lines.push(
      `fairness by ${attr}: demographic parity diff ${f4(f.demographicParityDifference)} ratio ${f4(f.demographicParityRatio)}  equalized odds diff ${f4(f.equalizedOddsDifference)}${small.length ? `  (small groups: ${small.join(', ')})` : ''}`,
    )
  }
  for (const [id, q] of Object.entries(r.quantization ?? {})) {
    lines.push(
      `${id}: ${q.bytes} bytes, agreement ${f4(q.agreement)}, max |Δp| ${f4(q.maxAbsDiff)}, accuracy ${f4(q.accuracy)}, SHAP rank corr ${f4(q.shapRankCorrelation)}`,
    )
  }
  for (const [row, e] of Object.entries(r.explanations ?? {})) {
    const top = e.shap
      ? Object.entries(e.shap)
          .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
          .slice(0, 3)
          .map(([k, v]) => `${k} ${v >= 0 ? '+' : ''}${v.toFixed(3)}`)
          .join(', ')
      : ''
    const cf = e.counterfactuals
      ? `, ${e.counterfactuals.length} counterfactual${e.counterfactuals.length === 1 ? '' : 's'}`
      : ''
    lines.push(`row ${row}: p ${f4(e.prediction)}${top ? `; top SHAP ${top}` : ''}${cf}`)
  }
  return lines.join('\n')
}

async function audit(argv: string[]): Promise<number> {
  const opts = auditOptionsParse(argv)
  if (opts.help) {
    process.stdout.write(`${AUDIT_USAGE}\n`)
    return 0
  }
  const bar = progressBar(!opts.quiet && !!process.stderr.isTTY)
  const backend = await backendSet(opts.settings.backend)
  const schema = schemaLoadFromDisk(opts.schema)
  const { table, sha256 } = await dataLoadFromDisk(opts.data)
  const lm = await modelLoadFromDisk(opts.model)
  const width = schemaWidth(schema)
  if (width !== lm.info.inputWidth) {
    throw new UsageError(
      `width mismatch: ${opts.model} expects ${lm.info.inputWidth} inputs, but ${opts.schema} encodes ${schema.features.length} features into ${width} inputs`,
    )
  }
  const out = lm.info.outputWidth
  let classIndex: number
  if (out === 1) {
    if (opts.classIndex !== null && opts.classIndex !== 1)
      throw new UsageError(
        `--class ${opts.classIndex}: ${opts.model} has a single sigmoid output (class 1 = positive)`,
      )
    classIndex = 1
  } else {
    classIndex = opts.classIndex ?? (out === 2 ? 1 : -1)
    if (classIndex < 0)
      throw new UsageError(
        `${opts.model} has a softmax over ${out} classes: choose one with --class`,
      )
    if (classIndex >= out)
      throw new UsageError(`--class ${classIndex} does not exist: ${opts.model} has ${out} outputs`)
  }
  const enc = encodeTable(schema, table, opts.data)
  const column = out === 1 ? 0 : classIndex
  const predict = tfPredictFn(lm, column)
  // The exact Dense fast path, verified against the model itself before use.
  let fast =
    opts.settings.fastPath === false ? null : fastModelFromArtifacts(lm.artifacts, column).model
  if (fast && (await fastModelVerify(fast, predict, enc.x))) fast = null
  const audited = await auditRun(
    {
      schema,
      table,
      x: enc.x,
      values: enc.values,
      labels: enc.labels,
      predict,
      grad: tfGradFn(lm, column),
      fast,
      model: {
        sha256: lm.info.weightsSha256,
        format: lm.info.format,
        inputs: lm.info.inputWidth,
        parameters: lm.info.parameters,
        bytes: lm.info.bytes,
      },
      dataSha256: sha256,
    },
    { ...opts.settings, classIndex, backend },
    { onProgress: (d, t) => bar.update('audit', d, t) },
  )
  const report = await auditQuantization(
    audited,
    lm,
    { schema, table, x: enc.x, labels: enc.labels },
    { ...opts.settings, classIndex, backend },
    column,
    {
      onProgress: (d, t) => bar.update('quantization', d, t),
    },
  )
  bar.done()
  const check = reportValidate(report)
  if (!check.valid) throw new Error(`the report does not match report.v1.json: ${check.errors[0]}`)
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(report, null, 1)}\n`)
  if (opts.html) writeFileSync(opts.html, reportHtml(report))
  if (!opts.quiet && enc.missingTarget)
    process.stderr.write(
      `note: ${opts.data} has no "${schema.target.column}" column: no metrics, calibration or fairness\n`,
    )
  if (!opts.quiet) process.stdout.write(`${summary(report)}\n`)
  const results: GateResult[] = opts.gates.map((g) => gateEvaluate(g, report))
  for (const r of results) {
    if (!opts.quiet || r.failed)
      (r.failed ? process.stderr : process.stdout).write(`${r.message}\n`)
  }
  lm.model.dispose()
  return results.some((r) => r.failed) ? 1 : 0
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(`${USAGE}\n`)
      return cmd === undefined ? 2 : 0
    }
    if (cmd === 'audit') return await audit(rest)
    if (cmd === 'drift') return await drift(rest)
    throw new UsageError(`unknown command "${cmd}" (available: audit, drift; see glassbox --help)`)
  } catch (e) {
    const err = e as Error
    const known = ['UsageError', 'DataError', 'ModelError', 'GateError', 'RangeError'].includes(
      err.name,
    )
    process.stderr.write(
      `glassbox: ${known ? '' : 'error: '}${(err.message || String(e)).split('\n')[0]}\n`,
    )
    return 2
  }
}

// tfjs prints a hint about tfjs-node on import; keep stdout/stderr to our own lines.
const quietConsole = console.warn
console.warn = (...a: unknown[]) => {
  if (typeof a[0] === 'string' && a[0].includes('tfjs-node')) return
  quietConsole(...a)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`glassbox: error: ${(e as Error).message}\n`)
    process.exitCode = 2
  },
)
