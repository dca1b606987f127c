// Makes sure a Chromium exists for the e2e tests: $CHROMIUM_PATH, /usr/bin/chromium or
// Playwright's own browser. When none is there it installs one — Playwright's download where
// the network allows, else Debian's `chromium` package when running as root with apt — and
// otherwise says exactly what to install.
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromiumPath } from './chromium-path.mjs'

const found = chromiumPath()
if (found) {
  console.log(`e2e: using Chromium at ${found}`)
  process.exit(0)
}
if (process.env.CHROMIUM_PATH) {
  console.error(`e2e: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`)
  process.exit(1)
}
const run = (cmd) => {
  try {
    execSync(cmd, { stdio: 'inherit', timeout: 600_000 })
    return true
  } catch {
    return false
  }
}
console.log('e2e: no Chromium found; trying `npx playwright install chromium`…')
if (run('npx playwright install chromium') && chromiumPath()) process.exit(0)
const root = typeof process.getuid === 'function' && process.getuid() === 0
if (root && existsSync('/usr/bin/apt-get')) {
  console.log('e2e: installing Debian’s chromium package with apt-get…')
  if (
    run('apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium') &&
    chromiumPath()
  )
    process.exit(0)
}
console.error(
  'e2e: no Chromium available. Install one of:\n' +
    '  - Debian/Ubuntu: sudo apt-get install chromium   (then it is found at /usr/bin/chromium)\n' +
    '  - anywhere with internet: npx playwright install chromium\n' +
    '  - or point CHROMIUM_PATH at a Chromium/Chrome executable.',
)
process.exit(1)
