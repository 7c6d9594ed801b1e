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

/**
 * FSRS optimisation per learner (issue 19): weights are fitted once a learner has this many reviews, and
 * "optimise now" runs at most once per cooldown (a fit reads every review the learner has). The backend refits
 * each learner automatically at FSRS_FIT_MIN_REVIEWS, then after FSRS_REFIT_EVERY_MS or FSRS_REFIT_MORE_REVIEWS
 * more reviews; a learner it claims is not claimed again for FSRS_REFIT_LEASE_MS (so a failing fit waits).
 */
export const FSRS_FIT_MIN_REVIEWS = 1000
export const FSRS_FIT_COOLDOWN_MS = 60 * 60 * 1000
export const FSRS_REFIT_EVERY_MS = 30 * 86_400_000
export const FSRS_REFIT_MORE_REVIEWS = 4000
export const FSRS_REFIT_LEASE_MS = 86_400_000

/**
 * Anki packages (issue 19). The upload itself is held to ANKI_IMPORT_MAX_BYTES (config); these hold what it
 * may unpack to, checked from the zip's directory and each zstd file's headers before anything is inflated:
 * a zip or zstd bomb is refused unread. ANKI_UNPACKED_MAX_BYTES counts both layers (each zip entry as inflated,
 * or what its zstd unpacks to) and keeps the largest file the backend holds well inside its 512 MB.
 */
export const ANKI_IMPORT_PATH = /^\/api\/imports\/anki$/
export const ANKI_ZIP_MAX_ENTRIES = 20_000
export const ANKI_UNPACKED_MAX_BYTES = 256 * 1024 * 1024
/** Deflate reaches about 1:1000 on zeros; a real collection or media file stays far below this ratio. */
export const ANKI_ZIP_MAX_RATIO = 100
/** A deck's longest name (content.decks CHECK, migration 0001): an imported Anki deck's name is cut to it. */
export const DECK_NAME_MAX = 200
/**
 * An Anki review is imported only if it happened between Anki's first year and now (plus a day of clock skew):
 * a revlog id (its time in ms) outside them is corrupt, and would make a card due at no date or in the future.
 */
export const ANKI_REVIEWS_FROM = Date.UTC(2006, 0, 1)
export const ANKI_REVIEWS_SKEW_MS = 86_400_000
/** An import gives the event loop back every this many notes it reads or writes (each few ms of CPU). */
export const IMPORT_YIELD_EVERY = 50
/** A running import writes a heartbeat this often; one silent for three beats died with its process. */
export const IMPORT_HEARTBEAT_MS = 10_000
/** An import stores this many media files at once, and writes its progress at most this often. */
export const IMPORT_MEDIA_CONCURRENCY = 8
export const IMPORT_PROGRESS_MS = 1000

/**
 * The desired-retention helper (issue 19): a deck's workload forecast at each retention the options page can
 * set from 0.80 to 0.95 (its input's step is 0.01), over FORECAST_DAYS, from at most FORECAST_MAX_CARDS of the
 * deck's cards (a uniform sample of a larger deck, scaled back): about half a second of CPU at the cap. A deck
 * of fewer than FORECAST_MIN_CARDS runs as that many copies, averaged (a few cards' luck hides the trend). Grades
 * come as often as the learner gave them in their last FORECAST_GRADE_REVIEWS reviews, once those hold
 * FORECAST_GRADES_MIN first grades and as many recalls (before, as Anki's simulator assumes).
 */
export const FORECAST_RETENTIONS = Array.from({ length: 16 }, (_, i) => (80 + i) / 100)
export const FORECAST_DAYS = 365
export const FORECAST_MAX_CARDS = 10_000
export const FORECAST_MIN_CARDS = 2_000
export const FORECAST_GRADE_REVIEWS = 10_000
export const FORECAST_GRADES_MIN = 100
