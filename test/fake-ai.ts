import { Hono } from 'hono'
import { png, wav } from '../lib/ai/media'
import { serveOnLoopback } from './loopback'

export type Mode = 'ok' | 'busy-once' | 'fail' | 'slow' | 'malformed' | 'bad-key' | 'refused'

// One JSON answer that fits every text operation (zod drops the fields an operation does not use).
const ANSWER = JSON.stringify({
  translation: 'the house',
  alternatives: ['the home'],
  examples: [{ sentence: 'Das Haus ist groß.', translation: 'The house is big.' }],
  explanation: '“Haus” is a neuter noun: das Haus, die Häuser.',
  notes: ['plural with umlaut'],
})

/**
 * OpenAI (chat completions, images, audio/speech) and Anthropic (messages) on loopback, in their real wire
 * formats, for the real SDKs. `mode` scripts failures; `calls` counts requests per path; `holdMs` delays.
 */
export async function startFakeAi() {
  const state = {
    mode: 'ok' as Mode,
    holdMs: 0,
    calls: {} as Record<string, number>,
    busyServed: 0,
  }
  const app = new Hono()
  app.use(async (c, next) => {
    state.calls[c.req.path] = (state.calls[c.req.path] ?? 0) + 1
    if (state.holdMs || state.mode === 'slow')
      await new Promise((r) => setTimeout(r, state.mode === 'slow' ? 5000 : state.holdMs))
    if (state.mode === 'fail')
      return c.json({ error: { message: 'internal error', type: 'server_error' } }, 500)
    if (state.mode === 'bad-key')
      return c.json(
        { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
        401,
      )
    if (state.mode === 'refused')
      // what OpenAI answers a prompt its content policy refuses
      return c.json(
        {
          error: {
            message: 'Your request was rejected as a result of our safety system.',
            type: 'invalid_request_error',
            code: 'content_policy_violation',
          },
        },
        400,
      )
    if (state.mode === 'busy-once' && state.busyServed++ === 0)
      return c.json({ error: { message: 'rate limited', type: 'rate_limit' } }, 429)
    await next()
  })
  const text = () =>
    state.mode === 'malformed' ? 'Sure! Here is your translation: the house' : ANSWER
  app.post('/v1/chat/completions', async (c) => {
    const body = await c.req.json()
    return c.json({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: body.model,
      choices: [
        { index: 0, message: { role: 'assistant', content: text() }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
    })
  })
  app.post('/v1/messages', async (c) => {
    const body = await c.req.json()
    return c.json({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: body.model,
      stop_reason: 'end_turn',
      stop_sequence: null,
      content: [{ type: 'text', text: text() }],
      usage: { input_tokens: 1000, output_tokens: 250 },
    })
  })
  app.post('/v1/images/generations', async (c) => {
    const bytes = await png(16, [10, 120, 200], [250, 250, 250])
    return c.json({ created: 1, data: [{ b64_json: Buffer.from(bytes).toString('base64') }] })
  })
  app.post(
    '/v1/audio/speech',
    () => new Response(wav(0.2, 330), { headers: { 'content-type': 'audio/wav' } }),
  )

  const server = await serveOnLoopback(app.fetch)
  const base = server.url
  return {
    state,
    openAiUrl: `${base}/v1`,
    anthropicUrl: base,
    reset: () => Object.assign(state, { mode: 'ok', holdMs: 0, calls: {}, busyServed: 0 }),
    close: server.close,
  }
}
export type FakeAi = Awaited<ReturnType<typeof startFakeAi>>
