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

/**
 * The fetch options for a URL a shared link named: redirects are not followed, because the
 * address a redirect leads to may be on an origin the user did not agree to (a consented origin
 * could otherwise send the page anywhere). A URL the user typed follows redirects as a browser does.
 */
export const LINKED_FETCH: RequestInit = { redirect: 'manual' }

/**
 * The refusal for a linked URL's response that is a redirect (a browser's `opaqueredirect` under
 * `redirect: 'manual'`, or a 3xx status in Node), or null when `res` is not one.
 * @example redirectRefusal('https://a.example/m.json', { type: 'opaqueredirect', status: 0 })
 *   // "https://a.example/m.json answers with a redirect, which …"
 */
export function redirectRefusal(
  url: string,
  res: { readonly type: string; readonly status: number },
): string | null {
  if (res.type !== 'opaqueredirect' && !(res.status >= 300 && res.status < 400)) return null
  return `${url} answers with a redirect, which a shared link does not follow (the address it leads to is on a site nobody agreed to load from): share the final address instead`
}
