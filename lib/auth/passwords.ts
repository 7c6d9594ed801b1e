import bcrypt from 'bcryptjs'
import { z } from 'zod'
import { sha256, toBase64Url } from '../crypto'
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

export const hashPassword = async (pw: string, cost: number) => bcrypt.hash(await prehash(pw), cost)

export const verifyPassword = async (pw: string, hash: string) =>
  bcrypt.compare(await prehash(pw), hash)

const dummies = new Map<number, Promise<string>>()
/** Spends the same time as a real check, for unknown or locked accounts. */
export async function burnPasswordCheck(pw: string, cost: number) {
  await verifyPassword(pw, await cached(dummies, cost, () => bcrypt.hash('dummy', cost)))
}
