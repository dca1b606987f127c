/**
 * The origin planner: a model's weight shards only from model.json's origin, and a link's
 * sources on other origins grouped for the consent prompt. Then the model fetcher: a shard on a
 * third origin is refused before any request reaches it.
 */
import { describe, expect, it } from 'vitest'
import { OriginError, originsForeign, redirectRefusal, siblingUrl } from '../../src/core/origins.ts'
import { modelFilesFetched } from '../../src/model/files.ts'

const page = 'http://localhost:4182/app/'
const model = 'http://127.0.0.1:4182/m/model.json'

describe('siblingUrl', () => {
  it('resolves relative shard paths next to model.json', () => {
    expect(siblingUrl(model, 'w1.bin', page)).toBe('http://127.0.0.1:4182/m/w1.bin')
    expect(siblingUrl(model, 'sub/w%20.bin', page)).toBe('http://127.0.0.1:4182/m/sub/w%20.bin')
    expect(siblingUrl(model, '../w.bin', page)).toBe('http://127.0.0.1:4182/w.bin')
    expect(siblingUrl(model, 'http://127.0.0.1:4182/x/w.bin', page)).toBe(
      'http://127.0.0.1:4182/x/w.bin',
    )
    expect(siblingUrl('demo/model.json', 'w.bin', page)).toBe(
      'http://localhost:4182/app/demo/w.bin',
    )
  })

  it('refuses a shard on a third origin by name, whatever the spelling', () => {
    for (const [path, origin] of [
      ['https://evil.example/w.bin', 'https://evil.example'],
      ['//evil.example/w.bin', 'http://evil.example'],
      ['http://localhost:4182/w.bin', 'http://localhost:4182'],
      ['http://127.0.0.1:9999/w.bin', 'http://127.0.0.1:9999'],
      ['https://127.0.0.1:4182/w.bin', 'https://127.0.0.1:4182'],
    ] as const) {
      expect(() => siblingUrl(model, path, page)).toThrow(OriginError)
      expect(() => siblingUrl(model, path, page)).toThrow(
        `${model} lists weight file "${path}" on ${origin}, another origin than the model's own (http://127.0.0.1:4182)`,
      )
    }
    expect(() => siblingUrl(model, 'data:application/octet-stream,AAAA', page)).toThrow(
      'on data:, another origin',
    )
    expect(() => siblingUrl(model, 'javascript:alert(1)', page)).toThrow('on javascript:')
  })
})

describe('originsForeign', () => {
  it('groups the URLs on other origins than the page by origin; same-origin ones need nothing', () => {
    expect(
      originsForeign(
        [
          'demo/model.json',
          'http://localhost:4182/d.csv',
          'http://127.0.0.1:4182/m/model.json',
          'http://127.0.0.1:4182/s.json',
          'https://b.example/d.csv',
        ],
        page,
      ),
    ).toEqual([
      {
        origin: 'http://127.0.0.1:4182',
        urls: ['http://127.0.0.1:4182/m/model.json', 'http://127.0.0.1:4182/s.json'],
      },
      { origin: 'https://b.example', urls: ['https://b.example/d.csv'] },
    ])
    expect(originsForeign(['a.csv', '/b.json'], page)).toEqual([])
  })
})

describe('modelFilesFetched', () => {
  it('requests nothing from a third origin a consented model.json lists', async () => {
    const asked: string[] = []
    const json = JSON.stringify({
      modelTopology: {},
      weightsManifest: [{ paths: ['https://evil.example/w.bin'], weights: [] }],
    })
    const fetchFn = (async (u: string) => {
      asked.push(u)
      return new Response(json)
    }) as typeof fetch
    const files = await modelFilesFetched(model, fetchFn)
    await expect(files.sibling('https://evil.example/w.bin')).rejects.toThrow(
      "another origin than the model's own (http://127.0.0.1:4182)",
    )
    expect(await files.sibling('w.bin')).toBeInstanceOf(ArrayBuffer)
    expect(asked).toEqual([model, 'http://127.0.0.1:4182/m/w.bin'])
  })

  it('refuses a redirect for a linked URL (never following it) and follows it for a typed one', async () => {
    const inits: (RequestInit | undefined)[] = []
    const fetchFn = (async (_u: string, init?: RequestInit) => {
      inits.push(init)
      // Node's fetch under redirect: 'manual' answers the 3xx itself (a browser: opaqueredirect).
      return init?.redirect === 'manual'
        ? new Response(null, { status: 302, headers: { location: 'https://evil.example/m.json' } })
        : new Response('{}')
    }) as typeof fetch
    await expect(modelFilesFetched(model, fetchFn, true)).rejects.toThrow(
      `${model} answers with a redirect, which a shared link does not follow`,
    )
    expect(inits).toEqual([{ redirect: 'manual' }])
    const typed = await modelFilesFetched(model, fetchFn)
    expect(new TextDecoder().decode(typed.main)).toBe('{}')
  })
})

describe('redirectRefusal', () => {
  it('names a browser opaque redirect and any 3xx; passes every other response', () => {
    expect(redirectRefusal('u', { type: 'opaqueredirect', status: 0 })).toMatch(
      /^u answers with a redirect/,
    )
    for (const status of [301, 302, 303, 307, 308])
      expect(redirectRefusal('u', { type: 'basic', status })).not.toBeNull()
    for (const status of [200, 204, 404, 500])
      expect(redirectRefusal('u', { type: 'basic', status })).toBeNull()
  })
})
