/**
 * `glassbox audit` options (docs/contracts.md §3): parsing and validation into AuditSettings.
 * Every problem is a UsageError with a one-line message naming the option.
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
import type { IgRule } from '../core/attribution/quadrature.ts'
import type { OutputKind } from '../core/output.ts'
import { QUANT_SCHEME_IDS, type QuantSchemeId } from '../core/quantize/schemes.ts'
import type { BackgroundKind } from '../core/shap/background.ts'
import { TREE_SHAP_KINDS, type TreeShapKind } from '../core/tree/explain.ts'
import { AUDIT_DEFAULTS, type AuditSettings } from '../report/audit.ts'
import type { Gate } from './gates.ts'
import { UsageError } from './load.ts'
const IG_METHODS: IgRule[] = ['midpoint', 'trapezoid', 'left', 'right', 'gausslegendre']

/** `glassbox audit --help`. */
export const AUDIT_USAGE = `usage: glassbox audit --model M.json --data D.csv --schema S.json [options]

  --out FILE               write the report JSON (v1)
  --html FILE              write the self-contained HTML audit report
  --threshold T            decision threshold, predicted positive iff p >= T (0.5)
  --class N                softmax class of interest (1 for a 2-class softmax)
  --rows 5,17,42           rows to explain (8 rows >= 50 drawn with the seed)
  --background KIND:K      first:K | sample:K | kmeans:K (first:50)
  --budget N               coalition budget; exact SHAP when 2^M - 2 <= N (4096)
  --shap / --no-shap       SHAP for the explained rows (on)
  --fast-path / --no-fast-path
                           SHAP on the exact Dense first-layer fast path / through the model as
                           a black box (default: time one row on each where the model allows
                           the fast path, use the faster; reported as explanations.*.shapPath)
  --seed N                 seed of every random choice (1)
  --ig-steps N             integrated-gradient steps, 0 = none (auto: 64 refined)
  --ig-method M            midpoint | trapezoid | left | right | gausslegendre (midpoint)
  --ig-baseline B          mean | zeros | row:N | expected (mean)
  --counterfactuals K      counterfactuals per row, 0 = none (4)
  --quantize IDS           comma list of ${QUANT_SCHEME_IDS.join(', ')}, or none
                           (float16,uint8 for TensorFlow.js LayersModels, none for others)
  --tree-shap KINDS        TreeSHAP of tree models: interventional,pathDependent or none
                           (every kind the model supports)
  --backend B              auto | wasm | cpu (auto: wasm, then cpu)
  --output KIND            probability | logit: what the model outputs (overrides the
                           schema's output.kind; logit: Glassbox applies the sigmoid/softmax)
  --fail-on "PATH OP N"    gate, repeatable: exit 1 when true, e.g. "calibration.ece>0.05"
  --quiet                  no progress bar, no summary
  --help                   this text

large data (docs/scale.md; --data may be CSV or Parquet, told apart by content):
  --stream                 read the data in chunks with flat memory (always for Parquet and
                           files above 256 MiB); no counterfactuals, quantization or kmeans
  --shard i/n | auto[/n]   audit only shard i of n (auto: from SLURM_ARRAY_TASK_ID/COUNT,
                           JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX; n from
                           GLASSBOX_SHARD_COUNT where the scheduler has none)
  --partial FILE           write the shard's partial ({index} = the shard index) for
                           glassbox merge, instead of a report

exit status: 0 ok, 1 a gate failed, 2 bad input or usage`

/** `glassbox audit` options as parsed. */
export type AuditOptions = {
  model: string
  data: string
  schema: string
  out: string | null
  html: string | null
  quiet: boolean
  help: boolean
  /** Explicit --class, or null for the default (1 for a 2-class softmax). */
  classIndex: number | null
  /** `--output`: overrides the schema's output.kind; null = the schema's. */
  output: OutputKind | null
  settings: AuditSettings
  /** --quantize was given (else the default applies only to models with variants). */
  quantizeGiven: boolean
  gates: Gate[]
  /** `--stream`: read the data in chunks (see docs/scale.md). */
  stream: boolean
  /** `--shard` as given (`i/n`, `auto`, `auto/n`), or null. */
  shard: string | null
  /** `--partial FILE`, or null. */
  partial: string | null
  /** Options given explicitly (their defaults change in a streamed audit). */
  given: string[]
}

/** `--tree-shap interventional,pathDependent | none` → the kinds asked for. */
function argTreeShap(arg: string): TreeShapKind[] {
  const kinds = arg
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
  if (kinds.length === 1 && kinds[0] === 'none') return []
  if (!kinds.length) throw new UsageError('--tree-shap needs interventional, pathDependent or none')
  for (const k of kinds) {
    if (!(TREE_SHAP_KINDS as readonly string[]).includes(k))
      throw new UsageError(
        `--tree-shap: unknown kind "${k}" (${TREE_SHAP_KINDS.join(', ')} or none)`,
      )
  }
  return [...new Set(kinds as TreeShapKind[])]
}

