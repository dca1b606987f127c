/**
 * The runtime registry: which runtime opens a model, recognised by the content of its main file
 * (a tfjs model.json has "modelTopology"/"format"; an XGBoost JSON a top-level "learner"; ONNX is
 * protobuf), and each runtime loaded only when a model of its format is opened. A runtime is
 * registered with one entry here; its code stays in its own folder.
 */
import type { BackendName, ModelFormat, RuntimeName } from './card.ts'
import { ModelError } from './errors.ts'
import { fileText, modelFilesPicked } from './files.ts'
import type { ModelFiles, ModelRuntime } from './runtime.ts'

/** A registered runtime: what it opens and runs on, and how to load it. */
export type RuntimeEntry = {
  name: RuntimeName
  formats: readonly ModelFormat[]
  /** Backends it supports (the host measures these for its models). */
  backends: readonly BackendName[]
  /** Name endings of its main files, lower case (how picked files are told from weight shards). */
  extensions: readonly string[]
  /** Recognises a main file by its content, without loading the runtime. */
  recognises(main: Uint8Array): boolean
  /** The runtime itself (a dynamic import: nothing is loaded until a model needs it). */
  load(): Promise<ModelRuntime>
}

/** TensorFlow.js LayersModel and GraphModel (model.json + weight shards). */
export const tfjsEntry: RuntimeEntry = {
  name: 'tfjs',
  formats: ['layers-model', 'graph-model'],
  backends: ['webgpu', 'webgl', 'wasm', 'cpu'],
  extensions: ['.json'],
  recognises: (main) => fileText(main).includes('"modelTopology"'),
  load: async () => (await import('./tfjs/runtime.ts')).tfjsRuntime,
}

/**
 * The runtimes this build registers, the default first: a main file no runtime recognises goes to
 * it, and its own reader names the problem (e.g. "not a TensorFlow.js model.json").
 */
export const modelRuntimes: readonly RuntimeEntry[] = [tfjsEntry]

/** The entry that opens a main file: the first that recognises it, else the default. */
export function runtimeEntryFor(
  main: Uint8Array,
  entries: readonly RuntimeEntry[] = modelRuntimes,
): RuntimeEntry {
  const e = entries.find((r) => r.recognises(main)) ?? entries[0]
  if (!e) throw new ModelError('no model runtime is registered')
  return e
}

/**
 * The main file among picked or dropped files (the rest are its siblings): the only file with a
 * main-file ending, else the first one a runtime recognises.
 * @throws ModelError naming the files when none can be the model.
 */
export async function modelFilesChoose(
  files: readonly File[],
  entries: readonly RuntimeEntry[] = modelRuntimes,
): Promise<ModelFiles> {
  const endings = entries.flatMap((e) => e.extensions)
  const candidates = files.filter((f) => endings.some((x) => f.name.toLowerCase().endsWith(x)))
  if (candidates.length === 0)
    throw new ModelError(
      `no model.json among the selected model files (${files.map((f) => f.name).join(', ')})`,
    )
  for (const f of candidates) {
    if (candidates.length === 1) return modelFilesPicked(f, files)
    const bytes = new Uint8Array(await f.arrayBuffer())
    if (entries.some((e) => e.recognises(bytes))) return modelFilesPicked(f, files)
  }
  throw new ModelError(
    `none of ${candidates.map((f) => f.name).join(', ')} is a TensorFlow.js model.json`,
  )
}
