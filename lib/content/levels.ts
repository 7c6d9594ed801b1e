/** The CEFR levels (A1 beginner … C2 mastery): AI examples are written for one, and cards keep it. */
export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const
export type CefrLevel = (typeof CEFR_LEVELS)[number]
