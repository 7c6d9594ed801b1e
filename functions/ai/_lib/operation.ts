import type { Context } from 'hono'
import { Hono } from 'hono'
import { type CacheRow, findCached, logRequest, storeAnswer } from '../../../lib/ai/cache'
import { logHit } from '../../../lib/ai/hit-log'
import { afterResponse } from '../../../lib/after-response'
import { answerHeader } from '../../../lib/answer-header'
import { OPERATIONS, type OperationName, parseModelJson } from '../../../lib/ai/operations'
import { withRetry } from '../../../lib/ai/retry'
import { requestRefused } from '../../../lib/breaker'
import {
  costOf,
  type Kind,
  type ProviderRequest,
  type ProviderResult,
  statusOf,
} from '../../../lib/ai/types'
import {
  COST_HEADER,
  FREE_ONLY_HEADER,
  KEY_HEADER,
  RERUN_HEADER,
} from '../../../lib/middleware/credits'
import { sha256Hex } from '../../../lib/crypto'
import { ApiError } from '../../../lib/errors'
import { requireUser } from '../../../lib/middleware/auth'
import { validate } from '../../../lib/validate'
import type { AiEnv } from '../env'

const inflight = new Map<string, Promise<{ row: CacheRow; usage: object }>>() // single flight, per process

/** The plugin and model for this call: the backend's choice, its fallback, else offline. */
function choose<E extends AiEnv>(c: Context<E>, kind: Kind) {
  const wanted: [string | undefined, string | undefined][] = [
    [c.req.header('x-ai-provider'), c.req.header('x-ai-model')],
    (c.req.header('x-ai-fallback')?.split(':') ?? []) as [string, string],
  ]
  for (const [id, model] of wanted) {
    const entry = id ? c.var.plugins[id] : undefined
    if (entry?.plugin.configured && entry.plugin.kind === kind && entry.breaker.state() !== 'open')
      return {
        entry,
        model: model && entry.plugin.models[model] ? model : entry.plugin.defaultModel,
      }
  }
  const entry = c.var.plugins.offline
  return { entry, model: entry.plugin.defaultModel }
}

const mediaUrl = (key: string) => `/api/ai/media/${key}`
/** The answer's JSON text: the cached result goes in as the text it is stored as, never parsed again. */
const answer = (row: CacheRow, cached: boolean, cost: number) => {
  const rest = JSON.stringify({ cached, plugin: row.plugin, model: row.model, cost })
  const media = row.media_key && {
    key: row.media_key,
    contentType: row.content_type,
    url: mediaUrl(row.media_key),
  }
  const first = media ? `"media":${JSON.stringify(media)}` : `"result":${row.result ?? 'null'}`
  return `{${first},${rest.slice(1)}`
}

/**
 * One learner operation, cache first: an identical earlier answer is served without the provider (costing
 * the configured fraction, or in full on a paid call's rerun); identical calls in flight share one provider
 * call; answers are validated before they are returned or cached; every call is a row in ai.requests.
 */
