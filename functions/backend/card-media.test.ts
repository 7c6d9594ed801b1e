import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { png, wav } from '../../lib/ai/media'
import { MEDIA_MAX_BYTES } from '../../lib/content/limits'
import { sniffMedia } from '../../lib/content/media'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { must } from '../../test/must'

// A learner's own pictures and sounds: through the backend to the AI role's bucket, refused before storing.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({ backendEnv: { RATE_LIMIT_STANDARD: '100000/60' }, aiEnv: {} })
})
afterAll(() => p.close())

type Learner = ReturnType<PlatformHarness['browser']>
const learner = async () => {
  const b = p.browser()
  await b.register()
  const deck = (
    await b.call('POST', '/api/decks', {
      body: { name: 'Bilder', sourceLang: 'fr', targetLang: 'en' },
    })
  ).body
  const card = (await b.call('POST', `/api/decks/${deck.id}/cards`, { body: { front: 'le chat' } }))
    .body as { id: string }
  return Object.assign(b, { cardId: card.id })
}
const upload = async (b: Learner, cardId: string, bytes: Uint8Array, type = 'image/png') => {
  const res = await fetch(`${p.backend.url}/api/cards/${cardId}/media`, {
    method: 'POST',
    body: bytes as BodyInit,
    headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip, 'content-type': type },
  })
  return { status: res.status, body: await res.json() }
}
const stored = async () => {
  const s3 = new S3Client({
    endpoint: must(p.s3).S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  })
  const objects = await s3.send(new ListObjectsV2Command({ Bucket: 'ai-media' }))
  const [{ n }] = await p.db.owner.query<{ n: string }>('select count(*) as n from ai.media')
  return { objects: objects.KeyCount ?? 0, owners: Number(n) }
}
// Bytes that start like a type and fill up to `size`.
const padded = (head: Uint8Array, size: number) => {
  const out = new Uint8Array(size)
  out.set(head)
  return out
}
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])

describe('own media on a card', () => {
  it('recognises each accepted type by its first bytes', async () => {
    const riff = (tag: string) => new TextEncoder().encode(`RIFF\0\0\0\0${tag}`)
    const text = (s: string) => new TextEncoder().encode(s)
    const cases: [Uint8Array, string | undefined][] = [
      [await png(4, [0, 0, 0], [9, 9, 9]), 'image/png'],
      [JPEG, 'image/jpeg'],
      [riff('WEBPVP8 '), 'image/webp'],
      [wav(0.01, 440), 'audio/wav'],
      [text('ID3\u0004'), 'audio/mpeg'],
      [new Uint8Array([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
      [text('OggS\0\u0002'), 'audio/ogg'],
      [text('fLaC\0\0'), 'audio/flac'],
      [new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1]), 'audio/webm'],
      [text('\0\0\0\u0020ftypM4A '), 'audio/mp4'],
      [text('<svg xmlns="http://www.w3.org/2000/svg"/>'), undefined],
      [text('GIF89a'), undefined],
      [riff('AVI '), undefined],
      [text('%PDF-1.7'), undefined],
    ]
    expect(cases.map(([b]) => sniffMedia(b)?.type)).toEqual(cases.map(([, t]) => t))
  })

  it('stores an image and a sound into the card, serves them to their owner only, and keeps the change in history', async () => {
    const b = await learner()
    const image = await png(16, [200, 0, 0], [0, 0, 200])
    const up = await upload(b, b.cardId, image, 'application/octet-stream') // the header is not believed
    expect(up.status).toBe(201)
    expect(up.body.imageKey).toMatch(/^[0-9a-f]{64}\.png$/)
    const sound = await upload(b, b.cardId, wav(0.2, 440), 'image/png')
    expect(sound.body).toMatchObject({
      imageKey: up.body.imageKey,
      audioKey: expect.stringMatching(/\.wav$/),
    })
    const jpeg = await upload(b, b.cardId, padded(JPEG, 2000))
    expect(jpeg.body.imageKey).toMatch(/\.jpg$/)
    const served = await fetch(`${p.backend.url}/api/ai/media/${up.body.imageKey}`, {
      headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
    })
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(image)
    const other = await learner()
    expect((await other.call('GET', `/api/ai/media/${up.body.imageKey}`)).status).toBe(404)
    const history = (await b.call('GET', `/api/cards/${b.cardId}/history`)).body.items
    expect(history.map((h: { change: string }) => h.change)).toEqual(['upload', 'upload', 'upload'])
  })

  it('refuses other types, oversized files and other learners’ cards with clear errors, and stores nothing', async () => {
    const b = await learner()
    const other = await learner()
    const before = await stored()
    const pngHead = await png(2, [0, 0, 0], [1, 1, 1])
    const cases: [Uint8Array, string, number, string][] = [
      [
        new TextEncoder().encode('<svg onload="alert(1)"/>'),
        b.cardId,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [new Uint8Array(), b.cardId, 400, 'BAD_REQUEST'],
      [padded(pngHead, MEDIA_MAX_BYTES.image + 1), b.cardId, 413, 'PAYLOAD_TOO_LARGE'],
      [padded(wav(0.01, 440), MEDIA_MAX_BYTES.audio + 1), b.cardId, 413, 'PAYLOAD_TOO_LARGE'],
      [pngHead, other.cardId, 404, 'NOT_FOUND'],
    ]
    for (const [bytes, cardId, status, code] of cases) {
      const res = await upload(b, cardId, bytes)
      expect([status, code]).toEqual([res.status, res.body.error.code])
    }
    const big = await upload(b, b.cardId, padded(pngHead, MEDIA_MAX_BYTES.image + 1))
    expect(big.body.error).toMatchObject({
      message: 'An image may be at most 2 MB',
      details: { kind: 'image', max: MEDIA_MAX_BYTES.image },
    })
    expect(await stored()).toEqual(before)
    expect((await b.call('GET', `/api/cards/${b.cardId}`)).body).toMatchObject({
      imageKey: null,
      audioKey: null,
    })
    // A sound may be larger than an image may.
    const sound = await upload(b, b.cardId, padded(wav(0.01, 440), MEDIA_MAX_BYTES.image + 1))
    expect(sound.status).toBe(201)
  })
})
