/**
 * A protobuf wire-format reader: just enough to decode ONNX's ModelProto without a dependency
 * (https://protobuf.dev/programming-guides/encoding/). Strict: an unknown wire type, a group
 * tag, a varint longer than 10 bytes or a field running past the end is an error, so a file
 * that is not a protobuf message is refused instead of half-read.
 *
 * Numbers: int64/uint64 varints are returned as JavaScript numbers, exact up to 2^53 (node
 * ids, dimensions and categories in ONNX files stay far below); negative int64 (ten-byte
 * two's-complement varints, e.g. a Reshape shape −1) decode to the negative number.
 */

/** The bytes are not a well-formed protobuf message. */
export class ProtobufError extends Error {
  override name = 'ProtobufError'
  /** True when the bytes end inside a field (the file was cut short), not malformed. */
  readonly truncated: boolean

  constructor(message: string, truncated = false) {
    super(message)
    this.truncated = truncated
  }
}

/** Wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
export const WireType = { Varint: 0, I64: 1, Len: 2, SGroup: 3, EGroup: 4, I32: 5 } as const
/** One of the wire type numbers above. */
export type WireType = (typeof WireType)[keyof typeof WireType]

const utf8 = new TextDecoder('utf-8')

/** Reads fields from a byte range, front to back. Sub-messages are new readers over a subarray (no copy). */
export class ProtoReader {
  private pos: number
  private readonly view: DataView

  /** Reads `bytes[start, end)`; defaults to the whole array. */
  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** True when every byte of the range has been read. */
  done(): boolean {
    return this.pos >= this.end
  }

  /** Byte offset of the next read (for messages). */
  offset(): number {
    return this.pos
  }

  private need(n: number): void {
    if (this.pos + n > this.end)
      throw new ProtobufError(
        `the bytes end early (truncated): ${n} bytes needed at byte ${this.pos}, the message ends at byte ${this.end}`,
        true,
      )
  }

  /**
   * Next field tag: its number and wire type.
   * @throws ProtobufError for field number 0, a group or an unknown wire type.
   */
  tag(): { field: number; wire: WireType } {
    const at = this.pos
    const t = this.varint()
    const wire = t % 8
    const field = Math.floor(t / 8)
    if (field === 0) throw new ProtobufError(`invalid field number 0 at byte ${at}`)
    if (wire === WireType.SGroup || wire === WireType.EGroup)
      throw new ProtobufError(
        `group wire type ${wire} (field ${field}) at byte ${at}: not used by ONNX`,
      )
    if (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5)
      throw new ProtobufError(`invalid wire type ${wire} (field ${field}) at byte ${at}`)
    return { field, wire }
  }

  /** The low and high 32 bits of a varint of up to 64 bits. */
  private varint64(): [lo: number, hi: number] {
    let lo = 0
    let hi = 0
    for (let i = 0; i < 10; i++) {
      this.need(1)
      const b = this.bytes[this.pos++]!
      if (i < 4) lo |= (b & 0x7f) << (7 * i)
      else if (i === 4) {
        lo |= (b & 0x0f) << 28
        hi |= (b & 0x7f) >> 4
      } else hi |= (b & 0x7f) << (7 * (i - 5) + 3)
      if (b < 0x80) return [lo, hi]
    }
    throw new ProtobufError(`varint longer than 10 bytes at byte ${this.pos - 10}`)
  }

  /** An unsigned varint up to 64 bits as a number (exact below 2^53). */
  varint(): number {
    const [lo, hi] = this.varint64()
    return (hi >>> 0) * 4_294_967_296 + (lo >>> 0)
  }

  /** A varint read as a signed int64 (two's complement), exact within ±2^53. */
  int64(): number {
    const [lo, hi] = this.varint64()
    return (hi | 0) * 4_294_967_296 + (lo >>> 0)
  }

  /** A varint read as int32 (enums, data types): the low 32 bits, signed. */
  int32(): number {
    return this.varint64()[0] | 0
  }

  /** A little-endian float32 (wire type I32). */
  float(): number {
    this.need(4)
    const v = this.view.getFloat32(this.pos, true)
    this.pos += 4
    return v
  }

  /** A little-endian float64 (wire type I64). */
  double(): number {
    this.need(8)
    const v = this.view.getFloat64(this.pos, true)
    this.pos += 8
    return v
  }

  /** A length-delimited field's bytes, as a view into the input (no copy). */
  bytesField(): Uint8Array {
    const n = this.varint()
    this.need(n)
    const out = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** A length-delimited field decoded as UTF-8. */
  string(): string {
    return utf8.decode(this.bytesField())
  }

  /** A reader over a length-delimited sub-message. */
  message(): ProtoReader {
    const n = this.varint()
    this.need(n)
    const r = new ProtoReader(this.bytes, this.pos, this.pos + n)
    this.pos += n
    return r
  }

  /** Skips a field of the given wire type. */
  skip(wire: WireType): void {
    if (wire === WireType.Varint) this.varint()
    else if (wire === WireType.Len) this.bytesField()
    else {
      const n = wire === WireType.I64 ? 8 : 4
      this.need(n)
      this.pos += n
    }
  }

  /**
   * Values of a repeated scalar field, packed (one Len field) or not (one value per tag):
   * `read` reads one value from a reader positioned on it.
   */
  repeated(
    wire: WireType,
    scalarWire: WireType,
    read: (r: ProtoReader) => number,
    out: number[],
  ): void {
    if (wire === WireType.Len) {
      const r = this.message()
      while (!r.done()) out.push(read(r))
    } else if (wire === scalarWire) out.push(read(this))
    else
      throw new ProtobufError(
        `wire type ${wire} where ${scalarWire} or a packed field was expected`,
      )
  }
}

/**
 * Calls `onField` for every field of the message in `r` until its end. `onField` reads the
 * field's value (or returns false to have it skipped).
 * @throws ProtobufError on malformed bytes.
 */
export function protoFields(
  r: ProtoReader,
  onField: (field: number, wire: WireType) => boolean,
): void {
  while (!r.done()) {
    const { field, wire } = r.tag()
    if (!onField(field, wire)) r.skip(wire)
  }
}

/** Checks that a field came with the wire type its schema declares. */
export function protoExpect(field: number, wire: WireType, expected: WireType, what: string): void {
  if (wire !== expected)
    throw new ProtobufError(`${what} (field ${field}) has wire type ${wire}, expected ${expected}`)
}
