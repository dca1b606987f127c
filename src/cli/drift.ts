/**
 * `glassbox drift` (docs/contracts.md §3): how a current dataset has shifted from a reference
 * one, for the model at hand. Writes report JSON v1 whose `data` is the CURRENT data (sha256 and
 * rows) and whose `metrics` / `calibration` / `fairness` are the current data's (when it has
 * labels), plus the `drift` section; prints a summary with the reference-vs-current comparison
 * and evaluates `--fail-on` gates (e.g. `drift.maxPsi>0.2`). Exit 0 ok, 1 a gate failed, 2 bad
 * input or usage. No formula lives here: the numbers come from src/core/drift and auditRun.
 */
import { writeFileSync } from 'node:fs'
import { argBackend, argInt, argsParse, argThreshold, COMMON_OPTIONS } from './args.ts'
import { parseCsvText } from '../core/csv.ts'
import { type DriftAnalysis, driftAnalyze } from '../core/drift/analyze.ts'
import { PSI_DRIFT, PSI_WATCH } from '../core/drift/psi.ts'
import { encodeTable } from '../core/encode.ts'
import { sha256Hex } from '../core/hash.ts'
import { schemaWidth } from '../core/schema.ts'
import type { Table } from '../core/table.ts'
import { type LoadedModel, tfGradFn, tfPredictFn } from '../model/tfModel.ts'
import { AUDIT_DEFAULTS, type AuditSettings, auditRun } from '../report/audit.ts'
import { reportHtml } from '../report/html.ts'
import type { Report } from '../report/types.ts'
import { reportValidate } from '../report/validate.ts'
import { type Gate, type GateResult, gateEvaluate, gateParse } from './gates.ts'
import {
  UsageError,
  backendSet,
  modelLoadFromDisk,
  readOrFail,
  schemaLoadFromDisk,
} from './load.ts'

export const DRIFT_USAGE = `usage: glassbox drift --model M.json --schema S.json --reference A.csv --current B.csv [options]

  --out FILE               write the report JSON (v1): the current data's identity, metrics,
                           calibration and fairness (when it has labels) and the drift section
  --html FILE              write the self-contained HTML report
  --threshold T            decision threshold, predicted positive iff p >= T (0.5)
  --class N                softmax class of interest (1 for a 2-class softmax)
  --seed N                 seed of the out-of-distribution fit / threshold split (1)
  --backend B              auto | wasm | cpu (auto: wasm, then cpu)
  --fail-on "PATH OP N"    gate, repeatable: exit 1 when true, e.g. "drift.maxPsi>0.2"
  --quiet                  no summary
  --help                   this text

Feature drift: PSI over the reference's deciles (categorical: its categories + unseen),
KS and Wasserstein (numeric), chi-squared (categorical); drifted = PSI > ${PSI_DRIFT} or a
Holm-adjusted p < 0.05, watch = PSI in (${PSI_WATCH}, ${PSI_DRIFT}]. Out of distribution = Mahalanobis
distance above the 95th percentile of held-out reference rows.

exit status: 0 ok, 1 a gate failed, 2 bad input or usage`

export type DriftCliOptions = {
  model: string
  schema: string
  reference: string
  current: string
  out: string | null
  html: string | null
  threshold: number
  /** Explicit --class, or null for the default (1 for a 2-class softmax). */
  classIndex: number | null
  seed: number
  backend: string
  gates: Gate[]
  quiet: boolean
  help: boolean
}

/** Parses argv (after the `drift` word); every problem is a one-line UsageError. */
export function driftOptionsParse(argv: string[]): DriftCliOptions {
  const parsed = argsParse(
    argv,
    {
      ...COMMON_OPTIONS,
      reference: { type: 'string' },
      current: { type: 'string' },
    },
    'drift',
  )
  const v = parsed.values
  const help = !!v.help
  if (!help) {
    for (const req of ['model', 'schema', 'reference', 'current'] as const) {
      if (!v[req]) throw new UsageError(`--${req} is required (see glassbox drift --help)`)
    }
  }
  let threshold = AUDIT_DEFAULTS.threshold
  if (v.threshold !== undefined) threshold = argThreshold(v.threshold)
  const gates = (v['fail-on'] ?? []).map((g) => {
    try {
      return gateParse(g)
    } catch (e) {
      throw new UsageError((e as Error).message)
    }
  })
  return {
    model: v.model ?? '',
    schema: v.schema ?? '',
    reference: v.reference ?? '',
    current: v.current ?? '',
    out: v.out ?? null,
    html: v.html ?? null,
    threshold,
    classIndex: v.class === undefined ? null : argInt(v.class, '--class', 0),
    seed: v.seed === undefined ? AUDIT_DEFAULTS.seed : argInt(v.seed, '--seed', 0),
    backend: v.backend === undefined ? 'auto' : argBackend(v.backend),
    gates,
    quiet: !!v.quiet,
    help,
  }
}

