/** The Redis-like store roles share (real Redis in production, an in-memory one locally). */
export interface Kv {
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>
  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown>
  ping(): Promise<void>
  close(): Promise<void>
}
