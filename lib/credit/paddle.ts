import { z } from 'zod'

const enc = new TextEncoder()
const hex = (b: ArrayBuffer) =>
  Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')

function equal(a: string, b: string) {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Paddle-Signature `ts=…;h1=…[;h1=…]`: HMAC-SHA256 of `ts:rawBody` with a destination secret. Any listed
 * secret and any h1 may match (rotation); the timestamp must be within `toleranceS` of now.
 */
export async function verifyPaddleSignature(
  header: string | undefined,
  rawBody: string,
  secrets: string[],
  nowMs: number,
  toleranceS = 5,
) {
  if (!header || !secrets.length) return false
  const parts = header.split(';').map((p) => p.trim().split('='))
  const ts = parts.find(([k]) => k === 'ts')?.[1]
  const sigs = parts.filter(([k]) => k === 'h1').map(([, v]) => v)
  if (!ts || !/^\d{1,12}$/.test(ts) || !sigs.length) return false
  if (Math.abs(nowMs / 1000 - Number(ts)) > toleranceS) return false
  for (const secret of secrets) {
    const key = await crypto.subtle.importKey(
      'raw',
      enc.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    const expected = hex(await crypto.subtle.sign('HMAC', key, enc.encode(`${ts}:${rawBody}`)))
    if (sigs.some((s) => equal(s, expected))) return true
  }
  return false
}

const Item = z.object({
  price: z.object({ id: z.string() }),
  quantity: z.number().int().positive().default(1),
})
export const PaddleEvent = z.object({
  event_id: z.string().min(1).max(200),
  event_type: z.string().min(1).max(100),
  occurred_at: z.iso.datetime({ offset: true }),
  data: z
    .object({
      id: z.string(),
      status: z.string().optional(),
      items: z.array(Item).default([]),
      custom_data: z.object({ user_id: z.string() }).partial().nullish(),
    })
    .loose(),
})
export type PaddleEvent = z.infer<typeof PaddleEvent>
