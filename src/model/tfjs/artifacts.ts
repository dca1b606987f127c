/**
 * model.json + weight shards → tfjs ModelArtifacts, with every problem named: the file that is
 * not JSON, the shard that is missing or short, the manifest that is malformed. Used by the
 * browser worker (files or URL) and by Node (CLI, tests) alike, so the rules exist once.
 */
import type { io } from '@tensorflow/tfjs'
import { ModelError } from '../errors.ts'
import { baseName, fileText, modelFilesFetched } from '../files.ts'
import type { ModelFiles } from '../runtime.ts'

export { ModelError }

/** A model.json as read: a display name (file name, URL or path) and its text. */
export type ModelJsonText = { name: string; json: string }

type ModelJson = {
  format?: string
  generatedBy?: string
  convertedBy?: string
  modelTopology: unknown
  weightsManifest: io.WeightsManifestConfig
  signature?: unknown
  userDefinedMetadata?: Record<string, unknown>
  modelInitializer?: unknown
  trainingConfig?: unknown
}

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  complex64: 8,
}

/** Bytes a manifest entry occupies in its shard (quantized entries use the quantized dtype). */
export function weightEntryBytes(w: io.WeightsManifestEntry): number {
  const n = w.shape.reduce((a, b) => a * b, 1)
  const dtype = w.quantization?.dtype ?? w.dtype
  const size = BYTES[dtype]
  if (size === undefined)
    throw new ModelError(`weight "${w.name}" has unsupported dtype "${dtype}"`)
  return n * size
}

/**
 * Parses and checks model.json. Throws ModelError naming the file for non-JSON text, a missing
 * modelTopology or weightsManifest, or manifest entries without name/shape/dtype.
 */
export function modelJsonParse(src: ModelJsonText): ModelJson {
  let raw: unknown
  try {
    raw = JSON.parse(src.json)
  } catch (e) {
    throw new ModelError(
      `${src.name}: not a valid model.json — the file is not JSON (${(e as Error).message})`,
    )
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelError(`${src.name}: not a TensorFlow.js model.json (expected a JSON object)`)
  }
  const m = raw as Partial<ModelJson> & { schemaVersion?: unknown }
  if (m.schemaVersion !== undefined && m.modelTopology === undefined) {
    throw new ModelError(`${src.name}: this is a dataset schema, not a model.json`)
  }
  if (m.modelTopology === undefined || m.modelTopology === null) {
    throw new ModelError(`${src.name}: not a TensorFlow.js model.json (no "modelTopology")`)
  }
  if (!Array.isArray(m.weightsManifest)) {
    throw new ModelError(`${src.name}: not a TensorFlow.js model.json (no "weightsManifest" array)`)
  }
  for (const group of m.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw new ModelError(`${src.name}: weightsManifest groups need "paths" and "weights" arrays`)
    }
    for (const w of group.weights) {
      if (typeof w?.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') {
        throw new ModelError(`${src.name}: a weightsManifest entry lacks name, shape or dtype`)
      }
      try {
        weightEntryBytes(w)
      } catch (e) {
        throw new ModelError(`${src.name}: ${(e as Error).message}`)
      }
    }
  }
  return m as ModelJson
}

/** The shard file names model.json refers to, in manifest order (basenames). */
export function modelShardPaths(m: ModelJson): string[] {
  return m.weightsManifest.flatMap((g) => g.paths)
}

/**
 * Assembles ModelArtifacts from model.json and the shard bytes, looked up by basename.
 * @throws ModelError naming a missing shard, a short (or long) shard, or the group whose byte
 *   count does not match its manifest.
 */
export function modelArtifacts(
  src: ModelJsonText,
  shards: ReadonlyMap<string, ArrayBuffer>,
): io.ModelArtifacts {
  const m = modelJsonParse(src)
  const buffers: ArrayBuffer[] = []
  const specs: io.WeightsManifestEntry[] = []
  for (const group of m.weightsManifest) {
    const need = group.weights.reduce((a, w) => a + weightEntryBytes(w), 0)
    let have = 0
    for (const p of group.paths) {
      const buf = shards.get(baseName(p))
      if (!buf) {
        throw new ModelError(
          `${src.name} lists weight file "${baseName(p)}", which was not provided (select it together with model.json)`,
        )
      }
      buffers.push(buf)
      have += buf.byteLength
    }
    if (have !== need) {
      throw new ModelError(
        `weight file${group.paths.length > 1 ? 's' : ''} ${group.paths.map((p) => `"${baseName(p)}"`).join(', ')}: ${have} bytes, but ${src.name} describes ${need} bytes of weights (${have < need ? 'truncated or wrong file' : 'too long: wrong file?'})`,
      )
    }
    specs.push(...group.weights)
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0)
  const weightData = new Uint8Array(total)
  let o = 0
  for (const b of buffers) {
    weightData.set(new Uint8Array(b), o)
    o += b.byteLength
  }
  const art: io.ModelArtifacts = {
    modelTopology: m.modelTopology as object,
    weightSpecs: specs,
    weightData: weightData.buffer,
  }
  if (m.format !== undefined) art.format = m.format
  if (m.generatedBy !== undefined) art.generatedBy = m.generatedBy
  if (m.convertedBy !== undefined && m.convertedBy !== null) art.convertedBy = m.convertedBy
  if (m.signature !== undefined)
    art.signature = m.signature as NonNullable<io.ModelArtifacts['signature']>
  if (m.userDefinedMetadata !== undefined)
    art.userDefinedMetadata = m.userDefinedMetadata as NonNullable<
      io.ModelArtifacts['userDefinedMetadata']
    >
  if (m.modelInitializer !== undefined)
    art.modelInitializer = m.modelInitializer as NonNullable<io.ModelArtifacts['modelInitializer']>
  if (m.trainingConfig !== undefined) art.trainingConfig = m.trainingConfig as io.TrainingConfig
  return art
}

/** True for a GraphModel (converted SavedModel/frozen graph), false for a LayersModel. */
export function artifactsIsGraph(a: io.ModelArtifacts): boolean {
  if (a.format === 'graph-model') return true
  if (a.format === 'layers-model') return false
  const topo = a.modelTopology as Record<string, unknown> | undefined
  return !!topo && Array.isArray(topo.node)
}

/**
 * A model's files (picked, fetched or read from disk) → artifacts: model.json parsed and checked
 * first, then every shard it lists read by its path next to it (a missing one is named).
 * @throws ModelError as {@link modelJsonParse} and {@link modelArtifacts}, or naming a shard URL
 *   that could not be fetched.
 */
export async function modelArtifactsRead(files: ModelFiles): Promise<io.ModelArtifacts> {
  const src = { name: files.name, json: fileText(files.main) }
  const m = modelJsonParse(src)
  const shards = new Map<string, ArrayBuffer>()
  for (const p of modelShardPaths(m)) {
    const buf = await files.sibling(p)
    if (buf) shards.set(baseName(p), buf)
  }
  return modelArtifacts(src, shards)
}

/**
 * Fetches model.json from `url` and its shards relative to it (browser worker and Node 20 both
 * have fetch). Errors name the URL and the HTTP status.
 */
export async function modelFetch(
  url: string,
  fetchFn: typeof fetch = fetch,
): Promise<io.ModelArtifacts> {
  return modelArtifactsRead(await modelFilesFetched(url, fetchFn))
}
