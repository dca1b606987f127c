/**
 * What a picked or dropped file is, from its name and first bytes: the rule the app's file picker
 * sorts files by (src/ui/LoadPanel.tsx) and the input corpus tests share. Pure: the caller reads
 * the head (`FILE_HEAD_BYTES` at most) however its platform reads files.
 */

/** How many leading bytes `fileKind` looks at (a JSON's telling keys come first). */
export const FILE_HEAD_BYTES = 65536

/** Model formats recognised by content (CONTRACTS §7). */
export type ModelFormat = 'tfjs' | 'onnx' | 'xgboost-json'

/**
 * A file's role in a load:
 * - `model`: a model file; `format` null for a JSON that is no known model or schema (it goes to
 *   the model loader, whose message names it: "not a TensorFlow.js model.json");
 * - `weights`: a tfjs weight shard (`*.bin`);
 * - `schema`: a dataset schema JSON (`"schemaVersion"`);
 * - `session`: a session bundle (a zip);
 * - `data`: anything else, read as Parquet when it starts with `PAR1` (by content, whatever its
 *   name) and as CSV otherwise (whose reader names what is wrong with it).
 */
export type FileKind =
  | { role: 'model'; format: ModelFormat | null }
  | { role: 'weights' }
  | { role: 'schema' }
  | { role: 'session' }
  | { role: 'data' }

/**
 * The `accept` attribute of a file input that takes data: CSV-like text and Parquet (a hint to the
 * browser's picker only; the reader decides by content).
 */
export const DATA_ACCEPT = '.csv,.tsv,.txt,.parquet,text/csv'

/**
 * True when `name` is named like a data file (`.csv`, `.tsv`, `.txt`, `.parquet`, any case) — how
 * a single file dropped on the Monitoring tab is told to be its "current" data rather than a new
 * load. False for every other name, including no extension.
 */
export function isDataFileName(name: string): boolean {
  return /\.(csv|tsv|txt|parquet)$/i.test(name)
}

/** ModelProto field tags that may follow ir_version (field 1): fields 2–8 and 14. */
const ONNX_SECOND_TAGS = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72])

/**
 * True when `head` starts like an ONNX ModelProto: field 1 (ir_version, a small varint) written
 * first, as every ONNX serializer does, then another ModelProto field. A text file never starts
 * with byte 0x08.
 */
export function onnxHeadLooksValid(head: Uint8Array): boolean {
  return (
    head.length >= 3 &&
    head[0] === 0x08 &&
    head[1]! >= 1 &&
    head[1]! <= 0x7f &&
    ONNX_SECOND_TAGS.has(head[2]!)
  )
}

/** True when `head` starts with a zip local file header (PK\x03\x04). */
export function zipHeadLooksValid(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
}

/** The role of a JSON file from the keys in its head (see FileKind). */
function jsonKind(text: string): FileKind {
  const has = (key: string) => new RegExp(`"${key}"\\s*:`).test(text)
  if (has('modelTopology')) return { role: 'model', format: 'tfjs' }
  if (has('schemaVersion')) return { role: 'schema' }
  if (/"learner"\s*:\s*\{/.test(text)) return { role: 'model', format: 'xgboost-json' }
  if (has('weightsManifest') || /"format"\s*:\s*"(?:layers|graph)-model"/.test(text))
    return { role: 'model', format: 'tfjs' }
  return { role: 'model', format: null }
}

/**
 * The role of a file named `name` whose first bytes are `head` (at most FILE_HEAD_BYTES are
 * read). Rules, in order: `*.bin` → weights; a zip → session; `*.onnx` or an ONNX protobuf head →
 * model (onnx); `*.json` → schema when it has "schemaVersion" (and no "modelTopology"), else a
 * model (tfjs: "modelTopology", "weightsManifest" or a tfjs "format"; XGBoost: "learner"; else
 * format null); anything else → data. Names compare case-insensitively.
 * @example fileKind('model.json', new TextEncoder().encode('{"format":"layers-model","modelTopology":{}}'))
 * // { role: 'model', format: 'tfjs' }
 */
export function fileKind(name: string, head: Uint8Array): FileKind {
  const lower = name.toLowerCase()
  if (lower.endsWith('.bin')) return { role: 'weights' }
  if (zipHeadLooksValid(head)) return { role: 'session' }
  if (lower.endsWith('.onnx') || onnxHeadLooksValid(head)) return { role: 'model', format: 'onnx' }
  if (lower.endsWith('.json'))
    return jsonKind(new TextDecoder().decode(head.subarray(0, FILE_HEAD_BYTES)))
  return { role: 'data' }
}

/** Files sorted into the parts of one load. */
export type FilesSorted<T> = {
  /** Model files and weight shards, in the order given. */
  model: T[]
  /** The schema (the last one when several are given). */
  schema: T | null
  /** The data (the last one when several are given). */
  data: T | null
}

/**
 * Sorts files into one load's model (model files and weight shards), schema and data, given each
 * file's kind (`kinds[i]` is `files[i]`'s). A session bundle among other files has no part of its
 * own: it is given as the data, whose reader names the problem (a bundle alone is restored, not
 * sorted). Nothing is dropped: an empty list gives no part at all.
 * @throws RangeError when `kinds` and `files` differ in length.
 */
export function filesSort<T>(files: readonly T[], kinds: readonly FileKind[]): FilesSorted<T> {
  if (kinds.length !== files.length)
    throw new RangeError(
      `${files.length} files but ${kinds.length} kinds: one kind per file is needed`,
    )
  const out: FilesSorted<T> = { model: [], schema: null, data: null }
  files.forEach((f, i) => {
    const role = kinds[i]!.role
    if (role === 'model' || role === 'weights') out.model.push(f)
    else if (role === 'schema') out.schema = f
    else out.data = f
  })
  return out
}