/** A CSV from disk; errors name the option (`--reference`, `--current`) and the path. */
async function csvLoad(path: string, option: string): Promise<{ table: Table; sha256: string }> {
  const buf = readOrFail(path, option)
  if (buf.byteLength === 0) throw new UsageError(`${path}: the file is empty`)
  return {
    table: parseCsvText(buf.toString('utf8'), path),
    sha256: await sha256Hex(new Uint8Array(buf)),
  }
}

/** The model's output column for `--class` (audit's rule: sigmoid → 0; softmax → the class). */
function outputColumn(
  lm: LoadedModel,
  opts: DriftCliOptions,
): { classIndex: number; column: number } {
  const out = lm.info.outputWidth
  if (out === 1) {
    if (opts.classIndex !== null && opts.classIndex !== 1)
      throw new UsageError(
        `--class ${opts.classIndex}: ${opts.model} has a single sigmoid output (class 1 = positive)`,
      )
    return { classIndex: 1, column: 0 }
  }
  const classIndex = opts.classIndex ?? (out === 2 ? 1 : -1)
  if (classIndex < 0)
    throw new UsageError(`${opts.model} has a softmax over ${out} classes: choose one with --class`)
  if (classIndex >= out)
    throw new UsageError(`--class ${classIndex} does not exist: ${opts.model} has ${out} outputs`)
  return { classIndex, column: classIndex }
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3))
const fp = (v: number) => (v < 1e-4 ? v.toExponential(1) : v.toFixed(4))
const signed = (v: number | null) => (v === null ? '' : ` (${v >= 0 ? '+' : ''}${v.toFixed(3)})`)
const pct = (v: number) => `${(100 * v).toFixed(1)}%`

/** The stdout summary: the comparison the report's schema cannot hold, plus the section. */
export function driftSummary(
  a: DriftAnalysis,
  r: Report,
  ref: { path: string; rows: number },
  cur: { path: string; rows: number },
): string {
  const lines = [
    `model ${r.model.sha256.slice(0, 12)}… (${r.model.format}, ${r.model.inputs} inputs) · reference ${ref.path} (${ref.rows} rows) · current ${cur.path} (${cur.rows} rows) · backend ${r.settings.backend}`,
    `feature drift (drifted: PSI > ${PSI_DRIFT} or Holm-adjusted p < 0.05; watch: PSI > ${PSI_WATCH}):`,
  ]
  const width = Math.max(7, ...a.features.map((f) => f.feature.length))
  lines.push(
    `  ${'feature'.padEnd(width)}  ${'PSI'.padStart(7)}  ${'KS/χ²'.padStart(9)}  ${'p (Holm)'.padStart(9)}  flag`,
  )
  for (const f of [...a.features].sort((x, y) => y.psi - x.psi)) {
    const stat =
      f.kind === 'numeric'
        ? `KS ${f3(f.ks)}`
        : `χ² ${f.chi2! >= 1000 ? f.chi2!.toExponential(1) : f.chi2!.toFixed(1)}`
    const flag = f.drifted ? `DRIFTED (${f.reasons.join(', ')})` : f.watch ? 'watch' : ''
    const fresh = f.newCategories.length
      ? `; new: ${f.newCategories.slice(0, 3).join(', ')}${f.newCategories.length > 3 ? ', …' : ''}`
      : ''
    lines.push(
      `  ${f.feature.padEnd(width)}  ${f.psi.toFixed(4).padStart(7)}  ${stat.padStart(9)}  ${fp(f.pAdjusted).padStart(9)}  ${flag}${fresh}`,
    )
  }
  const pd = a.prediction
  lines.push(
    `prediction drift: PSI ${pd.psi.toFixed(4)}, KS ${pd.ks.toFixed(3)} (p ${fp(pd.pValue)}), mean p ${pd.refMean.toFixed(3)} → ${pd.curMean.toFixed(3)}`,
  )
  const perf = a.performance
  const cmp = (c: {
    key: string
    reference: number | null
    current: number | null
    delta: number | null
    highlight: boolean
  }) => `${c.key} ${f3(c.reference)} → ${f3(c.current)}${signed(c.delta)}${c.highlight ? ' !' : ''}`
  lines.push(
    `performance (reference → current, threshold ${perf.threshold}; ! = worse by ≥ 0.02): ${perf.metrics.map(cmp).join(', ')}`,
  )
  if (perf.unlabelled) lines.push(`note: ${perf.reason}`)
  for (const [attr, cs] of Object.entries(perf.fairness))
    lines.push(`fairness by ${attr}: ${cs.map(cmp).join(', ')}`)
  if (a.ood) {
    const top = a.ood.top
      .slice(0, 3)
      .map(
        (t) =>
          `row ${t.row} (d ${t.score.toFixed(1)}: ${t.contributions
            .slice(0, 2)
            .map((c) => `${c.feature} ${pct(c.share)}`)
            .join(', ')})`,
      )
      .join('; ')
    lines.push(
      `out of distribution: ${pct(a.ood.share95)} of current rows above the reference's 95th percentile (expected 5%), ${pct(a.ood.share99)} above the 99th; most unusual: ${top}`,
    )
  } else {
    lines.push('out of distribution: not computed (the reference needs at least 4 rows)')
  }
  return lines.join('\n')
}