export function operationRoute(path: string, name: OperationName) {
  const op = OPERATIONS[name]
  return new Hono<AiEnv>().post(path, requireUser(), validate('json', op.input), async (c) => {
    const { refresh, ...input } = c.req.valid('json') as { refresh: boolean } & Record<
      string,
      unknown
    >
    const { entry, model } = choose(c, op.kind)
    const { plugin } = entry
    // Each learner's own cache: a hit (cheaper, faster) must never tell anyone what another learner asked.
    const key = await sha256Hex(JSON.stringify([c.var.user.id, name, plugin.id, model, input]))
    const started = performance.now()
    const count = (cacheHit: boolean, cost: number, outcome: string) => {
      c.var.metrics?.count('ai_calls_total', {
        plugin: plugin.id,
        outcome,
        cache: cacheHit ? 'hit' : 'miss',
      })
      if (cost) c.var.metrics?.count('ai_cost_micro_euros_total', { plugin: plugin.id }, cost)
    }
    const log = (cacheHit: boolean, cost: number, outcome: string, usage: object = {}) => {
      count(cacheHit, cost, outcome)
      return logRequest(c.var.db, {
        userId: c.var.user.id,
        operation: name,
        plugin: plugin.id,
        model,
        cacheHit,
        usage,
        cost,
        outcome,
        latencyMs: Math.round(performance.now() - started),
        requestId: c.var.requestId,
      })
    }
    // A paid call whose earlier attempt under the same key ran uncharged: the answer it cached is not free.
    const rerun = c.req.header(RERUN_HEADER) === 'true'
    const send = (row: CacheRow, cached: boolean, cost: number) => {
      answerHeader(c, COST_HEADER, String(cost)) // on Node: no Headers object for a second header
      return c.body(answer(row, cached, cost), 200, { 'content-type': 'application/json' })
    }
    const respond = async (row: CacheRow, cached: boolean, usage?: object) => {
      const cost =
        cached && !rerun
          ? Math.round(Number(row.cost) * c.var.config.AI_CACHE_HIT_FRACTION)
          : Number(row.cost)
      await log(cached, cost, 'ok', usage)
      return send(row, cached, cost)
    }

    // Asked before any hold: only a free hit is answered; anything else is 204 and the backend goes on to pay.
    const freeOnly =
      c.req.header(FREE_ONLY_HEADER) === 'true'
        ? { paidKey: c.req.header(KEY_HEADER) ?? null }
        : undefined
    const hit = refresh
      ? null
      : await findCached(c.var.db, {
          key,
          fraction: c.var.config.AI_CACHE_HIT_FRACTION,
          rerun,
          freeOnly,
        })
    if (hit) {
      const cost = Number(hit.charged)
      count(true, cost, 'ok')
      const logged = {
        key,
        userId: c.var.user.id,
        operation: name,
        plugin: plugin.id,
        model,
        cost,
        latencyMs: Math.round(performance.now() - started),
        requestId: c.var.requestId,
        at: new Date(),
      }
      afterResponse(c, () => logHit(c.var.db, logged))
      return send(hit, true, cost)
    }
    if (freeOnly) return c.body(null, 204)
    const shared = inflight.get(key)
    if (shared) return respond((await shared).row, true)
    const produce = async () => {
      const req = {
        kind: op.kind,
        model,
        ...op.prompt(input as never),
        operation: name,
        input,
      } as ProviderRequest
      let out: ProviderResult
      try {
        out = await entry
          .gateFor(op.kind)
          .run(() => withRetry((signal) => plugin.run(req, { signal }), plugin.settings.timeoutMs))
        entry.breaker.success()
      } catch (err) {
        if (err instanceof ApiError) throw err // refused by the gate
        const status = statusOf(err)
        await log(false, 0, 'failed')
        // The provider refused what this request asked (a content policy): the learner's to change, not a failure.
        if (requestRefused(status))
          throw new ApiError(
            'BAD_REQUEST',
            'The AI provider refused this request; change it and try again',
            { provider: plugin.id, status },
            { cause: err },
          )
        entry.breaker.failure()
        throw new ApiError(
          'UPSTREAM_FAILED',
          status === 429
            ? 'The AI provider is busy; try again shortly'
            : 'The AI provider failed; try again',
          { provider: plugin.id, status },
          { cause: err },
        )
      }
      let result: unknown = null
      if (out.kind === 'text') {
        const parsed = op.output?.safeParse(parseModelJson(out.text))
        if (!parsed?.success) {
          await log(false, 0, 'malformed', out.usage)
          throw new ApiError('UPSTREAM_FAILED', 'The AI answer was not usable; try again', {
            provider: plugin.id,
          })
        }
        result = parsed.data
      }
      const cost = costOf(plugin.models[model] ?? {}, out.usage)
      const row = await storeAnswer(c.var.db, c.var.s3, {
        key,
        userId: c.var.user.id,
        operation: name,
        plugin: plugin.id,
        model,
        out,
        result,
        cost,
        paidKey: c.req.header(KEY_HEADER) ?? null,
      })
      return { row, usage: out.usage }
    }
    const flight = produce().finally(() => inflight.delete(key))
    inflight.set(key, flight)
    const { row, usage } = await flight
    return respond(row, false, usage)
  })
}
