import bcrypt from 'bcryptjs'
import { z } from 'zod'
import { sha256, toBase64Url } from '../crypto'
import { createGate } from '../gate'
import COMMON from './common-passwords.json'
import { cached } from '../cached'

// The 10,000 most common passwords, from @zxcvbn-ts/language-common 4.1.3 (MIT), in frequency order.
let common: Set<string> | undefined
const isCommon = (pw: string) => (common ??= new Set(COMMON)).has(pw.toLowerCase())

/** 8–128 characters, no composition rules, not among the most common passwords. */
export const Password = z
  .string()
  .refine((pw) => [...pw].length >= 8, 'must be at least 8 characters')
  .refine((pw) => [...pw].length <= 128, 'must be at most 128 characters')
  .refine((pw) => !isCommon(pw), 'is one of the most common passwords; choose another')

// bcrypt reads only 72 bytes: hash a SHA-256 digest of the whole password instead (44 base64 chars,
// never a NUL), so passwords that differ after byte 72 stay different.
const prehash = async (pw: string) => toBase64Url(await sha256(pw.normalize('NFC')))

/**
 * bcrypt is CPU work on the role's one thread, so checks in flight only share it: one runs (more would only
 * make each slower), the next wait their turn for at most 1 s, and the rest are refused (503 + Retry-After)
 * instead of queueing past the caller's 10 s timeout. Otherwise a burst of sign-ins (one client's, within its
 * limit) stalls auth for everyone and trips the gateway's breaker. Per instance: more throughput is more
 * instances (at cost 12, about 4 checks a second each).
 */
export const passwordWork = createGate({
  concurrency: 1,
  queue: 1000,
  maxWaitMs: 1000,
  busy: 'Too many sign-ins right now; try again in a moment',
})

export const hashPassword = (pw: string, cost: number) =>
  passwordWork.run(async () => bcrypt.hash(await prehash(pw), cost))

/** Inside passwordWork (the one password check runs them). */

export const verifyPassword = async (pw: string, hash: string) =>
  bcrypt.compare(await prehash(pw), hash)

const dummies = new Map<number, Promise<string>>()
/** Spends the same time as a real check, for unknown or locked accounts. */
export async function burnPasswordCheck(pw: string, cost: number) {
  await verifyPassword(pw, await cached(dummies, cost, () => bcrypt.hash('dummy', cost)))
}
