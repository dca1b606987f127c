/**
 * A real batch engine: a one-node Slurm cluster started on this machine (scripts/slurm/start.sh),
 * the audit submitted as a job array (`sbatch --wait --array=0-3`, each task `glassbox audit
 * --shard auto --partial …` over the CLI's source with tsx), the partials merged, and the merged
 * report compared byte for byte with the single-process streamed report. The daemons are stopped
 * afterwards whatever happens.
 *
 * Runs where it can: as root with slurm-wlm and munge installed (`.ci/run` installs them). Elsewhere
 * it logs exactly what is missing and passes without running. `GLASSBOX_SLURM_PATH` replaces PATH
 * for the check (to see the message: GLASSBOX_SLURM_PATH=/nowhere npx vitest run test/slurm).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { main } from '../../src/cli/main.ts'
import { G, root } from '../cli/run.ts'

const COMMANDS = ['sbatch', 'sinfo', 'slurmctld', 'slurmd', 'munged', 'runuser']

/** Why the cluster cannot start here (empty: it can). */
function missing(): string[] {
  const path = process.env.GLASSBOX_SLURM_PATH ?? process.env.PATH ?? ''
  const dirs = path.split(delimiter).filter(Boolean)
  const out: string[] = []
  if (process.getuid?.() !== 0) out.push('root (the test runs as a regular user)')
  for (const c of COMMANDS)
    if (!dirs.some((d) => existsSync(join(d, c)))) out.push(`the command ${c}`)
  return out
}

const lacking = missing()
const dir = mkdtempSync(join(tmpdir(), 'glassbox-slurm-'))
let started = false
afterAll(() => {
  if (started) spawnSync(join(root, 'scripts/slurm/stop.sh'), [dir], { stdio: 'ignore' })
  rmSync(dir, { recursive: true, force: true })
})

const DATA = join(root, 'test/fixtures/parquet/adult.csv')
const AUDIT = [
  'audit',
  '--model',
  join(G, 'model.json'),
  '--schema',
  join(G, 'schema.json'),
  '--data',
  DATA,
  '--rows',
  '3,250',
  '--budget',
  '64',
  '--ig-steps',
  '8',
  '--backend',
  'cpu',
  '--fast-path', // a forced path records no timings: the reports compare byte for byte
  '--quiet',
]

async function glassbox(args: string[]): Promise<number> {
  let err = ''
  const code = await main(args, {
    stdout: { write: () => true },
    stderr: { write: (t: string) => (err += t) },
  })
  expect(err).toBe('')
  return code
}

it('runs the sharded audit as a Slurm job array and merges it to the single-process report', async () => {
  if (lacking.length) {
    console.log(
      `slurm test skipped: missing ${lacking.join(', ')} (as root: apt-get install slurm-wlm munge; .ci/run does)`,
    )
    return
  }
  const env = execFileSync(join(root, 'scripts/slurm/start.sh'), [dir], { encoding: 'utf8' })
  started = true
  const conf = /SLURM_CONF=(\S+)/.exec(env)?.[1]
  expect(conf).toBeTruthy()
  const job = join(dir, 'audit.sh')
  const cmd = [join(root, 'node_modules/.bin/tsx'), join(root, 'src/cli/bin.ts'), ...AUDIT]
  writeFileSync(
    job,
    `#!/bin/bash\nset -e\ncd ${JSON.stringify(root)}\n${cmd.map((a) => JSON.stringify(a)).join(' ')} --shard auto --partial ${JSON.stringify(join(dir, 'part-{index}.json'))}\n`,
    { mode: 0o755 },
  )
  const sb = spawnSync(
    'sbatch',
    ['--wait', '--array=0-3', '--time=5', '-o', join(dir, 'task-%a.log'), job],
    { env: { ...process.env, SLURM_CONF: conf! }, encoding: 'utf8', timeout: 150_000 },
  )
  const logs = [0, 1, 2, 3]
    .map((i) => join(dir, `task-${i}.log`))
    .filter(existsSync)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
  expect(sb.status, `${sb.stderr}\n${logs}`).toBe(0)
  const parts = [3, 1, 0, 2].map((i) => join(dir, `part-${i}.json`))
  const merged = join(dir, 'merged.json')
  const single = join(dir, 'single.json')
  expect(await glassbox(['merge', ...parts, '--out', merged, '--quiet'])).toBe(0)
  expect(await glassbox([...AUDIT, '--stream', '--out', single])).toBe(0)
  expect(readFileSync(merged, 'utf8')).toBe(readFileSync(single, 'utf8'))
  expect(JSON.parse(readFileSync(merged, 'utf8')).data.rows).toBe(300)
}, 180_000)
