// `npm test`: every gate — typecheck, lint (ESLint + Prettier), unit (vitest), e2e (Playwright) —
// each the npm script of the same name. Every stage is CPU-bound on a 2-core machine, so the
// stages overlap to keep both cores busy: typecheck, lint and the unit tests start together while
// the e2e app is built (`vite build --mode e2e`, as playwright.config.ts's web server would); once
// typecheck and lint have passed, the e2e stage starts on that build (GLASSBOX_E2E_PREBUILT=1)
// while the unit tests go on beside it (its start — web server, probe measurement, browsers —
// leaves a core idle that the unit tests fill). A failed typecheck or lint stops there: e2e is
// not run. The e2e output streams; the other stages' output is printed whole when each is done
// (the unit stage's after e2e's, when e2e is running), then how long each stage took. Exits with
// the first failing stage's code (in the order above).
//   node scripts/test.mjs              all stages
//   node scripts/test.mjs unit e2e     only these (e2e starts at once, beside the unit tests)
import { spawn } from 'node:child_process'

/** Stage name → the npm script it runs, in the order of the summary. */
const STAGES = [
  ['typecheck', 'typecheck'],
  ['lint', 'lint'],
  ['unit', 'test:unit'],
  ['e2e', 'e2e'],
]
/** The stages that must pass before e2e starts. */
const GATES = ['typecheck', 'lint']

const asked = process.argv.slice(2)
for (const a of asked)
  if (!STAGES.some(([name]) => name === a)) {
    console.error(`test: unknown stage "${a}" (stages: ${STAGES.map(([n]) => n).join(', ')})`)
    process.exit(2)
  }
const chosen = (name) => asked.length === 0 || asked.includes(name)
const scriptOf = new Map(STAGES)

/**
 * Runs `cmd args` with `env` added to this process's; resolves with its exit code and, when
 * `quiet`, its output (stdout and stderr interleaved) instead of passing it through.
 */
function run(cmd, args, { quiet = false, env = {} } = {}) {
  return new Promise((resolve) => {
    let output = ''
    const child = spawn(cmd, args, {
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env },
    })
    if (quiet) {
      child.stdout.on('data', (d) => (output += d))
      child.stderr.on('data', (d) => (output += d))
    }
    child.on('error', (e) => {
      output += `test: could not start ${cmd} ${args.join(' ')}: ${e.message}\n`
      if (!quiet) console.error(output)
      resolve({ code: 1, output })
    })
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }))
  })
}

/** Runs stage `name` (its npm script); resolves with its row of the summary and its output. */
async function stage(name, { quiet = false, env = {} } = {}) {
  const script = scriptOf.get(name)
  const banner = `\n=== ${name} (npm run ${script}) ===`
  if (!quiet) console.log(banner)
  const start = performance.now()
  const { code, output } = await run('npm', ['run', '-s', script], { quiet, env })
  const seconds = (performance.now() - start) / 1000
  return { row: [name, code === 0 ? 'ok' : `FAILED (exit ${code})`, seconds], code, banner, output }
}

const t0 = performance.now()
// The e2e build, started now so that it overlaps typecheck and lint; awaited before e2e.
const build = chosen('e2e')
  ? (async () => {
      const start = performance.now()
      const r = await run('npx', ['vite', 'build', '--mode', 'e2e'], { quiet: true })
      return { ...r, seconds: (performance.now() - start) / 1000 }
    })()
  : null

/** Prints a quiet stage's output under its banner. */
const printWhole = (r) => console.log(`${r.banner}\n${r.output.trimEnd()}`)

const gates = GATES.filter(chosen).map((name) => stage(name, { quiet: true }))
const unit = chosen('unit') ? stage('unit', { quiet: true }) : null
/** Summary rows by name, and each finished stage's exit code. */
const rows = new Map()
const codes = new Map()
const record = (r) => {
  rows.set(r.row[0], r.row)
  codes.set(r.row[0], r.code)
}
const gateResults = await Promise.all(gates)
for (const r of gateResults) {
  printWhole(r)
  record(r)
}
if (chosen('e2e')) {
  if (gateResults.some((r) => r.code !== 0)) rows.set('e2e', ['e2e', 'not run', null])
  else {
    const b = await build
    const result = b.code === 0 ? 'ok' : `FAILED (exit ${b.code})`
    rows.set('(e2e build)', ['(e2e build)', result, b.seconds])
    // A failed early build is left to Playwright's web server, which builds and shows the error.
    let env = {}
    if (b.code === 0) env = { GLASSBOX_E2E_PREBUILT: '1' }
    else console.log(`\ntest: the early e2e build failed; Playwright builds again:\n${b.output}`)
    record(await stage('e2e', { env }))
  }
}
if (unit) {
  const r = await unit
  printWhole(r)
  record(r)
}
if (build) await build // never leave it running (e.g. when typecheck failed)
const total = (performance.now() - t0) / 1000

const summary = [...GATES, 'unit', '(e2e build)', 'e2e'].filter((n) => rows.has(n))
const exitCode = STAGES.map(([name]) => codes.get(name) ?? 0).find((c) => c !== 0) ?? 0
const labels = summary.map((n) => `${n.padEnd(12)}${rows.get(n)[1]}`)
const width = Math.max(...labels.map((l) => l.length), 16)
const line = (label, seconds) =>
  `${label.padEnd(width)}  ${seconds === null ? '' : `${seconds.toFixed(1).padStart(7)} s`}`
console.log('\n--- npm test: time per stage (they overlap: see scripts/test.mjs) ---')
summary.forEach((n, i) => console.log(line(labels[i], rows.get(n)[2])))
console.log(line('total', total))
process.exit(exitCode)
