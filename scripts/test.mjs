// `npm test`: every gate — typecheck, lint (ESLint + Prettier), unit (vitest), e2e (Playwright) —
// each the npm script of the same name. Typecheck, lint and the unit tests run side by side (each
// one's output printed whole when all three are done): typecheck and lint are single-threaded and
// the unit stage waits at times (the Slurm job), so together they keep both cores of a 2-core
// machine busy where one after the other left one idle. Meanwhile the e2e app is built
// (`vite build --mode e2e`, as playwright.config.ts's web server would) so that the e2e stage
// starts on it (GLASSBOX_E2E_PREBUILT=1); then e2e, which uses every core, alone. Stops after the
// first step with a failing stage, with that stage's exit code, and prints how long each stage
// took (also when one failed; side-by-side stages overlap in time).
//   node scripts/test.mjs              all stages
//   node scripts/test.mjs unit e2e     only these, in the order above
import { spawn } from 'node:child_process'

/** Stage name → the npm script it runs. */
const STAGES = [
  ['typecheck', 'typecheck'],
  ['lint', 'lint'],
  ['unit', 'test:unit'],
  ['e2e', 'e2e'],
]
/** Steps, in order: the stages of a step run side by side. */
const STEPS = [['typecheck', 'lint', 'unit'], ['e2e']]

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

const rows = []
let exitCode = 0
for (const step of STEPS) {
  const names = step.filter(chosen)
  if (names.length === 0) continue
  if (exitCode !== 0) {
    for (const name of names) rows.push([name, 'not run', null])
    continue
  }
  let env = {}
  if (names.includes('e2e') && build) {
    const b = await build
    rows.push(['(e2e build)', b.code === 0 ? 'ok' : `FAILED (exit ${b.code})`, b.seconds])
    // A failed early build is left to Playwright's web server, which builds and shows the error.
    if (b.code === 0) env = { GLASSBOX_E2E_PREBUILT: '1' }
    else console.log(`\ntest: the early e2e build failed; Playwright builds again:\n${b.output}`)
  }
  const quiet = names.length > 1
  const results = await Promise.all(names.map((name) => stage(name, { quiet, env })))
  for (const r of results) {
    if (quiet) console.log(`${r.banner}\n${r.output.trimEnd()}`)
    rows.push(r.row)
    if (exitCode === 0 && r.code !== 0) exitCode = r.code
  }
}
if (build) await build // never leave it running (e.g. when typecheck failed)
const total = (performance.now() - t0) / 1000

const labels = rows.map(([name, result]) => `${name.padEnd(12)}${result}`)
const width = Math.max(...labels.map((l) => l.length), 16)
const line = (label, seconds) =>
  `${label.padEnd(width)}  ${seconds === null ? '' : `${seconds.toFixed(1).padStart(7)} s`}`
console.log('\n--- npm test: time per stage (typecheck, lint and unit run side by side) ---')
rows.forEach(([, , seconds], i) => console.log(line(labels[i], seconds)))
console.log(line('total', total))
process.exit(exitCode)