/** Runs `glassbox drift`; returns the exit code (throws UsageError & co. for exit 2). */
export async function drift(argv: string[]): Promise<number> {
  const opts = driftOptionsParse(argv)
  if (opts.help) {
    process.stdout.write(`${DRIFT_USAGE}\n`)
    return 0
  }
  const backend = await backendSet(opts.backend)
  const schema = schemaLoadFromDisk(opts.schema)
  const ref = await csvLoad(opts.reference, '--reference')
  const cur = await csvLoad(opts.current, '--current')
  const lm = await modelLoadFromDisk(opts.model)
  try {
    const width = schemaWidth(schema)
    if (width !== lm.info.inputWidth) {
      throw new UsageError(
        `width mismatch: ${opts.model} expects ${lm.info.inputWidth} inputs, but ${opts.schema} encodes ${schema.features.length} features into ${width} inputs`,
      )
    }
    const { classIndex, column } = outputColumn(lm, opts)
    const encRef = encodeTable(schema, ref.table, opts.reference)
    const encCur = encodeTable(schema, cur.table, opts.current)
    const predict = tfPredictFn(lm, column)
    const pRef = await predict(encRef.x)
    const pCur = await predict(encCur.x)
    const analysis = driftAnalyze(
      schema,
      { table: ref.table, x: encRef.x, p: pRef, labels: encRef.labels, source: opts.reference },
      { table: cur.table, x: encCur.x, p: pCur, labels: encCur.labels, source: opts.current },
      { threshold: opts.threshold, seed: opts.seed },
    )
    // The report's own sections describe the current data: auditRun with every explainer off.
    const settings: AuditSettings = {
      ...AUDIT_DEFAULTS,
      background: { ...AUDIT_DEFAULTS.background },
      threshold: opts.threshold,
      seed: opts.seed,
      classIndex,
      backend,
      rows: [],
      shap: false,
      igSteps: 0,
      counterfactuals: 0,
      quantize: [],
    }
    const report = await auditRun(
      {
        schema,
        table: cur.table,
        x: encCur.x,
        values: encCur.values,
        labels: encCur.labels,
        predict: async (x) => (x === encCur.x ? pCur : predict(x)),
        grad: tfGradFn(lm, column),
        model: {
          sha256: lm.info.weightsSha256,
          format: lm.info.format,
          inputs: lm.info.inputWidth,
          parameters: lm.info.parameters,
          bytes: lm.info.bytes,
        },
        dataSha256: cur.sha256,
      },
      settings,
    )
    report.drift = analysis.section
    const check = reportValidate(report)
    if (!check.valid)
      throw new Error(`the report does not match report.v1.json: ${check.errors[0]}`)
    if (opts.out) writeFileSync(opts.out, `${JSON.stringify(report, null, 1)}\n`)
    if (opts.html) writeFileSync(opts.html, reportHtml(report, { title: 'Glassbox drift report' }))
    if (!opts.quiet) {
      process.stdout.write(
        `${driftSummary(analysis, report, { path: opts.reference, rows: ref.table.nRows }, { path: opts.current, rows: cur.table.nRows })}\n`,
      )
    }
    const results: GateResult[] = opts.gates.map((g) => gateEvaluate(g, report))
    for (const r of results) {
      if (!opts.quiet || r.failed)
        (r.failed ? process.stderr : process.stdout).write(`${r.message}\n`)
    }
    return results.some((r) => r.failed) ? 1 : 0
  } finally {
    lm.model.dispose()
  }
}
