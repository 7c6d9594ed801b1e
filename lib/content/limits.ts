/**
 * The longest card texts the database takes (content.cards CHECKs, migration 0005). CONTENT_MAX_*_CHARS may
 * lower them, never raise them: config caps at these, and lib/db/checks.test.ts compares them with the database.
 */
export const CARD_TEXT_MAX = { front: 2000, back: 4000, notes: 8000 } as const

/** The largest own media a learner may upload into a card, by kind (bytes). */
export const MEDIA_MAX_BYTES = { image: 2 * 1024 * 1024, audio: 5 * 1024 * 1024 } as const
/**
 * Requests that carry such an upload (the card's media route on the edge and the backend, the store on the AI
 * role): the roles' body limit (BODY_LIMIT_BYTES) lets them through up to the largest kind; the route then
 * holds each kind to its own limit.
 */
export const UPLOAD_PATHS = /^\/(api\/cards\/[^/]+\/media|ai\/media)$/
export const UPLOAD_MAX_BYTES = Math.max(...Object.values(MEDIA_MAX_BYTES))
