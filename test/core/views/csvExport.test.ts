import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Papa from 'papaparse'
import { csvFromRows, csvTextCell } from '../../../src/core/views/csvExport.ts'

describe('csvTextCell', () => {
  it('guards text that a spreadsheet would run as a formula', () => {
    expect(csvTextCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(csvTextCell('+1')).toBe("'+1")
    expect(csvTextCell('-1+2')).toBe("'-1+2")
    expect(csvTextCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvTextCell('\tx')).toBe("'\tx")
    expect(csvTextCell('\rx')).toBe(`"'\rx"`)
    expect(csvTextCell('a=b')).toBe('a=b')
    expect(csvTextCell('')).toBe('')
  })

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvTextCell('a,b')).toBe('"a,b"')
    expect(csvTextCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvTextCell('two\nlines')).toBe('"two\nlines"')
    expect(csvTextCell('Female × Black')).toBe('Female × Black')
  })
})

describe('csvFromRows', () => {
  it('writes numbers as numbers, null as empty, and CRLF line ends', () => {
    const csv = csvFromRows(
      ['group', 'tpr', 'note'],
      [
        ['Female', 0.5588235294117647, null],
        ['-x', -0.25, '=1+1'],
        ['1e-7', 1e-7, 'a,b'],
        ['nan', NaN, ''],
      ],
    )
    expect(csv).toBe(
      'group,tpr,note\r\nFemale,0.5588235294117647,\r\n\'-x,-0.25,\'=1+1\r\n1e-7,1e-7,"a,b"\r\nnan,,\r\n',
    )
    expect(csvFromRows(['=a'], [])).toBe("'=a\r\n")
  })

  it('rejects rows of the wrong width', () => {
    expect(() => csvFromRows(['a', 'b'], [[1]])).toThrow(/row 0 has 1 cells/)
  })

  it('parses back to the same cells (text guarded, numbers exact)', () => {
    const cellArb = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(null),
    )
    fc.assert(
      fc.property(
        fc.array(fc.array(cellArb, { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          const csv = csvFromRows(['a', 'b'], rows)
          const back = Papa.parse<string[]>(csv, { newline: '\r\n' }).data
          expect(back[0]).toEqual(['a', 'b'])
          rows.forEach((row, r) => {
            row.forEach((v, c) => {
              const got = back[r + 1]![c]!
              if (v === null) expect(got).toBe('')
              else if (typeof v === 'number') expect(Number(got)).toBe(v === 0 ? 0 : v)
              else expect(got).toBe(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)
            })
          })
        },
      ),
    )
  })
})
