import { readFileSync } from 'node:fs'

const TICK_MS = 10 // USER_HZ = 100 on Linux

/**
 * The CPU time (user + system, ms) a process has used so far, from /proc: work per request measured this way
 * does not change with the machine's other load, unlike latency.
 */
export function cpuMs(pid: number | undefined) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS // utime, stime
}
