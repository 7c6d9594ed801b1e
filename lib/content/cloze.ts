// Cloze deletions as Anki writes them: {{c1::answer}} or {{c1::answer::hint}}. Every deletion with one number
// belongs to that number's card, so several deletions with one number are asked together.
const CLOZE = /\{\{c(\d+)::([\s\S]*?)(?:::([\s\S]*?))?\}\}/g
export const MAX_CLOZE = 999

export type ClozePart =
  { text: string } | { answer: string; hint: string | null; n: number; asked: boolean }

/** The text cut into plain parts and deletions; `asked` marks the deletions of card `n`. */
export function clozeParts(text: string, n: number): ClozePart[] {
  const parts: ClozePart[] = []
  let at = 0
  for (const m of text.matchAll(CLOZE)) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index) })
    const num = Number(m[1])
    parts.push({ answer: m[2], hint: m[3] ?? null, n: num, asked: num === n })
    at = m.index + m[0].length
  }
  if (at < text.length) parts.push({ text: text.slice(at) })
  return parts
}

/** The cloze numbers the text uses, ascending (one card each). */
export const clozeNumbers = (text: string) =>
  [...new Set([...text.matchAll(CLOZE)].map((m) => Number(m[1])))].sort((a, b) => a - b)

/** Card `n` as plain text: its deletions as [hint] or […] on the front, every deletion answered on the back. */
export function clozeFaces(text: string, n: number) {
  const parts = clozeParts(text, n)
  const show = (p: ClozePart, front: boolean) =>
    'text' in p ? p.text : front && p.asked ? `[${p.hint ?? '…'}]` : p.answer
  return {
    front: parts.map((p) => show(p, true)).join(''),
    back: parts.map((p) => show(p, false)).join(''),
  }
}
