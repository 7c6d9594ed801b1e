// The typed answer compared with the expected one, character by character (graphemes, so a Hangul syllable or
// an emoji is one), as Anki shows it: what was typed right, typed wrong, and left out. The learner still grades.

export type DiffPart = { kind: 'ok' | 'wrong' | 'missing'; text: string }
export type TypedDiff = { correct: boolean; parts: DiffPart[] }

const graphemes = (s: string) =>
  Array.from(
    new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s),
    (g) => g.segment,
  )

// Case never counts; nor do full-width and half-width forms (NFKC: what input methods give). Accents
// (Latin, Greek, Cyrillic combining marks) count unless ignored; Japanese voicing marks are letters, not accents.
const ACCENTS = /[\u0300-\u036f]/g
function fold(g: string, ignoreAccents: boolean) {
  const k = g.normalize('NFKC')
  return (
    ignoreAccents ? k.normalize('NFD').replace(ACCENTS, '').normalize('NFC') : k
  ).toLowerCase()
}

// Longest common subsequence over graphemes; answers past this many cells compare position by position.
const MAX_CELLS = 1_000_000

/** How `typed` differs from `expected`, tolerant of case and surrounding spaces, and optionally of accents. */
export function typedDiff(typed: string, expected: string, ignoreAccents = false): TypedDiff {
  const a = graphemes(typed.normalize('NFC').trim())
  const b = graphemes(expected.normalize('NFC').trim())
  const fa = a.map((g) => fold(g, ignoreAccents))
  const fb = b.map((g) => fold(g, ignoreAccents))
  const parts: DiffPart[] = []
  const push = (kind: DiffPart['kind'], text: string) => {
    const last = parts.at(-1)
    if (last?.kind === kind) last.text += text
    else parts.push({ kind, text })
  }
  if (a.length * b.length > MAX_CELLS) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i < a.length && i < b.length) push(fa[i] === fb[i] ? 'ok' : 'wrong', a[i])
      else if (i < a.length) push('wrong', a[i])
      else push('missing', b[i])
    }
  } else {
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
    const w = b.length + 1
    const lcs = new Uint32Array((a.length + 1) * w)
    for (let i = a.length - 1; i >= 0; i--)
      for (let j = b.length - 1; j >= 0; j--)
        lcs[i * w + j] =
          fa[i] === fb[j]
            ? lcs[(i + 1) * w + j + 1] + 1
            : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1])
    let i = 0
    let j = 0
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && fa[i] === fb[j]) {
        push('ok', a[i++])
        j++
      } else if (j < b.length && (i === a.length || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j]))
        push('missing', b[j++])
      else push('wrong', a[i++])
    }
  }
  return { correct: parts.every((p) => p.kind === 'ok'), parts }
}
