/**
 * Gives the event loop back, so other requests run between slices of a long computation on the one thread:
 * setImmediate where there is one (Node: it runs after pending I/O), else setTimeout (workerd, browsers).
 */
export const yieldToEventLoop = () =>
  new Promise<void>((ok) =>
    typeof setImmediate === 'function' ? setImmediate(ok) : setTimeout(ok, 0),
  )
