// ISO 639-1 codes we teach; a language outside this list is refused with 400. No imports: the SPA's language
// picker reads the same list.
export const LANGS = ['ar', 'bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'he', 'hi', 'hr', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'nl', 'no', 'pl', 'pt', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'uk', 'vi', 'zh'] as const
export type Lang = (typeof LANGS)[number]
/** The languages keyless speech reads aloud (SVOX Pico's voices, lib/node/pico.ts); others get a placeholder tone. */
export const OFFLINE_SPEECH_LANGS = ['en', 'de', 'es', 'fr', 'it'] as const satisfies readonly Lang[]
