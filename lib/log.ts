export type Level = 'debug' | 'info' | 'warn' | 'error'
export type Fields = Record<string, unknown>
export type Logger = Record<Level, (msg: string, fields?: Fields) => void>

const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** One JSON object per line on stdout; callers never pass secrets, tokens or passwords. */
export function createLogger(
  role: string,
  level: Level = 'info',
  write: (line: string) => void = (line) => console.log(line),
): Logger {
  const emit =
    (lvl: Level) =>
    (msg: string, fields: Fields = {}) => {
      if (RANK[lvl] < RANK[level]) return
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, role, msg, ...fields }))
    }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}
