/** The value a test expects to be there, or a failure naming what is missing. */
export function must<T>(value: T | null | undefined, what = 'an expected value'): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`)
  return value
}
