#!/usr/bin/env node
/**
 * The `glassbox` executable (package.json "bin", `npm run glassbox`): runs `main` on the process's
 * arguments and exits with its code.
 */
import { main } from './main.ts'

// tfjs prints a hint about tfjs-node on import; keep stdout/stderr to our own lines.
const quietConsole = console.warn
console.warn = (...a: unknown[]) => {
  if (typeof a[0] === 'string' && a[0].includes('tfjs-node')) return
  quietConsole(...a)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`glassbox: error: ${(e as Error).message}\n`)
    process.exitCode = 2
  },
)
