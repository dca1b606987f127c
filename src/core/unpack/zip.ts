/**
 * Bounded reading of a session bundle (a zip): the central directory is read first, so the entry
 * count and the declared sizes are checked before a byte is inflated; then only the entries the
 * bundle's manifest names are inflated, each fed to the inflater in small chunks with a running
 * count that stops at its declared size and at the bundle's cap (a header that lies stops there).
 */
import { Inflate } from 'fflate'
import { UnpackError, UnpackLimits, bytesText } from './limits.ts'

/** One central-directory entry. */
export type ZipEntry = {
  readonly name: string
  /** 0 = stored, 8 = deflate (the only two read). */
  readonly method: number
  readonly compressedSize: number
  /** The uncompressed size the directory declares (inflation stops beyond it). */
  readonly size: number
  readonly localOffset: number
  readonly encrypted: boolean
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8)
const u32 = (b: Uint8Array, o: number) => (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0
const need = (b: Uint8Array, end: number) => {
  if (end > b.length) throw new UnpackError('not a readable zip (a header runs past the end)')
}

/**
 * The entries of the zip in `bytes` by name, read from its central directory; nothing is
 * inflated.
 * @throws UnpackError for a file over the size cap, no end-of-directory record, ZIP64, more
 *   entries than the cap, or declared sizes adding up to more than the expanded cap.
 */
export function zipIndex(bytes: Uint8Array): Map<string, ZipEntry> {
  const L = UnpackLimits
  if (bytes.length > L.bundleBytes)
    throw new UnpackError(
      `${bytesText(bytes.length)} is above the cap of ${bytesText(L.bundleBytes)} for a bundle`,
    )
  let eocd = -1
  for (let o = bytes.length - 22; o >= Math.max(0, bytes.length - 22 - 65_535); o--)
    if (u32(bytes, o) === 0x06054b50) {
      eocd = o
      break
    }
  if (eocd < 0) throw new UnpackError('not a readable zip (no end of central directory)')
  const count = u16(bytes, eocd + 10)
  const cdOffset = u32(bytes, eocd + 16)
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw new UnpackError('ZIP64 archives are not supported')
  if (count > L.bundleEntries)
    throw new UnpackError(`${count} entries is above the cap of ${L.bundleEntries} entries`)
  const entries = new Map<string, ZipEntry>()
  const names = new TextDecoder()
  let declared = 0
  let o = cdOffset
  for (let i = 0; i < count; i++) {
    need(bytes, o + 46)
    if (u32(bytes, o) !== 0x02014b50)
      throw new UnpackError('not a readable zip (bad central directory)')
    const nameLen = u16(bytes, o + 28)
    need(bytes, o + 46 + nameLen)
    const e: ZipEntry = {
      name: names.decode(bytes.subarray(o + 46, o + 46 + nameLen)),
      method: u16(bytes, o + 10),
      compressedSize: u32(bytes, o + 20),
      size: u32(bytes, o + 24),
      localOffset: u32(bytes, o + 42),
      encrypted: (u16(bytes, o + 8) & 1) === 1,
    }
    if (e.size === 0xffffffff || e.compressedSize === 0xffffffff)
      throw new UnpackError(`${e.name}: ZIP64 entries are not supported`)
    if (e.size > L.ratioFrom && e.size > L.maxRatio * e.compressedSize)
      throw new UnpackError(
        `${e.name} declares ${bytesText(e.size)} from ${bytesText(e.compressedSize)}, more than the cap of ${L.maxRatio}× expansion (a zip bomb?)`,
      )
    declared += e.size
    if (declared > L.bundleExpandedBytes)
      throw new UnpackError(
        `its entries declare more than the cap of ${bytesText(L.bundleExpandedBytes)} expanded`,
      )
    entries.set(e.name, e)
    o += 46 + nameLen + u16(bytes, o + 30) + u16(bytes, o + 32)
  }
  return entries
}

/**
 * The bytes of `e`, inflated in chunks of {@link UnpackLimits.inflateChunk} with a running count:
 * inflation stops as soon as the output passes `e.size` (the declared size) or `budget`.
 * @throws UnpackError for an encrypted entry, an unknown method, or output over a cap.
 */
export function zipEntryRead(bytes: Uint8Array, e: ZipEntry, budget: number): Uint8Array {
  if (e.encrypted) throw new UnpackError(`${e.name} is encrypted`)
  if (e.size > budget)
    throw new UnpackError(`${e.name} declares ${bytesText(e.size)}, above the cap`)
  const h = e.localOffset
  need(bytes, h + 30)
  if (u32(bytes, h) !== 0x04034b50) throw new UnpackError(`${e.name}: bad local header`)
  const start = h + 30 + u16(bytes, h + 26) + u16(bytes, h + 28)
  need(bytes, start + e.compressedSize)
  const data = bytes.subarray(start, start + e.compressedSize)
  if (e.method === 0) {
    if (data.length !== e.size) throw new UnpackError(`${e.name}: stored size mismatch`)
    return data.slice()
  }
  if (e.method !== 8) throw new UnpackError(`${e.name}: compression method ${e.method} unsupported`)
  const out = new Uint8Array(e.size)
  let n = 0
  let over = false
  const inf = new Inflate((chunk) => {
    if (over) return
    if (n + chunk.length > e.size) {
      over = true
      return
    }
    out.set(chunk, n)
    n += chunk.length
  })
  const step = UnpackLimits.inflateChunk
  for (let i = 0; i < data.length && !over; i += step) {
    const end = Math.min(data.length, i + step)
    try {
      inf.push(data.subarray(i, end), end === data.length)
    } catch (err) {
      throw new UnpackError(`${e.name}: damaged deflate data (${(err as Error).message})`)
    }
  }
  if (over)
    throw new UnpackError(
      `${e.name} inflates beyond its declared ${bytesText(e.size)} (stopped there: a zip bomb or a damaged file)`,
    )
  if (n !== e.size) throw new UnpackError(`${e.name}: ${n} bytes, but ${e.size} declared`)
  return out
}

/** What a bundle holds: its manifest's text and the entries the manifest names (by name). */
export type BundleUnpacked = { manifest: string; entries: Map<string, Uint8Array> }

/**
 * The entry names the manifest refers to (model, shards, data, schema, the challenger's files);
 * non-strings skipped.
 */
function manifestNames(m: unknown): string[] {
  const o = (v: unknown) =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {}
  const list = (v: unknown) => (Array.isArray(v) ? (v as unknown[]) : [])
  const model = o(o(m).model)
  return [
    model.json,
    ...list(model.shards),
    o(m).data,
    o(o(m).schema).file,
    ...list(o(o(m).challenger).files),
  ].filter((n): n is string => typeof n === 'string')
}

/**
 * Reads a session bundle within the caps of {@link UnpackLimits}: the index, then manifest.json,
 * then only the entries it names. Entries the manifest names but the zip lacks are left out (the
 * caller names them); entries the manifest does not name are never inflated.
 * @throws UnpackError naming the cap or the damage.
 */
export function bundleUnpack(bytes: Uint8Array): BundleUnpacked {
  const index = zipIndex(bytes)
  const mf = index.get('manifest.json')
  if (!mf) throw new UnpackError('manifest.json is missing')
  const manifest = new TextDecoder().decode(zipEntryRead(bytes, mf, UnpackLimits.manifestBytes))
  let parsed: unknown
  try {
    parsed = JSON.parse(manifest)
  } catch {
    throw new UnpackError('manifest.json is not valid JSON')
  }
  let budget = UnpackLimits.bundleExpandedBytes - mf.size
  const entries = new Map<string, Uint8Array>()
  for (const name of new Set(manifestNames(parsed))) {
    const e = index.get(name)
    if (!e) continue
    const b = zipEntryRead(bytes, e, budget)
    budget -= b.length
    entries.set(name, b)
  }
  return { manifest, entries }
}
