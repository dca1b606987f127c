/**
 * `npm run bench`: the benchmark suite. Node figures on the wasm and cpu backends, then browser
 * figures on every backend the app's worker reports (skipped with a note when Chromium is
 * missing). Every figure has a time budget and reports how many items it measured. Writes
 * bench/results.json and prints a summary table. Targets are reported, not enforced: the exit
 * status is 0 when the run completes and 1 when something crashed (partial results are still
 * written).
 */
import { writeFileSync } from 'node:fs'
import { cpus, platform, release, arch, totalmem } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { auditFigures } from './audit.ts'
import { compressionFigures } from './compression.ts'
import { fastPathFigures } from './fastpath.ts'
import { browserFigures } from './browser.ts'
import { cfSummarise, type CfQuery } from './counterfactuals.ts'
import { benchRows, demoLoad, root } from './demo.ts'
import { nodeFigures } from './node.ts'
import { type Figure, type Results, summaryTable } from './report.ts'

/** Rows explained per SHAP / IG figure. */
const SHAP_ROWS = 8

async function main(): Promise<number> {
  const t0 = performance.now()
  const log = (s: string): void =>
    console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${s}`)
  const demo = demoLoad()
  const rows = benchRows(demo.enc.x.rows, SHAP_ROWS)
  log(
    `demo: ${demo.enc.x.rows} rows, ${demo.schema.features.length} features → ${demo.enc.x.cols} inputs; rows ${rows.join(', ')}`,
  )

  const figures: Figure[] = []
  const machine: Results['machine'] = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    tfjs: tf.version.tfjs,
    date: new Date().toISOString(),
    chromium: null,
  }
  const results: Results = {
    machine,
    totalSeconds: 0,
    browser: { skipped: true, note: null },
    figures,
  }
  let crashed: Error | null = null
  const write = (): void => {
    results.totalSeconds = Math.round((performance.now() - t0) / 100) / 10
    writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  }

  let cfRows: number[] | null = null
  let randomWasm: CfQuery[] = []
  try {
    for (const backend of ['wasm', 'cpu'] as const) {
      const r = await nodeFigures(backend, demo, rows, cfRows, log)
      figures.push(...r.figures)
      if (!cfRows) {
        cfRows = r.cfRows
        randomWasm = r.cfRandom
      }
    }
  } catch (e) {
    crashed = e as Error
  }

  if (!crashed) {
    try {
      figures.push(...(await auditFigures(demo, log)))
      figures.push(...(await compressionFigures(demo, log)))
      figures.push(...(await fastPathFigures(demo, rows, log)))
    } catch (e) {
      crashed = e as Error
    }
  }

  if (!crashed) {
    const queryRows = cfRows ?? []
    const randomProximity = (rs: readonly number[]): number | null =>
      cfSummarise(randomWasm.filter((_, i) => rs.includes(queryRows[i]!))).meanProximity
    try {
      const b = await browserFigures(rows, queryRows, randomProximity, log)
      figures.push(...b.figures)
      machine.chromium = b.chromium
      results.browser = { skipped: b.skipped, note: b.note }
      for (const s of b.backends)
        machine[`browser.${s.name}`] = s.available
          ? `${s.rowsPerSec ? Math.round(s.rowsPerSec) : '?'} rows/s probed${s.detail ? `, ${s.detail}` : ''}`
          : `unavailable: ${s.error ?? ''}`
    } catch (e) {
      crashed = e as Error
      results.browser = { skipped: true, note: `browser part crashed: ${crashed.message}` }
    }
  }

  write()
  console.log(`\n${summaryTable(figures)}\n`)
  if (results.browser.note) console.log(`browser: ${results.browser.note}`)
  const targets = figures.filter((f) => f.pass !== null)
  console.log(
    `targets: ${targets.filter((f) => f.pass).length} of ${targets.length} pass; ` +
      `${figures.length} figures in ${results.totalSeconds} s → bench/results.json`,
  )
  if (crashed) {
    console.error(`bench crashed: ${crashed.stack ?? crashed.message}`)
    return 1
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  },
)