/** Parses argv (after the `audit` word). */
export function auditOptionsParse(argv: string[]): AuditOptions {
  const parsed = argsParse(
    argv,
    {
      ...COMMON_OPTIONS,
      data: { type: 'string' },
      rows: { type: 'string' },
      background: { type: 'string' },
      budget: { type: 'string' },
      shap: { type: 'boolean' },
      'no-shap': { type: 'boolean' },
      'no-fast-path': { type: 'boolean' },
      'fast-path': { type: 'boolean' },
      'ig-steps': { type: 'string' },
      'ig-method': { type: 'string' },
      'ig-baseline': { type: 'string' },
      counterfactuals: { type: 'string' },
      quantize: { type: 'string' },
      stream: { type: 'boolean' },
      shard: { type: 'string' },
      partial: { type: 'string' },
      'tree-shap': { type: 'string' },
    },
    'audit',
  )
  const v = parsed.values
  const help = !!v.help
  const s: AuditSettings = { ...AUDIT_DEFAULTS, background: { ...AUDIT_DEFAULTS.background } }
  if (!help) {
    for (const req of ['model', 'data', 'schema'] as const) {
      if (!v[req]) throw new UsageError(`--${req} is required (see glassbox audit --help)`)
    }
  }
  if (v.threshold !== undefined) s.threshold = argThreshold(v.threshold)
  const classIndex = v.class === undefined ? null : argInt(v.class, '--class', 0)
  if (v.rows !== undefined) {
    s.rows = v.rows.split(',').map((r) => argInt(r, '--rows', 0))
    if (!s.rows.length) throw new UsageError('--rows needs at least one row number')
  }
  if (v.background !== undefined) {
    const m = /^(first|sample|kmeans):(\d+)$/.exec(v.background.trim())
    if (!m)
      throw new UsageError(
        `--background must be first:K, sample:K or kmeans:K (got "${v.background}")`,
      )
    s.background = { kind: m[1] as BackgroundKind, k: argInt(m[2]!, '--background K', 1) }
  }
  if (v.budget !== undefined) s.budget = argInt(v.budget, '--budget', 1)
  if (v.shap && v['no-shap']) throw new UsageError('--shap and --no-shap contradict each other')
  if (v['no-shap']) s.shap = false
  if (v['fast-path'] && v['no-fast-path'])
    throw new UsageError('--fast-path and --no-fast-path contradict each other')
  if (v['no-fast-path']) s.fastPath = false
  if (v['fast-path']) s.shapPath = 'fast'
  if (v.seed !== undefined) s.seed = argInt(v.seed, '--seed', 0)
  if (v['ig-steps'] !== undefined) s.igSteps = argInt(v['ig-steps'], '--ig-steps', 0)
  if (v['ig-method'] !== undefined) {
    if (!IG_METHODS.includes(v['ig-method'] as IgRule))
      throw new UsageError(
        `--ig-method must be one of ${IG_METHODS.join(', ')} (got "${v['ig-method']}")`,
      )
    s.igMethod = v['ig-method'] as IgRule
  }
  if (v['ig-baseline'] !== undefined) {
    if (!/^(mean|zeros|expected|row:\d+)$/.test(v['ig-baseline']))
      throw new UsageError(
        `--ig-baseline must be mean, zeros, row:N or expected (got "${v['ig-baseline']}")`,
      )
    s.igBaseline = v['ig-baseline']
  }
  if (v.counterfactuals !== undefined)
    s.counterfactuals = argInt(v.counterfactuals, '--counterfactuals', 0)
  if (v.quantize !== undefined) {
    const ids = v.quantize
      .split(',')
      .map((q) => q.trim())
      .filter(Boolean)
    if (ids.length === 1 && ids[0] === 'none') s.quantize = []
    else {
      for (const id of ids) {
        if (!(QUANT_SCHEME_IDS as readonly string[]).includes(id))
          throw new UsageError(
            `--quantize: unknown scheme "${id}" (${QUANT_SCHEME_IDS.join(', ')} or none)`,
          )
      }
      s.quantize = [...new Set(ids as QuantSchemeId[])]
    }
  }
  if (v['tree-shap'] !== undefined) s.treeShap = argTreeShap(v['tree-shap'])
  if (v.backend !== undefined) s.backend = argBackend(v.backend)
  const gates = argGates(v['fail-on'])
  return {
    model: v.model ?? '',
    data: v.data ?? '',
    schema: v.schema ?? '',
    out: argOutput(v.out, '--out'),
    html: argOutput(v.html, '--html'),
    quiet: !!v.quiet,
    help,
    classIndex,
    output: argOutputKind(v.output),
    settings: s,
    quantizeGiven: v.quantize !== undefined,
    gates,
    stream: !!v.stream,
    shard: v.shard ?? null,
    partial: v.partial ?? null,
    given: Object.keys(v).filter((k) => v[k as keyof typeof v] !== undefined),
  }
}
