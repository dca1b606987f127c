// Checks a built app for what only the e2e build may contain: the test API on window
// (`__glassbox`, with its fault injection) and its installer. `npm run build` runs it on dist/
// (must be absent); `node scripts/check-build.mjs dist-e2e --e2e` checks the e2e build has it.
// Exit 0 when the build is as expected, 1 otherwise (naming the files).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const MARKERS = ['__glassbox', 'installTestApi']
const [dir = 'dist', flag] = process.argv.slice(2)
const e2e = flag === '--e2e'

/** Every .js and .html file under `d`. */
function files(d) {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(js|mjs|html)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

let list
try {
  list = files(dir)
} catch (e) {
  console.error(`check-build: cannot read ${dir} (${e.message}); build it first`)
  process.exit(1)
}
const found = list.filter((f) => MARKERS.some((m) => readFileSync(f, 'utf8').includes(m)))
if (!e2e && found.length) {
  console.error(
    `check-build: ${dir} contains the test API (only the e2e build may): ${found.join(', ')}`,
  )
  process.exit(1)
}
if (e2e && !found.length) {
  console.error(`check-build: ${dir} is meant to be the e2e build but has no test API`)
  process.exit(1)
}
console.log(
  `check-build: ${dir}: ${list.length} files, test API ${e2e ? `in ${found.join(', ')}` : 'absent'}`,
)
