/**
 * Node-side loading for the CLI: files from disk into the same core, session and model runtimes
 * the browser uses (a model's runtime is chosen by the registry from its content; its backend
 * is wasm, then cpu). Every failure is a one-line message.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseCsvText } from '../core/csv.ts'
import { sha256Hex } from '../core/hash.ts'
import { schemaParse } from '../core/schemaIo.ts'
import type { Schema } from '../core/schema.ts'
import type { BackendName } from '../model/card.ts'
import { modelRuntimes, runtimeEntryFor } from '../model/registry.ts'
import type { LoadedModel, ModelFiles, ModelRuntime } from '../model/runtime.ts'
import type { DataRef } from '../session/session.ts'

/** Bad usage or an unreadable input file (exit 2, one line). */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** Reads a file or throws a UsageError naming the option and the path. */
export function readOrFail(path: string, option: string): Buffer {
  try {
    if (statSync(path).isDirectory())
      throw new UsageError(`${option} ${path} is a directory, not a file`)
    return readFileSync(path)
  } catch (e) {
    if (e instanceof UsageError) throw e
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(
      `cannot read ${option} ${path}${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`,
    )
  }
}

const arrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

/** A model file on disk and the files next to it (a missing sibling is named by its runtime). */
export function modelFilesFromDisk(path: string): ModelFiles {
  const main = readOrFail(path, '--model')
  return {
    name: path,
    main: new Uint8Array(main.buffer, main.byteOffset, main.byteLength),
    sibling: async (p) => {
      try {
        return arrayBuffer(readFileSync(join(dirname(resolve(path)), p)))
      } catch {
        return null
      }
    },
  }
}

/**
 * Activates `auto` (wasm, then cpu), `wasm` or `cpu` on the runtime; returns the backend in use.
 * @throws UsageError when none of them initialises.
 */
export async function backendActivate(runtime: ModelRuntime, choice: string): Promise<BackendName> {
  const order = (choice === 'auto' ? ['wasm', 'cpu'] : [choice]) as BackendName[]
  for (const name of order.filter((b) => runtime.backends.includes(b))) {
    try {
      await runtime.backendActivate(name)
      return name
    } catch {
      // try the next one
    }
  }
  throw new UsageError(`backend ${choice} could not be initialised`)
}

/**
 * `--model PATH` opened by its runtime on the chosen backend, for `schema`.
 * @throws UsageError (unreadable file, no backend) or ModelError (the model itself).
 */
export async function modelOpenFromDisk(
  path: string,
  backendChoice: string,
  schema: Schema,
): Promise<{ model: LoadedModel; backend: BackendName }> {
  const files = modelFilesFromDisk(path)
  const runtime = await runtimeEntryFor(files.main, modelRuntimes, files.name).load()
  const backend = await backendActivate(runtime, backendChoice)
  const source = await runtime.sourceFromFiles(files)
  return { model: await runtime.open(source, schema), backend }
}

/**
 * A CSV from disk, parsed, with its sha256; errors name the option (`--data`, `--reference`,
 * `--current`) and the path.
 */
export async function csvLoadFromDisk(path: string, option = '--data'): Promise<DataRef> {
  const buf = readOrFail(path, option)
  if (buf.byteLength === 0) throw new UsageError(`${path}: the file is empty`)
  return {
    table: parseCsvText(buf.toString('utf8'), path),
    name: path,
    sha256: await sha256Hex(new Uint8Array(buf)),
  }
}

/**
 * `--schema PATH` parsed and checked (dataset schema v1).
 * @throws UsageError (unreadable) or DataError naming the file and the problem.
 */
export function schemaLoadFromDisk(path: string): Schema {
  return schemaParse(readOrFail(path, '--schema').toString('utf8'), path)
}
