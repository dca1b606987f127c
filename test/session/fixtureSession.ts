/**
 * The model fixtures of test/fixtures/models opened the app's way: files → the registry's runtime
 * (by content and name) → its backend (wasm for ONNX, cpu for the tree evaluator) → a session on
 * data.csv with the fixture's schema and class. Shared by the session, worker, CLI and report
 * tests; the references stay the fixture's own JSON.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsvText } from '../../src/core/csv.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import type { Schema } from '../../src/core/schema.ts'
import { classRequest } from '../../src/model/card.ts'
import { modelRuntimes, runtimeEntryFor } from '../../src/model/registry.ts'
import type { LoadedModel, ModelFiles } from '../../src/model/runtime.ts'
import { type Session, sessionOpen } from '../../src/session/session.ts'
import { FIXTURES, MODELS_DIR, type Reference, readJson } from '../model/onnx/fixtures.ts'

export { MODELS_DIR }

/** A model file of the fixtures (ONNX or XGBoost JSON) and the reference it answers to. */
export type ModelFixture = { file: string; name: string; ref: Reference }

/** Every model file with a reference: the six ONNX models and the two XGBoost JSON twins. */
export const MODEL_FIXTURES: ModelFixture[] = FIXTURES.flatMap((name) => {
  const ref = readJson<Reference>(join(MODELS_DIR, `${name}.reference.json`))
  return ref.models.map((file) => ({ file, name, ref }))
})

/** A fixture file as the registry's ModelFiles. */
export function fixtureFiles(file: string, dir = MODELS_DIR): ModelFiles {
  const b = readFileSync(join(dir, file))
  return {
    name: file,
    main: new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
    sibling: () => Promise.resolve(null),
  }
}

/** The fixture's schema as the app parses it. */
export function fixtureSchema(ref: Reference): Schema {
  return schemaParse(readFileSync(join(MODELS_DIR, ref.schema), 'utf8'), ref.schema)
}

/** data.csv as the app parses it. */
export function fixtureData(): {
  table: ReturnType<typeof parseCsvText>
  name: string
  sha256: string
} {
  const text = readFileSync(join(MODELS_DIR, 'data.csv'), 'utf8')
  return { table: parseCsvText(text, 'data.csv'), name: 'data.csv', sha256: 'fixture-data' }
}

/**
 * Opens a model file the way the CLI and the worker do: its runtime by content and name, the
 * runtime's first Node backend (wasm, else cpu), its source, then the model for `schema`.
 */
export async function fixtureModel(
  file: string,
  schema: Schema,
  dir = MODELS_DIR,
): Promise<LoadedModel> {
  const files = fixtureFiles(file, dir)
  const runtime = await runtimeEntryFor(files.main, modelRuntimes, files.name).load()
  await runtime.backendActivate(runtime.backends.includes('wasm') ? 'wasm' : 'cpu')
  return runtime.open(await runtime.sourceFromFiles(files), schema)
}

/** A session of a fixture: its model, schema, data.csv and the reference's class. */
export async function fixtureSession(f: ModelFixture): Promise<Session> {
  const schema = fixtureSchema(f.ref)
  const model = await fixtureModel(f.file, schema)
  // The multi-class models explain class 2; the binary ones the default (class 1).
  const cls = classRequest(f.ref.classIndex === 1 ? null : f.ref.classIndex)
  return sessionOpen(model, schema, fixtureData(), cls, { schemaName: f.ref.schema })
}
