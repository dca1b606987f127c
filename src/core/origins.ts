/**
 * Which origins a load touches, decided before anything is fetched. The rule: the user agrees to
 * the origins of the URLs they see — the model, data and schema URLs they type or a link names
 * (a link's URLs on another origin than the page wait for consent, listed by origin). A model's
 * own files (a tfjs model.json's weight shards) must then come from model.json's origin: a shard
 * listed on a third origin (an absolute URL, `//host/…`, or a relative path that resolves
 * elsewhere) is refused by name before a byte is requested, since nobody agreed to that origin.
 */

/** A URL the load would fetch, refused because of its origin; the message names both origins. */
export class OriginError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OriginError'
  }
}

/** The origin of `url` resolved against `base` (`null` for file:, data:, … and unparsable). */
export function urlOrigin(url: string, base: string): string | null {
  try {
    const u = new URL(url, base)
    return u.origin === 'null' ? null : u.origin
  } catch {
    return null
  }
}

/**
 * The absolute URL of a model's sibling file `path` (a weight shard) listed by the model at
 * `mainUrl`, the page being at `pageHref`.
 * @throws OriginError when `path` resolves to another origin than `mainUrl` (or does not parse).
 * @example siblingUrl('https://a.example/m/model.json', 'w.bin', 'https://app.example/')
 * // 'https://a.example/m/w.bin'
 */
export function siblingUrl(mainUrl: string, path: string, pageHref: string): string {
  let main: URL
  let sib: URL
  try {
    main = new URL(mainUrl, pageHref)
    sib = new URL(path, main)
  } catch {
    throw new OriginError(`${mainUrl} lists weight file "${path}", which is not a valid URL`)
  }
  if (sib.origin !== main.origin || sib.protocol !== main.protocol)
    throw new OriginError(
      `${mainUrl} lists weight file "${path}" on ${sib.origin === 'null' ? sib.protocol : sib.origin}, another origin than the model's own (${main.origin}): weight files must come from the model's origin, so nothing was fetched from a site you did not agree to`,
    )
  return sib.href
}

/**
 * The URLs among `urls` on another origin than the page's, grouped by origin (sorted), each
 * needing the user's consent. A URL that does not parse or has no origin (data:, file:) counts
 * as foreign under its own text.
 * @example originsForeign(['d.csv', 'https://x.example/m.json'], 'https://app.example/')
 * // [{ origin: 'https://x.example', urls: ['https://x.example/m.json'] }]
 */
export function originsForeign(
  urls: readonly string[],
  pageHref: string,
): { origin: string; urls: string[] }[] {
  const page = urlOrigin(pageHref, pageHref)
  const by = new Map<string, string[]>()
  for (const u of urls) {
    const o = urlOrigin(u, pageHref)
    if (o !== null && o === page) continue
    const key = o ?? u
    by.set(key, [...(by.get(key) ?? []), u])
  }
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([origin, list]) => ({ origin, urls: list }))
}
