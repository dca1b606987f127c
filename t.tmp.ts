import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { parseCsvText } from './src/core/csv.ts'
import { byteSourceFromBytes, parquetOpen, parquetTable } from './src/core/parquet/index.ts'
import { columnCell } from './src/core/table.ts'
const csv = readFileSync('test/fixtures/golden/adult/data.csv', 'utf8').trim().split('\n')
const header = csv[0]!.split(',')
const rows = csv.slice(1).map((l) => l.split(','))
const fj = header.indexOf('fnlwgt')
if (!existsSync('/tmp/pq/big.csv')) {
  const out = [csv[0]]
  for (let i = 0; i < 1_000_000; i++) { const r = rows[i % rows.length]!.slice(); r[fj] = String(Number(r[fj]) + (i % 1000)); out.push(r.join(',')) }
  writeFileSync('/tmp/pq/big.csv', out.join('\n') + '\n')
}
const text = readFileSync('/tmp/pq/big.csv', 'utf8')
const pq = new Uint8Array(readFileSync('/tmp/pq/big-snappy.parquet'))
const zs = new Uint8Array(readFileSync('/tmp/pq/big-zstd.parquet'))
const time = async (label: string, f: () => Promise<unknown> | unknown) => {
  const ts: number[] = []
  for (let r = 0; r < 3; r++) { const t0 = performance.now(); await f(); ts.push(performance.now() - t0) }
  console.log(label, ts.map((t) => (t / 1000).toFixed(2)).join(' '), 's')
}
await time('csv parseCsvText 1M', () => parseCsvText(text, 'big.csv'))
await time('parquet snappy 1M', async () => parquetTable(await parquetOpen(byteSourceFromBytes(pq), 'p')))
await time('parquet zstd 1M', async () => parquetTable(await parquetOpen(byteSourceFromBytes(zs), 'z')))
await time('parquet snappy 1M, 4 columns', async () => parquetTable(await parquetOpen(byteSourceFromBytes(pq), 'p'), { columns: ['age', 'sex', 'race', 'income'] }))
const a = parseCsvText(text, 'big.csv'); const b = await parquetTable(await parquetOpen(byteSourceFromBytes(pq), 'p'))
let diff = 0; for (let j = 0; j < a.columns.length; j++) for (let i = 0; i < a.nRows; i += 997) if (columnCell(a.columns[j]!, i) !== columnCell(b.columns[j]!, i)) diff++
console.log('sampled cell differences', diff, 'rss', (process.memoryUsage().rss / 2 ** 20).toFixed(0), 'MB')
