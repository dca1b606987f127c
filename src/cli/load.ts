/**
 * Node-side loading for the CLI: files from disk into the same core, session and model runtimes
 * the browser uses (a model's runtime is chosen by the registry from its content; its backend
 * is wasm, then cpu). Every failure is a one-line message.
 */
import { type OutputKind, schemaWithOutput } from '../core/output.ts'
import { readFileSync } from 'node:fs'
import { parseCsvText } from '../core/csv.ts'
import { sha256Hex } from '../core/hash.ts'
import { schemaParse } from '../core/schemaIo.ts'
import type { Schema } from '../core/schema.ts'
import type { BackendName } from '../model/card.ts'
import { modelRuntimes, runtimeEntryFor } from '../model/registry.ts'
import type { LoadedModel, ModelFiles, ModelRuntime } from '../model/runtime.ts'
import type { DataRef } from '../session/session.ts'
import { FILE_CAPS, regularFileSize, siblingPathInside } from './files.ts'

/** Bad usage or an unreadable input file (exit 2, one line). */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * Reads a regular file of at most `cap` bytes (see src/cli/files.ts) or throws a UsageError
 * naming the option and the path; devices, pipes and directories are refused before opening.
 */
export function readOrFail(path: string, option: string, cap: number = FILE_CAPS.model): Buffer {
  try {
    regularFileSize(path, `${option} ${path}`, cap)
    return readFileSync(path)
  } catch (e) {
    const message = (e as Error).message
    throw new UsageError(
      message.includes(path) ? message : `cannot read ${option} ${path}: ${message}`,
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
    // Listed paths stay in the model's directory: refused by name before any byte is read.
    sibling: async (p) => {
      let inside: string | null
      try {
        inside = siblingPathInside(path, p)
      } catch (e) {
        throw new UsageError((e as Error).message)
      }
      return inside === null ? null : arrayBuffer(readFileSync(inside))
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
  const buf = readOrFail(path, option, FILE_CAPS.data)
  if (buf.byteLength === 0) throw new UsageError(`${path}: the file is empty`)
  return {
    table: parseCsvText(buf.toString('utf8'), path),
    name: path,
    sha256: await sha256Hex(new Uint8Array(buf)),
  }
}

/**
 * `--schema PATH` parsed and checked (dataset schema v1), with `output.kind` replaced by
 * `--output` when given (`output`, null = the schema's own).
 * @throws UsageError (unreadable) or DataError naming the file and the problem.
 */
export function schemaLoadFromDisk(path: string, output: OutputKind | null = null): Schema {
  const schema = schemaParse(readOrFail(path, '--schema', FILE_CAPS.schema).toString('utf8'), path)
  return output === null ? schema : schemaWithOutput(schema, output)
}
