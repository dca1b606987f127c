/**
 * Shapley players of tree explanations: groups of the ensemble's inputs. Given as schema offsets
 * (player p = inputs [offsets[p], offsets[p + 1]), like `schemaOffsets`: a one-hot block is one
 * player) or as an explicit input → player map (what ONNX `columns` mode needs, where a tree's
 * inputs are the preprocessed vector traced back to the model's columns).
 */

/** How inputs form players; see the module comment. */
export type TreePlayers =
  { readonly offsets: Int32Array } | { readonly inputPlayer: Int32Array; readonly nPlayers: number }

/** The input → player map of `players` over `nInputs` inputs (default: one player per input). */
export type PlayerMap = { readonly inputPlayer: Int32Array; readonly nPlayers: number }

/**
 * Checks `players` against the input width and returns the input → player map.
 * @throws RangeError when offsets do not start at 0, decrease, or do not end at `nInputs`, or when
 *   the map's length is not `nInputs` or a player id is outside [0, nPlayers).
 * @example treePlayerMap({ offsets: Int32Array.of(0, 1, 4) }, 4).inputPlayer // → [0, 1, 1, 1]
 */
export function treePlayerMap(players: TreePlayers | undefined, nInputs: number): PlayerMap {
  if (players === undefined)
    return { inputPlayer: Int32Array.from({ length: nInputs }, (_, i) => i), nPlayers: nInputs }
  if ('offsets' in players) {
    const o = players.offsets
    const nPlayers = o.length - 1
    if (nPlayers < 1 || o[0] !== 0 || o[nPlayers] !== nInputs)
      throw new RangeError(
        `player offsets must run from 0 to the ${nInputs} inputs (got ${o[0]} … ${o[nPlayers]})`,
      )
    const inputPlayer = new Int32Array(nInputs)
    for (let p = 0; p < nPlayers; p++) {
      if (o[p + 1]! < o[p]!) throw new RangeError(`player offsets decrease at player ${p}`)
      inputPlayer.fill(p, o[p]!, o[p + 1]!)
    }
    return { inputPlayer, nPlayers }
  }
  const { inputPlayer, nPlayers } = players
  if (inputPlayer.length !== nInputs)
    throw new RangeError(`the player map has ${inputPlayer.length} entries for ${nInputs} inputs`)
  for (let i = 0; i < nInputs; i++)
    if (!(inputPlayer[i]! >= 0 && inputPlayer[i]! < nPlayers))
      throw new RangeError(`input ${i} maps to player ${inputPlayer[i]}, not one of ${nPlayers}`)
  return { inputPlayer, nPlayers }
}
