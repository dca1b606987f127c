/** Yields to the event loop, so that a message (a cancel) waiting there can arrive. */
export const yieldToEvents = (): Promise<void> => new Promise((r) => setTimeout(r, 0))
