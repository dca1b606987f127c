/**
 * The full default audit of the demo on the backend of a Node run: in-process as the CLI does it
 * (a session opened — encoding, fast path verified — then auditFull with the default variants),
 * and the real CLI end to end (process start, tfjs init, loading, everything, `--backend` = this
 * backend).
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { AUDIT_DEFAULTS, type AuditSettings } from '../src/report/audit.ts'
import { auditFull } from '../src/report/auditFull.ts'
import { COMPRESSION_DEFAULTS } from '../src/model/compression.ts'
import { sessionOpen } from '../src/session/session.ts'
import { root } from './demo.ts'
import type { Ctx, Units } from './nodeCtx.ts'
import { type Figure } from './report.ts'
import { BudgetExceeded, measure, measuredFigure } from './measure.ts'
import { AUDIT_ROWS, auditEstimate, compressionEstimate, policy, rateFor } from './plan.ts'
import { FIGURE_BUDGET_S, estimateScaled, median } from './stats.ts'

/** Seconds per row of a black-box SHAP job of `rows` rows, from the jobs measured so far. */
export function shapPerRowInJob(u: Pick<Units, 'shapS' | 'shapJobs'>, rows: number): number | null {
  const s = estimateScaled(u.shapJobs, rows)
  return s === null ? u.shapS : s / rows
}

/** One audit's estimate from the backend's measured units. */
export function auditEstimateOf(
  dataRows: number,
  rate: number | null,
  u: Pick<Units, 'shapS' | 'shapJobs' | 'igS' | 'cfS'>,
): number | null {
  return auditEstimate({
    dataRows,
    rowsPerSec: rate,
    rows: AUDIT_ROWS,
    shapS: u.shapS,
    igS: u.igS,
    cfS: u.cfS,
    compressionS: compressionEstimate({
      variants: AUDIT_DEFAULTS.quantize.length,
      dataRows,
      latencyRepeats: 1,
      rowsPerSec: rate,
      shapRows: COMPRESSION_DEFAULTS.shapRows,
      shapS: shapPerRowInJob(u, COMPRESSION_DEFAULTS.shapRows),
    }),
  })
}

/** A reduced audit that warms up the same code: one explained row, one quantized variant. */
export const AUDIT_WARMUP = <T extends AuditSettings>(s: T): T => ({
  ...s,
  rows: [0],
  quantize: ['float16'],
})

/** How the audit figures describe what they measure. */
export const AUDIT_NOTE = `default settings: metrics, calibration, fairness, SHAP + IG + counterfactuals of ${AUDIT_ROWS} rows, quantization (${AUDIT_DEFAULTS.quantize.join(', ')})`

/** The audit in-process (session + auditFull) and through the real CLI, on the run's backend. */
export async function auditFigures(c: Ctx, u: Units): Promise<Figure[]> {
  const { demo } = c
  const dataRows = demo.enc.x.rows
  const estimate = auditEstimateOf(dataRows, rateFor(dataRows, u.rates, null), u)
  const settings: AuditSettings = { ...AUDIT_DEFAULTS, backend: c.backend }
  const data = { table: demo.table, name: 'data.csv', sha256: 'bench' }
  const audit = async (s: AuditSettings, checkCancel: () => void) => {
    const session = await sessionOpen(
      c.model,
      demo.schema,
      data,
      { kind: 'auto' },
      {
        schemaName: 'schema.json',
      },
    )
    await auditFull(session, s, { checkCancel })
  }
  const inProcess = await measure({
    estimateS: estimate,
    policy: policy('audit'),
    warmup: (check) => audit(AUDIT_WARMUP(settings), check),
    run: (_, check) => audit(settings, check),
  })
  c.log(
    `  audit in-process: ${inProcess.skipped ? 'skipped' : `${median(inProcess.times).toFixed(2)} s`}`,
  )

  const d = join(root, 'public/demo')
  const args = [
    '--import',
    'tsx',
    join(root, 'src/cli/bin.ts'),
    'audit',
    '--model',
    join(d, 'model.json'),
    '--data',
    join(d, 'data.csv'),
    '--schema',
    join(d, 'schema.json'),
    '--backend',
    c.backend,
    '--quiet',
  ]
  const meta = (name: string) => ({ name, backend: c.backend, where: 'node' as const, unit: 's' })
  const inProcessFigure = measuredFigure(meta('audit.inProcess'), inProcess, {
    note: `${AUDIT_NOTE}; in-process as the CLI does it; warm-up: 1 row, float16 only; n = repeats`,
  })
  // The CLI end to end once per bench, on its default backend (auto = wasm).
  if (c.backend !== 'wasm') return [inProcessFigure]
  const cli = await measure({
    // Process start and loading (~2 s here) on top of the in-process audit.
    estimateS: inProcess.skipped ? inProcess.estimateS : median(inProcess.times) + 2,
    policy: policy('audit'),
    run: async () => {
      const t = performance.now()
      const r = spawnSync(process.execPath, args, {
        cwd: root,
        encoding: 'utf8',
        timeout: FIGURE_BUDGET_S * 1000,
      })
      if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
        throw new BudgetExceeded((performance.now() - t) / 1000)
      if (r.status !== 0) throw new Error(`glassbox audit failed: ${r.stderr}`)
    },
  })
  c.log(`  audit CLI: ${cli.skipped ? 'skipped' : `${median(cli.times).toFixed(2)} s`}`)
  return [
    inProcessFigure,
    measuredFigure(meta('audit.cli'), cli, {
      note: `${AUDIT_NOTE}; \`glassbox audit --backend ${c.backend}\` end to end, process start included; n = repeats`,
    }),
  ]
}
