// `npm test`: every gate in order — typecheck, lint (ESLint + Prettier), unit (vitest), e2e
// (Playwright) — each the npm script of the same name. Stops at the first stage that fails, with
// that stage's exit code, and prints how long each stage took (also when one failed).
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

const asked = process.argv.slice(2)
for (const a of asked)
  if (!STAGES.some(([name]) => name === a)) {
    console.error(`test: unknown stage "${a}" (stages: ${STAGES.map(([n]) => n).join(', ')})`)
    process.exit(2)
  }
const stages = asked.length ? STAGES.filter(([name]) => asked.includes(name)) : STAGES

/** Runs `npm run -s script`, passing its output through; resolves with its exit code. */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script], { stdio: 'inherit' })
    child.on('error', (e) => {
      console.error(`test: could not start npm run ${script}: ${e.message}`)
      resolve(1)
    })
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

const rows = []
let exitCode = 0
const t0 = performance.now()
for (const [name, script] of stages) {
  if (exitCode !== 0) {
    rows.push([name, 'not run', null])
    continue
  }
  console.log(`\n=== ${name} (npm run ${script}) ===`)
  const start = performance.now()
  const code = await run(script)
  rows.push([name, code === 0 ? 'ok' : `FAILED (exit ${code})`, (performance.now() - start) / 1000])
  exitCode = code
}
const total = (performance.now() - t0) / 1000

const labels = rows.map(([name, result]) => `${name.padEnd(10)}${result}`)
const width = Math.max(...labels.map((l) => l.length), 16)
const line = (label, seconds) =>
  `${label.padEnd(width)}  ${seconds === null ? '' : `${seconds.toFixed(1).padStart(7)} s`}`
console.log('\n--- npm test: time per stage ---')
rows.forEach(([, , seconds], i) => console.log(line(labels[i], seconds)))
console.log(line('total', total))
process.exit(exitCode)
