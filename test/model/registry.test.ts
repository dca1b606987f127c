import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fileText } from '../../src/model/files.ts'
import {
  type RuntimeEntry,
  modelFilesChoose,
  runtimeEntryFor,
  tfjsEntry,
} from '../../src/model/registry.ts'
import type { ModelRuntime } from '../../src/model/runtime.ts'

const url = (p: string) => new URL(`../../${p}`, import.meta.url)
const G = 'test/fixtures/golden/adult'
const bytes = (s: string) => new TextEncoder().encode(s)
const file = (name: string, content: string | Uint8Array<ArrayBuffer>) => new File([content], name)
const modelJson = new Uint8Array(readFileSync(url(`${G}/model.json`)))
const shard = new Uint8Array(readFileSync(url(`${G}/group1-shard1of1.bin`)))

/** A registered runtime that recognises an XGBoost-style JSON (top-level "learner"). */
const learnerEntry: RuntimeEntry = {
  name: 'trees',
  formats: ['xgboost-json'],
  backends: ['cpu'],
  extensions: ['.json'],
  recognises: (main) => fileText(main.subarray(0, 256)).includes('"learner"'),
  load: () => Promise.reject(new Error('not loaded in this test')),
}

describe('runtimeEntryFor', () => {
  it('recognises a tfjs model.json by its content and sends anything unknown to the default', () => {
    expect(runtimeEntryFor(new Uint8Array(modelJson)).name).toBe('tfjs')
    expect(runtimeEntryFor(bytes('not json at all')).name).toBe('tfjs')
    const entries = [tfjsEntry, learnerEntry]
    expect(runtimeEntryFor(bytes('{"learner": {}, "version": [1, 7, 4]}'), entries).name).toBe(
      'trees',
    )
    expect(runtimeEntryFor(new Uint8Array(modelJson), entries).name).toBe('tfjs')
  })

  it('loads the tfjs runtime only when asked, with the backends its entry declares', async () => {
    const runtime: ModelRuntime = await tfjsEntry.load()
    expect(runtime.name).toBe('tfjs')
    expect(runtime.backends).toEqual(['webgpu', 'webgl', 'wasm', 'cpu'])
    expect(runtime.schemaBound).toBe(false)
  })
})

describe('modelFilesChoose', () => {
  it('takes the only main file and finds its siblings by basename', async () => {
    const files = await modelFilesChoose([
      file('group1-shard1of1.bin', new Uint8Array(shard)),
      file('model.json', new Uint8Array(modelJson)),
    ])
    expect(files.name).toBe('model.json')
    expect(files.main.byteLength).toBe(modelJson.byteLength)
    expect((await files.sibling('dir/group1-shard1of1.bin'))?.byteLength).toBe(shard.byteLength)
    expect(await files.sibling('other.bin')).toBeNull()
  })

  it('picks the model among several JSON files, and names the files when none is one', async () => {
    const picked = await modelFilesChoose([
      file('schema.json', '{"schemaVersion": 1}'),
      file('model.json', new Uint8Array(modelJson)),
    ])
    expect(picked.name).toBe('model.json')
    await expect(modelFilesChoose([file('a.bin', 'x'), file('b.txt', 'y')])).rejects.toThrow(
      'no model.json or *.onnx among the selected model files (a.bin, b.txt)',
    )
    await expect(
      modelFilesChoose([file('a.json', '{}'), file('b.json', '{"x": 1}')]),
    ).rejects.toMatchObject({
      name: 'ModelError',
      message:
        'none of a.json, b.json is a TensorFlow.js model.json, ONNX model or XGBoost JSON model',
    })
  })
})
