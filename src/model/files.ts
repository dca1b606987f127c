/**
 * A model's files as found by the page: picked or dropped files, or a URL (the main file fetched
 * and its siblings fetched relative to it). Node reads them from disk (src/cli/load.ts). Each
 * gives the same {@link ModelFiles} to the runtime registry, so the rules exist once.
 */
import { LINKED_FETCH, redirectRefusal, siblingUrl } from '../core/origins.ts'
import { ModelError } from './errors.ts'
import type { ModelFiles } from './runtime.ts'

/** The last path segment (`a/b/c.bin` → `c.bin`). */
export const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p

/**
 * Picked or dropped files: `main` is the chosen main file; its siblings are the other files,
 * looked up by basename whatever directory the manifest names.
 */
export async function modelFilesPicked(main: File, files: readonly File[]): Promise<ModelFiles> {
  const byName = new Map<string, File>()
  for (const f of files) if (f !== main) byName.set(f.name, f)
  return {
    name: main.name,
    main: new Uint8Array(await main.arrayBuffer()),
    sibling: async (path) => (await byName.get(baseName(path))?.arrayBuffer()) ?? null,
  }
}

/**
 * A model at `url` (browser worker and Node 20 both have fetch). Siblings are fetched relative to
 * it, and only from its origin (src/core/origins.ts); every failure names the URL and the HTTP
 * status. `linked` (a shared link named the URL): a redirect is refused, not followed.
 */
export async function modelFilesFetched(
  url: string,
  fetchFn: typeof fetch = fetch,
  linked = false,
): Promise<ModelFiles> {
  const get = async (u: string): Promise<Response> => {
    let res: Response
    try {
      res = linked ? await fetchFn(u, LINKED_FETCH) : await fetchFn(u)
    } catch (e) {
      throw new ModelError(`${u}: could not be fetched (${(e as Error).message})`)
    }
    const refused = linked ? redirectRefusal(u, res) : null
    if (refused) throw new ModelError(refused)
    if (!res.ok) throw new ModelError(`${u}: HTTP ${res.status} ${res.statusText}`.trim())
    return res
  }
  const main = new Uint8Array(await (await get(url)).arrayBuffer())
  const page = globalThis.location?.href ?? 'file:///'
  const sibling = (path: string): string => {
    // A shard on another origin than model.json is refused before it is requested (consent).
    try {
      return siblingUrl(url, path, page)
    } catch (e) {
      throw new ModelError((e as Error).message)
    }
  }
  return {
    name: url,
    main,
    sibling: async (path) => (await get(sibling(path))).arrayBuffer(),
  }
}

/** UTF-8 text of a file (a byte-order mark is dropped). */
export const fileText = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
