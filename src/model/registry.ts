/**
 * The runtime registry: which runtime opens a model, recognised by the content of its main file
 * (a tfjs model.json has "modelTopology"/"format"; an XGBoost JSON a top-level "learner"; ONNX is
 * protobuf), and each runtime loaded only when a model of its format is opened. A runtime is
 * registered with one entry here; its code stays in its own folder.
 */
import type { BackendName, ModelFormat, RuntimeName } from './card.ts'
import { ModelError } from './errors.ts'
import { fileText, modelFilesPicked } from './files.ts'
import { runtimeWithOutput } from './outputLink.ts'
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
  load: async () => runtimeWithOutput((await import('./tfjs/runtime.ts')).tfjsRuntime),
}

/**
 * True when the bytes start like an ONNX ModelProto: field 1 (ir_version, a varint between 1 and
 * 127) first, as every ONNX writer puts it. Bytes that do not (a truncated header, an HTML page
 * saved as .onnx) still reach the ONNX reader by their file name, which names the problem.
 */
export function onnxLooksLike(main: Uint8Array): boolean {
  return main.length >= 2 && main[0] === 0x08 && main[1]! >= 1 && main[1]! < 0x80
}

/**
 * True when a JSON text is an XGBoost model (`Booster.save_model`): a top-level `"learner"`
 * object with a `"gradient_booster"` in it, and no tfjs `"modelTopology"`.
 */
export function xgboostLooksLike(main: Uint8Array): boolean {
  const head = fileText(main.subarray(0, 64)).trimStart()
  if (!head.startsWith('{')) return false
  const text = fileText(main)
  return (
    /^\s*\{\s*"learner"\s*:/.test(text) ||
    (text.includes('"learner"') &&
      text.includes('"gradient_booster"') &&
      !text.includes('"modelTopology"'))
  )
}

/** ONNX models (`*.onnx`), run by onnxruntime-web (wasm; WebGPU in the browser). */
export const onnxEntry: RuntimeEntry = {
  name: 'onnxruntime-web',
  formats: ['onnx'],
  backends: ['webgpu', 'wasm'],
  extensions: ['.onnx'],
  recognises: onnxLooksLike,
  load: async () => runtimeWithOutput((await import('./onnx/runtime.ts')).onnxRuntime),
}

/** XGBoost JSON models, evaluated by the project's own tree evaluator (src/core/tree). */
export const treesEntry: RuntimeEntry = {
  name: 'glassbox-trees',
  formats: ['xgboost-json'],
  backends: ['cpu'],
  extensions: ['.json'],
  recognises: xgboostLooksLike,
  load: async () => runtimeWithOutput((await import('./xgboost/runtime.ts')).treesRuntime),
}

/**
 * The runtimes this build registers, the default first: a main file no runtime recognises by
 * content goes to the one its name's ending belongs to, else to the default, and that runtime's
 * reader names the problem (e.g. "not a TensorFlow.js model.json", "not an ONNX model").
 */
export const modelRuntimes: readonly RuntimeEntry[] = [tfjsEntry, onnxEntry, treesEntry]

/**
 * The entry that opens a main file: the first that recognises its content, else the first whose
 * ending `name` has (when given, and only one runtime claims it), else the default.
 */
export function runtimeEntryFor(
  main: Uint8Array,
  entries: readonly RuntimeEntry[] = modelRuntimes,
  name?: string,
): RuntimeEntry {
  const e = entries.find((r) => r.recognises(main))
  if (e) return e
  const lower = name?.toLowerCase() ?? ''
  const byName = entries.filter((r) => r.extensions.some((x) => lower.endsWith(x)))
  const d = (byName.length === 1 ? byName[0] : undefined) ?? entries[0]
  if (!d) throw new ModelError('no model runtime is registered')
  return d
}

/** The main-file names the entries take, for messages: "model.json or *.onnx". */
function mainNames(entries: readonly RuntimeEntry[]): string {
  const endings = [...new Set(entries.flatMap((e) => e.extensions))]
  return endings.map((x) => (x === '.json' ? 'model.json' : `*${x}`)).join(' or ')
}

/** What the entries' formats are called, for messages. */
function formatNames(entries: readonly RuntimeEntry[]): string {
  const names: Record<string, string> = {
    'layers-model': 'TensorFlow.js model.json',
    'graph-model': 'TensorFlow.js model.json',
    onnx: 'ONNX model',
    'xgboost-json': 'XGBoost JSON model',
  }
  const list = [...new Set(entries.flatMap((e) => e.formats.map((f) => names[f] ?? f)))]
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? '')
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
      `no ${mainNames(entries)} among the selected model files (${files.map((f) => f.name).join(', ')})`,
    )
  for (const f of candidates) {
    if (candidates.length === 1) return modelFilesPicked(f, files)
    const bytes = new Uint8Array(await f.arrayBuffer())
    if (entries.some((e) => e.recognises(bytes))) return modelFilesPicked(f, files)
  }
  throw new ModelError(
    `none of ${candidates.map((f) => f.name).join(', ')} is a ${formatNames(entries)}`,
  )
}
