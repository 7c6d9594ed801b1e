import { z } from 'zod'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export const UserId = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{10}$/, 'must be a user id: 10 capital letters and digits')

/** 10 Crockford base32 characters = 50 random bits from the CSPRNG: an identifier, never a secret. */
export function newUserId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  return Array.from(bytes, (b) => CROCKFORD[b & 31]).join('')
}
