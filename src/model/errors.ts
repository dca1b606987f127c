/** A model the user must fix or replace; the message names the file and the problem. */
export class ModelError extends Error {
  override name = 'ModelError'
}
