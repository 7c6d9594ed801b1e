/** Flag colours as in Anki: 0 is none, 1–7 a colour (content.cards.flag). */
export const FLAGS = [
  'none',
  'red',
  'orange',
  'green',
  'blue',
  'pink',
  'turquoise',
  'purple',
] as const

/** The flag after this one, round to none: what the study screen's f key sets. */
export const nextFlag = (flag: number) => (flag + 1) % FLAGS.length
