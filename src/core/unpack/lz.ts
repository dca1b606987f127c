/**
 * Bounded decompression of lz-string's URI-safe format (`compressToEncodedURIComponent`, what a
 * link's `#s=` holds). LZ-string's dictionary entries grow by one character per code, so a link
 * of n codes can expand to about n²/2 characters: a 76 KB link reaches gigabytes. This decoder
 * refuses an input above {@link UnpackLimits.linkChars} before reading it, and counts its output
 * as it goes, stopping as soon as it passes {@link UnpackLimits.linkExpandedChars}.
 */
import { UnpackError, UnpackLimits } from './limits.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'
const CODE = new Map([...ALPHABET].map((c, i) => [c, i] as const))

/** Reads bits, lowest first, 6 per input character (the URI-safe alphabet). */
class BitReader {
  private val = 0
  private mask = 32
  private next = 0
  constructor(private readonly s: string) {
    this.val = this.char()
  }
  private char(): number {
    const c = this.s[this.next++]
    if (c === undefined) throw new UnpackError('the link is cut short')
    const v = CODE.get(c === ' ' ? '+' : c)
    if (v === undefined) throw new UnpackError(`the link holds a character "${c}" it cannot`)
    return v
  }
  read(n: number): number {
    let bits = 0
    for (let i = 0; i < n; i++) {
      if (this.val & this.mask) bits |= 1 << i
      this.mask >>= 1
      if (this.mask === 0) {
        this.mask = 32
        if (this.next < this.s.length) this.val = this.char()
        else {
          this.val = 0
          this.next++
        }
      }
    }
    return bits
  }
  get exhausted(): boolean {
    return this.next > this.s.length
  }
}

/**
 * The text compressed in `payload` (lz-string, URI-safe), or an {@link UnpackError} naming the
 * cap it would pass. Never allocates more than the caps allow.
 * @throws UnpackError for a payload over the size cap, an expansion over the expanded cap, or a
 *   damaged payload.
 * @example lzDecompressBounded(compressToEncodedURIComponent('{"v":1}')) // '{"v":1}'
 */
export function lzDecompressBounded(
  payload: string,
  maxChars: number = UnpackLimits.linkChars,
  maxExpanded: number = UnpackLimits.linkExpandedChars,
): string {
  if (payload.length > maxChars)
    throw new UnpackError(
      `the link's state is ${payload.length} characters long, above the cap of ${maxChars}`,
    )
  if (payload === '') throw new UnpackError('the link is empty')
  const r = new BitReader(payload)
  const dict: string[] = ['', '', '']
  const out: string[] = []
  let total = 0
  let bits = 3
  let enlargeIn = 4
  const grow = () => {
    if (--enlargeIn === 0) enlargeIn = 2 ** bits++
  }
  const first = r.read(2)
  if (first === 2) return ''
  if (first > 2) throw new UnpackError('the link is damaged')
  let w = String.fromCharCode(r.read(first === 0 ? 8 : 16))
  dict.push(w)
  out.push(w)
  total = 1
  for (;;) {
    if (r.exhausted) throw new UnpackError('the link is cut short')
    let c = r.read(bits)
    if (c === 2) return out.join('')
    if (c < 2) {
      dict.push(String.fromCharCode(r.read(c === 0 ? 8 : 16)))
      c = dict.length - 1
      grow()
    }
    let entry: string
    if (c < dict.length) entry = dict[c]!
    else if (c === dict.length) entry = w + w[0]!
    else throw new UnpackError('the link is damaged')
    total += entry.length
    if (total > maxExpanded)
      throw new UnpackError(
        `the link's state expands beyond the cap of ${maxExpanded} characters (stopped there)`,
      )
    out.push(entry)
    dict.push(w + entry[0]!)
    grow()
    w = entry
  }
}
