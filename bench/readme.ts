/**
 * The README's speed table from bench/results.json: `npx tsx bench/readme.ts` prints it,
 * `--write` replaces the part of README.md between `<!-- bench:start -->` and
 * `<!-- bench:end -->`. Medians only (results.md has min … max and n); a figure the budget rule
 * skipped shows its estimate.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './demo.ts'
import { type Figure, type Results, fmt, prettierMarkdown } from './report.ts'

const COLUMNS = [
  ['node', 'wasm', 'Node wasm'],
  ['node', 'cpu', 'Node cpu'],
  ['browser', 'wasm', 'browser wasm'],
  ['browser', 'cpu', 'browser cpu'],
  ['browser', 'webgl', 'browser webgl'],
  ['browser', 'webgpu', 'browser webgpu'],
] as const

type Row = {
  label: string
  /** Figure names per column, joined with " / " when several (e.g. 64k / 400k rows). */
  names: string[]
  /** Overrides for columns: [where, backend] → [name, backend as recorded]. */
  special?: Partial<Record<string, { name: string; backend: string }[]>>
  short?: boolean
}

const ROWS: Row[] = [
  { label: 'predict, rows/s (64k / 400k rows per call)', names: ['predict.64k', 'predict.400k'] },
  {
    label: 'exact SHAP per row, black box (12 players × 50 background rows)',
    names: ['shap.exact'],
  },
  {
    label: '… over one predict of all 4,094 × 50 coalition rows (the issue’s floor)',
    names: ['shap.exact.overCoalitionFloor'],
  },
  {
    label: '… over one predict of only the distinct rows it evaluates (stricter)',
    names: ['shap.exact.overFloor'],
  },
  {
    label: 'exact SHAP per row, Dense fast path (Node: float64 / wasm tail)',
    names: ['shap.exact.fastPath'],
    special: {
      'node wasm': [
        { name: 'shap.exact.fastPath.float64', backend: 'core float64' },
        { name: 'shap.exact.fastPath.wasmTail', backend: 'core + wasm tail' },
      ],
    },
  },
  {
    label: 'sampled SHAP per row, budget 512 / 2048',
    names: ['shap.sampled512', 'shap.sampled2048'],
  },
  { label: 'integrated gradients per row (auto steps)', names: ['ig.auto'] },
  {
    label: 'integrated gradients per row, 50 Gauss–Legendre steps (1 / 8 rows per call)',
    names: ['ig.gaussLegendre50', 'ig.gaussLegendre50.batch8'],
  },
  { label: 'counterfactuals per query (k = 4)', names: ['cf.guided.secondsPerQuery'] },
  {
    label: 'counterfactuals: share of answers valid / features changed',
    names: ['cf.guided.validShare', 'cf.guided.meanChanged'],
  },
  {
    label: 'global SHAP, 200 / 1,000 rows (Node: black box; browser: worker, fast path)',
    names: ['shap.global200', 'shap.global1000'],
  },
  {
    label: 'global SHAP, 200 / 1,000 rows, Node fast path (wasm tail)',
    names: [],
    special: {
      'node wasm': [
        { name: 'shap.global200.fastPath.wasmTail', backend: 'core + wasm tail' },
        { name: 'shap.global1000.fastPath.wasmTail', backend: 'core + wasm tail' },
      ],
    },
  },
  {
    label: 'full demo audit (Node in-process; browser worker)',
    names: ['audit.inProcess', 'audit.worker'],
    short: true,
  },
  { label: 'full demo audit, CLI end to end', names: ['audit.cli'] },
  {
    label: 'compression: all 7 variants, SHAP stability on 50 rows',
    names: ['compression.allVariants'],
  },
  {
    label: 'peak memory (Node RSS; browser Pss of its processes)',
    names: ['memory.peakRss', 'memory.peakPss'],
    short: true,
  },
]

function cell(f: Figure | undefined): string {
  if (!f) return ''
  if (f.skipped) return `skipped (est. ${fmt(f.estimateS, 's')})`
  if (f.note?.startsWith('failed:')) return 'failed'
  return fmt(f.value, f.unit).replace(/ (rows\/s|share of answers|features)$/, '')
}

