/**
 * `glassbox merge part-*.json --out report.json [--html F] [--fail-on …]`: the partials of a
 * sharded audit (`glassbox audit --shard i/n --partial F`) combined into the report the
 * single-process streamed audit writes, byte for byte, with the load notices it prints before the
 * summary (and their warnings in the report). A missing, duplicated, foreign or corrupt
 * partial is refused by name (exit 2).
 */
import { argGates, argOutput, argsParse } from './args.ts'
import { auditSummary } from './audit.ts'
import { driftSectionLine } from './drift.ts'
import type { CliIo } from './io.ts'
import { UsageError, readOrFail } from './load.ts'
import { reportFinish } from './output.ts'
import { partsMerge } from './driftMerge.ts'
import { noticesReport } from './notices.ts'
import { auditPartToJSON } from './partial.ts'
import { writeFileSync } from 'node:fs'

/** `glassbox merge --help`. */
export const MERGE_USAGE = `usage: glassbox merge PART.json… [--out report.json] [options]

  --out FILE               write the merged report JSON (v1)
  --state FILE             write the merged state instead (a drift between its OOD passes)
  --html FILE              write the self-contained HTML audit report
  --fail-on "PATH OP N"    gate, repeatable: exit 1 when true
  --quiet                  no summary
  --help                   this text

every shard's partial (glassbox audit|drift --shard i/n --partial F) exactly once, in any order;
a drift with an out-of-distribution share merges three times (docs/scale.md): pass 1 partials
→ --state S; S + pass 2 partials → --state S2; S2 + pass 3 partials → the report.
exit status: 0 ok, 1 a gate failed, 2 a partial missing, duplicated, foreign or corrupt`

/**
 * Runs `glassbox merge` (argv after the word); returns the exit code.
 * @throws UsageError or RangeError (a refused partial, named) — exit 2.
 */
export async function merge(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = argsParse(
    argv,
    {
      out: { type: 'string' },
      state: { type: 'string' },
      html: { type: 'string' },
      'fail-on': { type: 'string', multiple: true },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'merge',
    true,
  )
  if (v.help) {
    io.stdout.write(`${MERGE_USAGE}\n`)
    return 0
  }
  const opts = {
    out: argOutput(v.out, '--out'),
    html: argOutput(v.html, '--html'),
    quiet: !!v.quiet,
    gates: argGates(v['fail-on']),
  }
  if (!positionals.length)
    throw new UsageError('merge needs the partial files (see glassbox merge --help)')
  const state = argOutput(v.state, '--state')
  if (state && (opts.out || opts.html || opts.gates.length))
    throw new UsageError(
      '--state writes the merged state, not a report: drop --out, --html and --fail-on',
    )
  const seen = new Set<string>()
  const files = positionals.map((name) => {
    if (seen.has(name)) throw new RangeError(`${name} is given twice`)
    seen.add(name)
    return { name, text: readOrFail(name, 'partial').toString('utf8') }
  })
  const merged = partsMerge(files, state !== null)
  if ('state' in merged) {
    writeFileSync(state!, auditPartToJSON(merged.state))
    if (!opts.quiet)
      io.stdout.write(`merged state → ${state}; next: ${merged.next.replaceAll('FILE', state!)}\n`)
    return 0
  }
  const report = merged.report
  // The load notices of the whole data, from the facts the partials carry, as one process prints.
  noticesReport(merged.notices, report, io, opts.quiet)
  const summary = () =>
    [auditSummary(report), ...(report.drift ? [driftSectionLine(report.drift)] : [])].join('\n')
  return reportFinish(report, opts, io, {
    summary,
    ...(report.drift ? { htmlTitle: 'Glassbox drift report' } : {}),
  })
}
