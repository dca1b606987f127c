/**
 * Node-side loading for the CLI: files from disk into the same core and model code the browser
 * uses (tfjs from memory; wasm backend, then cpu). Every failure is a one-line message.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { parseCsvText } from '../core/csv.ts'
import { sha256Hex } from '../core/hash.ts'
import { schemaParse } from '../core/schemaIo.ts'
import type { Schema } from '../core/schema.ts'
import type { Table } from '../core/table.ts'
import { modelArtifacts, modelJsonParse, modelShardPaths } from '../model/artifacts.ts'
import { type LoadedModel, tfModelLoad } from '../model/tfModel.ts'

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

/** Activates `auto` (wasm, then cpu), `wasm` or `cpu`; returns the backend in use. */
export async function backendSet(choice: string): Promise<string> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  tf.env().set('IS_TEST', false)
  const order = choice === 'auto' ? ['wasm', 'cpu'] : [choice]
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready()
        return name
      }
    } catch {
      // try the next one
    }
  }
  throw new UsageError(`backend ${choice} could not be initialised`)
}

/** model.json and its shards (looked up next to it) → a loaded tfjs model. */
export async function modelLoadFromDisk(path: string): Promise<LoadedModel> {
  const json = readOrFail(path, '--model').toString('utf8')
  const src = { name: path, json }
  const manifest = modelJsonParse(src)
  const shards = new Map<string, ArrayBuffer>()
  for (const p of modelShardPaths(manifest)) {
    const file = join(dirname(resolve(path)), p)
    let buf: Buffer
    try {
      buf = readFileSync(file)
    } catch {
      continue // modelArtifacts names the missing shard
    }
    shards.set(p.split(/[\\/]/).pop()!, arrayBuffer(buf))
  }
  return tfModelLoad(modelArtifacts(src, shards), path)
}

export async function dataLoadFromDisk(path: string): Promise<{ table: Table; sha256: string }> {
  const buf = readOrFail(path, '--data')
  if (buf.byteLength === 0) throw new UsageError(`${path}: the file is empty`)
  return {
    table: parseCsvText(buf.toString('utf8'), path),
    sha256: await sha256Hex(new Uint8Array(buf)),
  }
}

export function schemaLoadFromDisk(path: string): Schema {
  return schemaParse(readOrFail(path, '--schema').toString('utf8'), path)
}
