/**
 * The longest card texts the database takes (content.cards CHECKs, migration 0005). CONTENT_MAX_*_CHARS may
 * lower them, never raise them: config caps at these, and lib/db/checks.test.ts compares them with the database.
 */
export const CARD_TEXT_MAX = { front: 2000, back: 4000, notes: 8000 } as const