/** The README's table and the targets under it. */
export function readmeMarkdown(r: Results): string {
  const find = (where: string, backend: string, name: string) =>
    r.figures.find((f) => f.where === where && f.backend === backend && f.name === name)
  const head = ['figure (demo model)', ...COLUMNS.map((c) => c[2])]
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
  for (const row of ROWS) {
    const cells = COLUMNS.map(([where, backend]) => {
      const special = row.special?.[`${where} ${backend}`]
      const figs = special
        ? special.map((s) => find(where, s.backend, s.name))
        : row.names.map((n) => find(where, backend, n))
      const present = figs.filter((f): f is Figure => f !== undefined)
      if (row.short) return present.map(cell).join(' / ')
      return figs.some((f) => f) ? figs.map((f) => cell(f) || '—').join(' / ') : ''
    })
    lines.push(`| ${[row.label, ...cells].join(' | ')} |`)
  }
  const labels: Record<string, string> = {
    'targets.shapExactBlackBox.best': 'exact SHAP per row, best black-box backend',
    'targets.shapExactFastPath.best': 'exact SHAP per row with the fast path',
    'targets.shapOverFloor.best':
      'SHAP per row over a predict of the 204,700 rows an exact row stands for (best backend)',
    'targets.shapOverDistinctFloor.best':
      'stricter: SHAP per row over a predict of only the distinct rows it evaluates (best backend)',
    'targets.global1000.best': 'global SHAP of 1,000 rows',
    'targets.compression.best': 'compression evaluation of all variants',
  }
  const targets = r.figures
    .filter((f) => f.name.startsWith('targets.'))
    .map((f) => {
      const t = f.compare.find((c) => c.kind === 'target')
      const goal = t ? `≤ ${fmt(t.value, t.unit)}` : ''
      const verdict = f.pass === null ? 'not measured' : f.pass ? 'PASS' : 'FAIL'
      return `- ${labels[f.name] ?? f.name} ${goal}: ${fmt(f.value, f.unit)} (${f.backend}) — **${verdict}**`
    })
  const m = r.machine
  const busy = Number(m.loadAverageAtStart) > 0.5 * Number(m.cpus)
  return [
    `Measured ${String(m.date).slice(0, 10)} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ` +
      `no GPU (WebGL and WebGPU run on software rasterizers: ${m['browser.webgpuAdapter'] ?? '?'}), ` +
      `Node ${m.node}, tfjs ${m.tfjs}, Chromium ${m.chromium ?? '—'}; \`npm run bench\` took ` +
      `${Math.round(r.totalSeconds / 6) / 10} min (load average ${m.loadAverageAtStart ?? '?'} at ` +
      `the start${busy ? ': other work shared the machine' : ''}). ` +
      'Medians; min … max, n and every other figure ' +
      'in `bench/results.md` / `bench/results.json`; a figure whose one-run estimate exceeds 60 s ' +
      'is skipped (bench/README.md).',
    '',
    ...lines,
    '',
    'Targets of the issue (best backend):',
    '',
    ...targets,
    '',
    'Peers on the same kind of machine: shap KernelExplainer exact 0.27 s per row (default, ' +
      'inexact, 0.16 s); WebSHAP 7.6 s; numpy forward pass of the 204,800 rows 0.024 s; Captum IG ' +
      '(50 Gauss–Legendre steps) 1.8 ms per row; DiCE random 94 ms per query, genetic 0.71 s.',
  ].join('\n')
}

async function main(): Promise<void> {
  const r = JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8')) as Results
  const md = readmeMarkdown(r)
  const path = join(root, 'README.md')
  if (!process.argv.includes('--write')) {
    console.log(await prettierMarkdown(md, path))
    return
  }
  const text = readFileSync(path, 'utf8')
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} … ${end} section`)
  const next = `${text.slice(0, i + start.length)}\n\n${md}\n\n${text.slice(j)}`
  writeFileSync(path, await prettierMarkdown(next, path))
  console.log('README.md: speed table updated')
}

await main()
