import { describe, expect, it } from 'vitest'
import type { Report } from '../../../src/report/types.ts'
import {
  type AuditSections,
  type AuditState,
  type AuditStateSettings,
  auditStateAdd,
  auditStateCreate,
  auditStateFromJSON,
  auditStateMerge,
  auditStateSections,
  auditStateToJSON,
} from '../../../src/core/stream/index.ts'

const SETTINGS: AuditStateSettings = {
  threshold: 0.5,
  classIndex: 1,
  seed: 1,
  labelled: true,
  sensitive: ['sex'],
}
const IDENTITY = { model: 'aaa', schema: 'sss', data: 'ddd', settings: 'hhh' }

function part(
  index: number,
  count: number,
  rows: [number, number],
  opts: {
    identity?: Record<string, string>
    settings?: AuditStateSettings
    total?: number | null
  } = {},
): AuditState {
  const settings = opts.settings ?? SETTINGS
  const s = auditStateCreate(settings, opts.identity ?? IDENTITY, {
    index,
    count,
    coverage: {
      data: { unit: 'rows', ranges: [rows], total: opts.total === undefined ? 40 : opts.total },
    },
  })
  const n = rows[1] - rows[0]
  auditStateAdd(s, {
    firstRow: rows[0],
    p: Float32Array.from({ length: n }, (_, i) => (((rows[0] + i) * 37) % 101) / 100),
    y: settings.labelled
      ? Uint8Array.from({ length: n }, (_, i) => ((rows[0] + i) % 3 === 0 ? 1 : 0))
      : null,
    groups: new Map([
      ['sex', Array.from({ length: n }, (_, i) => ((rows[0] + i) % 2 ? 'F' : 'M'))],
    ]),
  })
  return s
}

const four = () => [
  part(0, 4, [0, 10]),
  part(1, 4, [10, 20]),
  part(2, 4, [20, 30]),
  part(3, 4, [30, 40]),
]
const named = (states: AuditState[]) =>
  states.map((state, i) => ({ name: `part-${i}.json`, state }))

describe('auditStateMerge refuses', () => {
  it('a foreign part: another model, data, schema or settings hash, or other settings', () => {
    for (const key of ['model', 'data', 'schema', 'settings'] as const) {
      const parts = four()
      parts[2] = part(2, 4, [20, 30], { identity: { ...IDENTITY, [key]: 'zzz' } })
      expect(() => auditStateMerge(named(parts))).toThrow(
        `part-2.json is foreign: its ${key} identity zzz differs from part-0.json's ${IDENTITY[key]}`,
      )
    }
    const parts = four()
    parts[1] = part(1, 4, [10, 20], { settings: { ...SETTINGS, threshold: 0.6 } })
    expect(() => auditStateMerge(named(parts))).toThrow(
      "part-1.json is foreign: its settings differ from part-0.json's (threshold 0.6 ≠ 0.5)",
    )
  })

  it('a duplicated shard, a missing shard, rows covered twice or by no part', () => {
    const parts = four()
    expect(() => auditStateMerge(named([...parts, parts[1]!]))).toThrow(
      'shard 1/4 appears twice (part-1.json and part-4.json)',
    )
    expect(() => auditStateMerge(named([parts[0]!, parts[1]!, parts[3]!]))).toThrow(
      'shard 2/4 is missing',
    )
    expect(() => auditStateMerge(named([parts[0]!, parts[3]!]))).toThrow(
      'shards 1/4, 2/4 are missing',
    )
    const overlap = [part(0, 2, [0, 25]), part(1, 2, [20, 40])]
    expect(() => auditStateMerge(named(overlap))).toThrow(
      'part-0.json (shard 0/2) and part-1.json (shard 1/2) both cover data rows 20–24',
    )
    const gap = [part(0, 2, [0, 15]), part(1, 2, [20, 40])]
    expect(() => auditStateMerge(named(gap))).toThrow('data rows 15–19 are covered by no part')
    const short = [part(0, 2, [0, 20]), part(1, 2, [20, 39])]
    expect(() => auditStateMerge(named(short))).toThrow('data rows 39–39 are covered by no part')
    const mixed = [part(0, 2, [0, 20]), part(1, 3, [20, 40])]
    expect(() => auditStateMerge(named(mixed))).toThrow('the shard counts differ')
  })

  it('a partial whose rows do not match what its shard says it covered', () => {
    const lying = part(0, 1, [0, 40])
    lying.rows = 39
    expect(() => auditStateMerge(named([lying]))).toThrow(
      'part-0.json holds 39 data rows, but its shards cover 40 data rows',
    )
  })

  it('a report from a partial: the finalizer wants every shard', () => {
    expect(() => auditStateSections(part(1, 4, [10, 20]))).toThrow(
      'shards 0/4, 2/4, 3/4 are missing',
    )
  })
})

