/**
 * `glassbox drift` (docs/contracts.md §3): how a current dataset has shifted from a reference
 * one, for the model at hand. Writes report JSON v1 whose `data` is the CURRENT data (sha256 and
 * rows) and whose `metrics` / `calibration` / `fairness` are the current data's (when it has
 * labels), plus the `drift` section; prints each file's load notices (named by its path; the
 * warnings recorded in the report, as in `glassbox audit`), a summary with the reference-vs-current
 * comparison, and evaluates `--fail-on` gates (e.g. `drift.maxPsi>0.2`). Exit 0 ok, 1 a gate
 * failed, 2 bad input or usage. No formula lives here: the numbers come from src/core/drift and
 * auditRun.
 */
import {
  argBackend,
  argGates,
  argInt,
  argOutput,
  argOutputKind,
  argsParse,
  argThreshold,
  COMMON_OPTIONS,
} from './args.ts'
import { type DriftAnalysis, driftAnalyze } from '../core/drift/analyze.ts'
import type { FeatureDrift } from '../core/drift/features.ts'
import type { PredictionDrift } from '../core/drift/prediction.ts'
import { PSI_DRIFT, PSI_WATCH } from '../core/drift/psi.ts'
import { classRequest } from '../model/card.ts'
import { AUDIT_DEFAULTS, type AuditSettings } from '../report/audit.ts'
import { auditFull } from '../report/auditFull.ts'
import type { Report } from '../report/types.ts'
import { sessionData, sessionOpen, sessionPredictAll, sessionWithData } from '../session/session.ts'
import type { OutputKind } from '../core/output.ts'
import type { Gate } from './gates.ts'
import type { CliIo } from './io.ts'
import { dataLoadFromDisk } from './dataSource.ts'
import { UsageError, modelOpenFromDisk, schemaLoadFromDisk } from './load.ts'
import { noticesReport, sessionNotices } from './notices.ts'
import { reportFinish } from './output.ts'
import { driftStreamed, driftStreams } from './driftStreamRun.ts'

/** `glassbox drift --help`. */
export const DRIFT_USAGE = `usage: glassbox drift --model M.json --schema S.json --reference A.csv --current B.csv [options]

  --reference, --current   CSV or Parquet files (Parquet told by its content, "PAR1")
  --out FILE               write the report JSON (v1): the current data's identity, metrics,
                           calibration and fairness (when it has labels) and the drift section
  --html FILE              write the self-contained HTML report
  --threshold T            decision threshold, predicted positive iff p >= T (0.5)
  --class N                softmax class of interest (1 for a 2-class softmax)
  --seed N                 seed of the out-of-distribution fit / threshold split (1)
  --backend B              auto | wasm | cpu (auto: wasm, then cpu)
  --output KIND            probability | logit (overrides the schema's output.kind)
  --fail-on "PATH OP N"    gate, repeatable: exit 1 when true, e.g. "drift.maxPsi>0.2"
  --stream                 read both files in chunks with flat memory (always for Parquet and
                           for CSV files over 256 MiB; docs/scale.md)
  --shard i/n | auto[/n]   this process's shard of both files (auto: from the batch system)
  --partial FILE           write the shard's partial ({index} = the shard index)
  --ood-pass 2|3           run the out-of-distribution pass 2 (reference) or 3 (current) of a
                           sharded drift, under the merged state --state FILE
  --state FILE             the merged state (glassbox merge … --state FILE) a pass 2 or 3 reads
  --quiet                  no summary
  --help                   this text

Feature drift: PSI over the reference's deciles (categorical: its categories + unseen),
KS and Wasserstein (numeric), chi-squared (categorical); drifted = PSI > ${PSI_DRIFT} or a
Holm-adjusted p < 0.05, watch = PSI in (${PSI_WATCH}, ${PSI_DRIFT}]. Out of distribution = Mahalanobis
distance above the 95th percentile of held-out reference rows.

exit status: 0 ok, 1 a gate failed, 2 bad input or usage`

/** `glassbox drift` options as parsed. */
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
  /** `--output`: overrides the schema's output.kind; null = the schema's. */
  output: OutputKind | null
  gates: Gate[]
  quiet: boolean
  help: boolean
  /** `--stream`: read both files in chunks (docs/scale.md). */
  stream: boolean
  /** `--shard` as given (`i/n`, `auto`, `auto/n`), or null. */
  shard: string | null
  /** `--partial FILE`, or null. */
  partial: string | null
  /** `--ood-pass`: 2 or 3, or null for pass 1. */
  oodPass: 2 | 3 | null
  /** `--state FILE` (with --ood-pass), or null. */
  state: string | null
}

