/**
 * The scale figures of issue 18 (docs/scale.md), not part of `npm run bench`'s default parts:
 *   npx tsx bench/scale.ts [rows = 10000000] [shards = 8] [parallel = 2]
 * Generates a Parquet of `rows` rows (the demo's 2,000 Adult rows drawn with a seeded generator,
 * numeric columns jittered) into a temp dir, then measures with the built-in CLI (tsx): the
 * single-process streamed audit (wall time, peak RSS), `shards` shard processes (`parallel` at a
 * time; each one's wall time, peak RSS and partial size), and the merge (wall time, peak RSS);
 * checks that the merged report equals the single-process one, byte for byte. Peak RSS from
 * /usr/bin/time. Writes bench/scale-results.json (each figure as soon as it is known).
 */
import { spawn } from 'node:child_process'
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as arrow from 'apache-arrow'
import * as pw from 'parquet-wasm'
import { parseCsvText } from '../src/core/csv.ts'
import { rngFromSeed } from '../src/core/random.ts'
import { columnCell } from '../src/core/table.ts'

const root = new URL('..', import.meta.url).pathname
const rows = Number(process.argv[2] ?? 10_000_000)
const shards = Number(process.argv[3] ?? 8)
const parallel = Number(process.argv[4] ?? 2)
const dir = mkdtempSync(join(tmpdir(), 'glassbox-scale-bench-'))
const out = join(root, 'bench/scale-results.json')
const results: Record<string, unknown> = {
  rows,
  shards,
  parallel,
  loadAverageAtStart: loadavg(),
  date: new Date().toISOString(),
}
const save = () => writeFileSync(out, `${JSON.stringify(results, null, 1)}\n`)

const NUMERIC = new Set([
  'age',
  'fnlwgt',
  'education_num',
  'capital_gain',
  'capital_loss',
  'hours_per_week',
])

/** The generated Parquet, written batch by batch (row groups of 131,072 rows). */
async function generate(path: string): Promise<void> {
  const demo = parseCsvText(readFileSync(join(root, 'public/demo/data.csv'), 'utf8'), 'demo')
  const rng = rngFromSeed(7)
  const BATCH = 262_144
  let done = 0
  const batches = new ReadableStream({
    pull(ctl) {
      if (done >= rows) return ctl.close()
      const n = Math.min(BATCH, rows - done)
      const cols: Record<string, Float64Array | string[]> = {}
      for (const c of demo.columns)
        cols[c.name] = NUMERIC.has(c.name) ? new Float64Array(n) : new Array<string>(n)
      for (let i = 0; i < n; i++) {
        const r = rng.int(demo.nRows)
        for (const c of demo.columns) {
          const text = columnCell(c, r)
          const col = cols[c.name]!
          if (!(col instanceof Float64Array)) col[i] = text
          else {
            let v = Number(text)
            if (c.name === 'age') v = Math.max(17, v + rng.int(5) - 2)
            else if (c.name === 'hours_per_week') v = Math.min(99, Math.max(1, v + rng.int(7) - 3))
            else if (c.name === 'fnlwgt') v = Math.round(v * (0.95 + 0.1 * rng.uniform()))
            col[i] = v
          }
        }
      }
      done += n
      const t = arrow.tableFromArrays(cols as Record<string, Float64Array | string[]>)
      for (const b of pw.Table.fromIPCStream(arrow.tableToIPC(t, 'stream')).recordBatches())
        ctl.enqueue(b)
    },
  })
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.SNAPPY)
    .setMaxRowGroupSize(131_072)
    .build()
  const bytes = await pw.transformParquetStream(batches, props)
  const file = createWriteStream(path)
  for await (const chunk of bytes as unknown as AsyncIterable<Uint8Array>) {
    if (!file.write(chunk)) await new Promise<void>((r) => file.once('drain', () => r()))
  }
  await new Promise<void>((r, j) => file.end((e?: Error | null) => (e ? j(e) : r())))
}

/** Runs the CLI under /usr/bin/time; wall seconds and peak RSS (MiB). */
function cli(args: string[]): Promise<{ seconds: number; peakRssMiB: number }> {
  const rss = join(dir, `rss-${Math.random().toString(36).slice(2)}`)
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const p = spawn(
      '/usr/bin/time',
      [
        '-f',
        '%M',
        '-o',
        rss,
        join(root, 'node_modules/.bin/tsx'),
        join(root, 'src/cli/bin.ts'),
        ...args,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    )
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`glassbox ${args[0]} exited ${code}`))
      const kb = Number(readFileSync(rss, 'utf8').trim().split('\n').pop())
      resolve({ seconds: (performance.now() - t0) / 1000, peakRssMiB: Math.round(kb / 1024) })
    })
  })
}

const D = join(root, 'public/demo')
const AUDIT = [
  'audit',
  '--model',
  join(D, 'model.json'),
  '--schema',
  join(D, 'schema.json'),
  '--quiet',
]

try {
  const data = join(dir, `adult-${rows}.parquet`)
  let t0 = performance.now()
  await generate(data)
  results.generate = { seconds: (performance.now() - t0) / 1000, bytes: statSync(data).size }
  save()
  const single = join(dir, 'single.json')
  results.singleProcess = await cli([...AUDIT, '--data', data, '--out', single])
  save()
  t0 = performance.now()
  const queue = [...Array(shards).keys()]
  const shardFigures: unknown[] = []
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const part = join(dir, `part-${i}.json`)
        const f = await cli([
          ...AUDIT,
          '--data',
          data,
          '--shard',
          `${i}/${shards}`,
          '--partial',
          part,
        ])
        shardFigures[i] = { ...f, partialBytes: statSync(part).size }
      }
    }),
  )
  results.shards = { wallSeconds: (performance.now() - t0) / 1000, each: shardFigures }
  save()
  const merged = join(dir, 'merged.json')
  const parts = [...Array(shards).keys()].map((i) => join(dir, `part-${i}.json`))
  results.merge = await cli(['merge', ...parts, '--out', merged, '--quiet'])
  results.mergedEqualsSingle = readFileSync(merged, 'utf8') === readFileSync(single, 'utf8')
  results.loadAverageAtEnd = loadavg()
  save()
  console.log(JSON.stringify(results, null, 1))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
