/**
 * The output check on every predicted row (docs/robustness.md, "Outputs are what they claim"):
 * the corpus's out-of-range model gives the same words in `glassbox audit` and in the model
 * worker (the page's load), naming the first bad row and its value, which the worker's own
 * predictions confirm are the first outside [0, 1].
 */
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseCsvText } from '../../src/core/csv.ts'
import { encodeTable } from '../../src/core/encode.ts'
import { schemaParse } from '../../src/core/schemaIo.ts'
import { outputColumn } from '../../src/model/card.ts'
import { modelArtifacts } from '../../src/model/tfjs/artifacts.ts'
import { tfModelLoad } from '../../src/model/tfjs/load.ts'
import { tfjsLoadedModel } from '../../src/model/tfjs/runtime.ts'
import { Cmd } from '../../src/workers/protocol.ts'
import { glassbox } from '../cli/run.ts'
import {
  GOLDEN,
  GOLDEN_SCHEMA,
  SHARD,
  corpusCases,
  fileBuffer,
  fileObject,
  fileText,
  repoPath,
} from '../fixtures/inputs/corpus.ts'
import { corpusRunner } from '../fixtures/inputs/corpusRun.ts'

const runner = corpusRunner()

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('a model output outside [0, 1] under output.kind "probability"', () => {
  it('is one error with the same words in the CLI and the model worker, naming the first bad row', async () => {
    const c = corpusCases.find((x) => x.id === 'reject-output-out-of-range')!
    const dir = c.files[0]!.replace(/\/model\.json$/, '')
    const table = parseCsvText(fileText(`${GOLDEN}/data.csv`), 'data.csv')
    const schema = schemaParse(fileText(GOLDEN_SCHEMA), 'schema.json')
    const res = await runner.send({
      cmd: Cmd.Load,
      model: {
        kind: 'files',
        files: [fileObject(`${dir}/model.json`), fileObject(`${dir}/${SHARD}`)],
      },
      table,
      schema,
      cls: { kind: 'auto' },
      dataName: 'data.csv',
      dataSha256: 'x',
      schemaName: 'schema.json',
    })
    if (res.kind !== 'error') throw new Error('the model worker loaded the softplus model')
    const m =
      /^model\.json outputs ([\d.e+-]+) for row (\d+) of data\.csv and (\d+) more rows(: .*)$/.exec(
        res.message,
      )
    expect(m, res.message).not.toBeNull()
    expect(m![4]).toBe(c.expected.message)
    const [value, row] = [Number(m![1]), Number(m![2])]
    expect(value).toBeGreaterThan(1)
    // The named row is the first outside [0, 1] and holds that value: the same network, its
    // output read without the check.
    const art = modelArtifacts(
      { name: 'model.json', json: fileText(`${dir}/model.json`) },
      new Map([[SHARD, fileBuffer(`${dir}/${SHARD}`)]]),
    )
    const raw = tfjsLoadedModel(await tfModelLoad(art, 'model.json', null))
    const enc = encodeTable(schema, table, 'data.csv')
    const p = await raw.predictor(outputColumn(0))(enc.x)
    raw.dispose()
    expect(p.findIndex((v) => !(v >= 0 && v <= 1))).toBe(row)
    expect(p[row]).toBe(value)
    expect(1 + Number(m![3])).toBe(p.filter((v) => !(v >= 0 && v <= 1)).length)
    const cli = await glassbox(
      'audit',
      '--model',
      repoPath(`${dir}/model.json`),
      '--data',
      repoPath(`${GOLDEN}/data.csv`),
      '--schema',
      repoPath(GOLDEN_SCHEMA),
      '--backend',
      'cpu',
      '--quiet',
    )
    expect(cli.code).toBe(2)
    const line = cli.stderr.trim()
    expect(line).toBe(
      `glassbox: ${res.message
        .replace(/^model\.json/, repoPath(`${dir}/model.json`))
        .replace(' of data.csv', ` of ${join(repoPath(GOLDEN), 'data.csv')}`)}`,
    )
  })
})