/** Parses argv (after the `drift` word); every problem is a one-line UsageError. */
export function driftOptionsParse(argv: string[]): DriftCliOptions {
  const parsed = argsParse(
    argv,
    {
      ...COMMON_OPTIONS,
      reference: { type: 'string' },
      current: { type: 'string' },
      stream: { type: 'boolean' },
      shard: { type: 'string' },
      partial: { type: 'string' },
      'ood-pass': { type: 'string' },
      state: { type: 'string' },
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
  const gates = argGates(v['fail-on'])
  const pass = v['ood-pass']
  if (pass !== undefined && pass !== '2' && pass !== '3')
    throw new UsageError(`--ood-pass must be 2 or 3 (got "${pass}")`)
  if ((pass === undefined) !== (v.state === undefined))
    throw new UsageError('--ood-pass and --state go together (see glassbox drift --help)')
  return {
    model: v.model ?? '',
    schema: v.schema ?? '',
    reference: v.reference ?? '',
    current: v.current ?? '',
    out: argOutput(v.out, '--out'),
    html: argOutput(v.html, '--html'),
    threshold,
    classIndex: v.class === undefined ? null : argInt(v.class, '--class', 0),
    seed: v.seed === undefined ? AUDIT_DEFAULTS.seed : argInt(v.seed, '--seed', 0),
    backend: v.backend === undefined ? 'auto' : argBackend(v.backend),
    output: argOutputKind(v.output),
    gates,
    quiet: !!v.quiet,
    help,
    stream: !!v.stream,
    shard: v.shard ?? null,
    partial: v.partial ?? null,
    oodPass: pass === undefined ? null : pass === '2' ? 2 : 3,
    state: v.state ?? null,
  }
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3))
const fp = (v: number) => (v < 1e-4 ? v.toExponential(1) : v.toFixed(4))
const signed = (v: number | null) => (v === null ? '' : ` (${v >= 0 ? '+' : ''}${v.toFixed(3)})`)
const pct = (v: number) => `${(100 * v).toFixed(1)}%`

/** The summary's feature drift table and prediction drift line (in-memory and streamed alike). */
export function driftFeatureLines(
  features: readonly FeatureDrift[],
  pd: PredictionDrift,
): string[] {
  const lines = [
    `feature drift (drifted: PSI > ${PSI_DRIFT} or Holm-adjusted p < 0.05; watch: PSI > ${PSI_WATCH}):`,
  ]
  const width = Math.max(7, ...features.map((f) => f.feature.length))
  lines.push(
    `  ${'feature'.padEnd(width)}  ${'PSI'.padStart(7)}  ${'KS/χ²'.padStart(9)}  ${'p (Holm)'.padStart(9)}  flag`,
  )
  for (const f of [...features].sort((x, y) => y.psi - x.psi)) {
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
  lines.push(
    `prediction drift: PSI ${pd.psi.toFixed(4)}, KS ${pd.ks.toFixed(3)} (p ${fp(pd.pValue)}), mean p ${pd.refMean.toFixed(3)} → ${pd.curMean.toFixed(3)}`,
  )
  return lines
}

/** One line of a report's `drift` section (the merged drift's summary has no rows to say more). */
export function driftSectionLine(d: NonNullable<Report['drift']>): string {
  const drifted = Object.entries(d.features)
    .filter(([, f]) => f.drifted)
    .map(([k]) => k)
  const ood = d.oodShare === null ? 'not computed' : pct(d.oodShare)
  return `drift: max PSI ${d.maxPsi.toFixed(4)}; drifted: ${drifted.length ? drifted.join(', ') : 'none'}; prediction PSI ${d.prediction.psi.toFixed(4)}, KS ${f3(d.prediction.ks)}; out of distribution ${ood}`
}

/** The stdout summary: the comparison the report's schema cannot hold, plus the section. */
export function driftSummary(
  a: DriftAnalysis,
  r: Report,
  ref: { path: string; rows: number },
  cur: { path: string; rows: number },
): string {
  const lines = [
    `model ${r.model.sha256.slice(0, 12)}… (${r.model.format}, ${r.model.inputs} inputs) · reference ${ref.path} (${ref.rows} rows) · current ${cur.path} (${cur.rows} rows) · backend ${r.settings.backend}`,
  ]
  lines.push(...driftFeatureLines(a.features, a.prediction))
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

/**
 * The report's settings of a drift: its own sections describe the current data, as its audit
 * with every explainer off.
 */
export function driftSettings(opts: DriftCliOptions, backend: string): AuditSettings {
  return {
    ...AUDIT_DEFAULTS,
    background: { ...AUDIT_DEFAULTS.background },
    threshold: opts.threshold,
    seed: opts.seed,
    backend,
    rows: [],
    shap: false,
    igSteps: 0,
    counterfactuals: 0,
    quantize: [],
  }
}

/** Runs `glassbox drift`; returns the exit code (throws UsageError & co. for exit 2). */
export async function drift(argv: string[], io: CliIo): Promise<number> {
  const opts = driftOptionsParse(argv)
  if (opts.help) {
    io.stdout.write(`${DRIFT_USAGE}\n`)
    return 0
  }
  if (driftStreams(opts)) return driftStreamed(opts, io)
  const schema = schemaLoadFromDisk(opts.schema, opts.output)
  const ref = await dataLoadFromDisk(opts.reference, '--reference')
  const cur = await dataLoadFromDisk(opts.current, '--current')
  const { model, backend } = await modelOpenFromDisk(opts.model, opts.backend, schema)
  try {
    const reference = await sessionOpen(model, schema, ref, classRequest(opts.classIndex), {
      schemaName: opts.schema,
      classOption: '--class',
    })
    const current = sessionWithData(reference, sessionData(reference, cur))
    const pRef = await sessionPredictAll(reference)
    const pCur = await sessionPredictAll(current)
    const side = (s: typeof reference, p: Float32Array) => ({
      table: s.table,
      x: s.encoded,
      p,
      labels: s.labels,
      source: s.dataName,
    })
    const analysis = driftAnalyze(schema, side(reference, pRef), side(current, pCur), {
      threshold: opts.threshold,
      seed: opts.seed,
    })
    const settings = driftSettings(opts, backend)
    const report = await auditFull(current, settings, {}, pCur)
    report.drift = analysis.section
    // Each file's load notices, named by its path (the reference's first).
    const notices = [
      ...sessionNotices(reference, opts.reference),
      ...sessionNotices(current, opts.current),
    ]
    noticesReport(notices, report, io, opts.quiet)
    const summary = () =>
      driftSummary(
        analysis,
        report,
        { path: opts.reference, rows: ref.table.nRows },
        { path: opts.current, rows: cur.table.nRows },
      )
    return reportFinish(report, opts, io, { summary, htmlTitle: 'Glassbox drift report' })
  } finally {
    model.dispose()
  }
}
