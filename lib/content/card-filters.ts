/** What a deck's card list can show alone (`?is=`): suspended, buried today, leeches, flagged cards. */
export const CARD_FILTERS = ['suspended', 'buried', 'leech', 'flagged'] as const
export type CardFilter = (typeof CARD_FILTERS)[number]
