import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PlatformHarness, platformHarness } from '../../test/platform-harness'
import { ankiPackage, smallModel } from '../../test/anki-package'
import type { Job } from '../../lib/content/import-jobs'
import { must } from '../../test/must'

// An import job failing after its 202, with real parts failing: the AI role (the bucket's way in) gone, or
// PostgreSQL refusing a row mid-commit. The backend runs as its own process, which must outlive the job.
let p: PlatformHarness
beforeAll(async () => {
  p = await platformHarness({
    backendEnv: { RATE_LIMIT_STANDARD: '100000/60' },
    aiEnv: {},
    processes: true,
  })
  // The refusal: a review row of a listed learner fails as a full disk would, after notes and cards went in.
  await p.db.owner.query(`
    create table public.test_refuse_reviews (user_id text primary key);
    create function public.test_refuse_review() returns trigger language plpgsql security definer as $$
    begin
      if exists (select 1 from public.test_refuse_reviews where user_id = new.user_id) then
        raise exception 'could not extend file: No space left on device';
      end if;
      return new;
    end $$;
    create trigger test_refuse_review before insert on content.reviews
      for each row execute function public.test_refuse_review();`)
}, 120_000)
afterAll(() => p.close())

const learner = async () => {
  const b = p.browser()
  await b.register()
  return { b, uid: (await b.call('GET', '/api/whoami')).body.id as string }
}
type Learner = Awaited<ReturnType<typeof learner>>
const importPackage = async ({ b }: Learner): Promise<Job> => {
  const res = await fetch(`${p.backend.url}/api/imports/anki`, {
    method: 'POST',
    body: (await ankiPackage(smallModel())) as BodyInit,
    headers: { authorization: `Bearer ${b.token}`, 'x-forwarded-for': b.ip },
  })
  expect(res.status).toBe(202)
  const { job } = (await res.json()) as { job: Job }
  for (;;) {
    const { body } = await b.call('GET', `/api/imports/${job.id}`)
    if (body.job.state !== 'running') return body.job
    await new Promise((r) => setTimeout(r, 100))
  }
}
/** What the learner has: decks, notes, cards, reviews and stored media, counted as the owner. */
const holdings = async ({ uid }: Learner) => {
  const [row] = await p.db.owner.query<Record<string, number>>(
    `select (select count(*)::int from content.decks where user_id = $1) decks,
            (select count(*)::int from content.notes where user_id = $1) notes,
            (select count(*)::int from content.cards where user_id = $1) cards,
            (select count(*)::int from content.reviews where user_id = $1) reviews,
            (select count(*)::int from ai.media where user_id = $1) media`,
    [uid],
  )
  return row
}
const nothing = { decks: 0, notes: 0, cards: 0, reviews: 0, media: 0 }
const alive = async () => expect((await fetch(`${p.backend.url}/healthz`)).status).toBe(200)

describe('an Anki import job failing after its 202', () => {
  it('fails visibly in the commit, rolls it back, deletes its media, and the backend goes on', async () => {
    const l = await learner()
    await p.db.owner.query('insert into public.test_refuse_reviews values ($1)', [l.uid])
    const job = await importPackage(l)
    expect(job).toMatchObject({
      state: 'failed',
      step: null,
      error: {
        code: 'INTERNAL',
        message:
          'The import failed while writing its decks, cards and reviews; nothing was imported. Try again.',
      },
    })
    expect(job.finishedAt).not.toBeNull()
    expect(await holdings(l)).toEqual(nothing)
    const [row] = await p.db.owner.query<{ media_keys: string[] }>(
      'select media_keys from content.import_jobs where id = $1',
      [job.id],
    )
    expect(row.media_keys).toEqual([])
    await alive()
    await p.db.owner.query('delete from public.test_refuse_reviews where user_id = $1', [l.uid])
    expect((await importPackage(l)).state).toBe('done')
    expect(await holdings(l)).toEqual({ decks: 2, notes: 4, cards: 6, reviews: 4, media: 2 })
  })

  it('fails visibly when the bucket cannot be reached while storing media, and the backend goes on', async () => {
    const l = await learner()
    await must(p.processes.ai).kill()
    try {
      const job = await importPackage(l)
      expect(job).toMatchObject({ state: 'failed', step: null, error: { code: 'UNAVAILABLE' } })
      expect(job.error?.message).toMatch(
        /^The import failed while storing its media; nothing was imported\. \S/,
      )
      expect(await holdings(l)).toEqual(nothing)
      await alive()
    } finally {
      await p.restart('ai')
    }
    expect((await importPackage(l)).state).toBe('done')
  })
})
