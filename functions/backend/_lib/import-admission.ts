import { ApiError } from '../../../lib/errors'
import { createGate, type Gate } from '../../../lib/gate'

// An import holds its package, collection and plan in memory (up to a few hundred MB): one per learner, and
// ANKI_IMPORT_CONCURRENCY per process, none queued. Per process, so a learner may run one on each instance.
const learners = new Map<string, string | null>() // learner → their running job (null: a dry run)
const gates = new Map<number, Gate>()

/** Called by an import that answered 202: its slot is held until `work` (the job) ends. */
export type HoldFor = (jobId: string, work: Promise<unknown>) => void

/**
 * Runs `answer` (an import request) if the learner runs no other import and the process has a free slot:
 * else 409 IMPORT_IN_PROGRESS naming the learner's running job, or 503 with Retry-After. The slot and the
 * learner stay taken until the answer is given, or until the job it started ends.
 */
export async function admitImport(
  userId: string,
  concurrency: number,
  answer: (holdFor: HoldFor) => Promise<Response>,
): Promise<Response> {
  const running = learners.get(userId)
  if (running !== undefined)
    throw new ApiError(
      'IMPORT_IN_PROGRESS',
      'You are already importing a package; wait for it to end',
      {
        jobId: running,
        retryAfter: 5,
      },
    )
  let gate = gates.get(concurrency)
  if (!gate)
    gates.set(
      concurrency,
      (gate = createGate({
        concurrency,
        queue: 0,
        busy: 'Anki imports are busy; try again shortly',
      })),
    )
  let answered!: (r: Response) => void
  const reply = new Promise<Response>((ok) => (answered = ok))
  let job: Promise<unknown> | undefined
  learners.set(userId, null)
  const ran = gate
    .run(async () => {
      answered(
        await answer((jobId, work) => {
          learners.set(userId, jobId)
          job = work
        }),
      )
      await job
    })
    .finally(() => learners.delete(userId))
  return Promise.race([reply, ran.then(() => reply)])
}