describe('auditStateFromJSON refuses a corrupt part by name', () => {
  const text = auditStateToJSON(auditStateMerge(named(four())))

  it('reads its own text back to the same state', () => {
    const back = auditStateFromJSON(text, 'merged.json')
    expect(auditStateToJSON(back)).toBe(text)
    expect(JSON.stringify(auditStateSections(back))).toBe(
      JSON.stringify(auditStateSections(auditStateMerge(named(four())))),
    )
  })

  it('truncated, not JSON, another format or version', () => {
    expect(() => auditStateFromJSON(text.slice(0, 200), 'part-3.json')).toThrow(
      /^part-3.json is corrupt: not JSON/,
    )
    expect(() => auditStateFromJSON('{"format":"x"}', 'p.json')).toThrow(
      'p.json is corrupt: format is "x", not "glassbox-audit-state"',
    )
    expect(() => auditStateFromJSON(text.replace('"version":1', '"version":2'), 'p.json')).toThrow(
      'p.json is corrupt: version 2 is not 1',
    )
  })

  it('reformatted, but not with a trailing newline', () => {
    expect(auditStateToJSON(auditStateFromJSON(`${text}\n`, 'p.json'))).toBe(text)
    const pretty = JSON.stringify(JSON.parse(text), null, 1)
    expect(() => auditStateFromJSON(pretty, 'p.json')).toThrow(
      'p.json is corrupt: not laid out as it was written',
    )
  })

  it('changed after writing (the checksum)', () => {
    const tampered = text.replace('"rows":40', '"rows":41')
    expect(() => auditStateFromJSON(tampered, 'p.json')).toThrow(
      'p.json is corrupt: checksum mismatch: the body was changed after it was written',
    )
  })

  // The checksum, written here in BigInt: FNV-1a 32, and the same with murmur2's multiplier,
  // another offset and an xor-shift, over UTF-16 code units.
  const checksum = (s: string) => {
    const M = 0xffffffffn
    let h1 = 0x811c9dc5n
    let h2 = 0x9747b28cn
    for (let i = 0; i < s.length; i++) {
      const c = BigInt(s.charCodeAt(i))
      h1 = ((h1 ^ c) * 0x01000193n) & M
      h2 = ((h2 ^ c) * 0x5bd1e995n) & M
      h2 ^= h2 >> 15n
    }
    return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')
  }

  /** Rewrites the body with a valid checksum: a part intact on the outside, wrong inside. */
  function rewrite(edit: (body: Record<string, unknown>) => void): string {
    const doc = JSON.parse(text) as { body: Record<string, unknown> }
    edit(doc.body)
    const body = JSON.stringify(doc.body)
    return JSON.stringify({
      format: 'glassbox-audit-state',
      version: 1,
      checksum: checksum(body),
      body: doc.body,
    })
  }

  it('with inner parts that disagree, naming the field', () => {
    const cases: [(b: Record<string, unknown>) => void, string | RegExp][] = [
      [
        (b) => {
          b.rows = 41
        },
        'the score counts: 40 rows, the state 41',
      ],
      [
        (b) => {
          ;(b.scores as Record<string, unknown>).rows = 39
        },
        'scores: 39 rows, but the score counts hold 40 and the bins 40',
      ],
      [
        (b) => {
          ;((b.scores as Record<string, unknown>).binCount as number[])[0] = -1
        },
        'scores.binCount[0]: expected a non-negative integer, got -1',
      ],
      [
        (b) => {
          ;((b.scores as Record<string, unknown>).sums as string[])[1] = '2p-1'
        },
        'scores.sums[1]: 2p-1 is not canonical',
      ],
      [
        (b) => {
          ;(b.scores as Record<string, { keys: string }>).counts!.keys = 'AAAA'
        },
        /scores.counts.keys: 3 bytes, expected/,
      ],
      [
        (b) => {
          ;((b.fairness as unknown[][])[0]![1] as unknown[][])[0]![1] = 1.5
        },
        'fairness.sex[0][1]: expected a non-negative integer, got 1.5',
      ],
      [
        (b) => {
          ;(b.fairness as unknown[][])[0]![0] = 'race'
        },
        'fairness[0]: expected attribute "sex"',
      ],
      [
        (b) => {
          ;(b.shards as { index: number }[])[1]!.index = 0
        },
        'shard 0/4 appears twice',
      ],
      [
        (b) => {
          ;(b.settings as Record<string, unknown>).labelled = 'yes'
        },
        "the state's settings.labelled is not a boolean",
      ],
      [
        (b) => {
          delete b.identity
        },
        'identity: expected an object',
      ],
      [
        (b) => {
          const shards = b.shards as { coverage: { data: { ranges: number[][] } } }[]
          shards[3]!.coverage.data.ranges = [[30, 39]]
        },
        'the state holds 40 data rows, but its shards cover 39 data rows',
      ],
    ]
    for (const [edit, message] of cases) {
      const bad = rewrite(edit)
      expect(() => auditStateFromJSON(bad, 'part-9.json')).toThrow(message)
      expect(() => auditStateFromJSON(bad, 'part-9.json')).toThrow(/^part-9.json is corrupt: /)
    }
  })
})

describe('auditStateSections', () => {
  it('has no metrics, calibration or fairness without labels, like today’s audit', () => {
    const settings = { ...SETTINGS, labelled: false }
    const s = auditStateMerge(
      named([part(0, 2, [0, 20], { settings }), part(1, 2, [20, 40], { settings })]),
    )
    expect(auditStateSections(s)).toEqual({ rows: 40 })
  })

  it('has the report’s types (the core does not import src/report)', () => {
    const sections: AuditSections = auditStateSections(auditStateMerge(named(four())))
    const report: Pick<Report, 'metrics' | 'calibration' | 'fairness'> = sections
    expect(report.fairness?.sex?.groups.F?.count).toBe(20)
  })
})
