/**
 * sha256 of bytes as lowercase hex, via WebCrypto (browsers, workers and Node ≥ 20 all have
 * `crypto.subtle`). Used for the identity of model weights and data files in cards and reports.
 */
export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
