import { createHmac, randomBytes } from 'node:crypto'

// Paddle's side of a webhook, computed here with node:crypto, independently of the code under test.

/** The Paddle-Signature header of `raw` under a destination secret. */
export const paddleSignature = (raw: string, secret: string, ts = Math.floor(Date.now() / 1000)) =>
  `ts=${ts};h1=${createHmac('sha256', secret).update(`${ts}:${raw}`).digest('hex')}`

/** A Paddle notification for a user (custom_data.user_id), as raw JSON. */
export const paddleEvent = (
  type: string,
  userId: string,
  data: Record<string, unknown>,
  occurredAt = new Date().toISOString(),
) =>
  JSON.stringify({
    event_id: `evt_${randomBytes(8).toString('hex')}`,
    event_type: type,
    occurred_at: occurredAt,
    data: { custom_data: { user_id: userId }, ...data },
  })

/** Sends a notification to the backend's public webhook route, as Paddle does. */
export const sendPaddle = (backendUrl: string, raw: string, signature?: string) =>
  fetch(`${backendUrl}/api/webhooks/paddle`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `203.0.113.${Math.floor(Math.random() * 250)}`,
      ...(signature ? { 'paddle-signature': signature } : {}),
    },
    body: raw,
  })
