// Dropped from every text a package holds: NUL (PostgreSQL text cannot hold it) and the other C0 controls but tab,
// newline and \x1f (Anki's field separator), DEL, and the bidi overrides and isolates, which make a name read
// as another ("\u202egnp.exe" shows as "exe.png").
// eslint-disable-next-line no-control-regex -- matching them is the point
const UNSAFE = /[\0-\x08\x0b-\x1e\x7f\u202a-\u202e\u2066-\u2069]/g
export const cleanText = (s: string) => s.replace(UNSAFE, '')

/**
 * An Anki field's HTML as plain text: tags dropped (scripts and styles with their content), line breaks kept,
 * entities decoded. The result is text the SPA shows as text, never markup, so nothing in it can run.
 * Media references come out separately: `<img src>` images and `[sound:…]` sounds.
 */
export function fieldText(html: string) {
  const images: string[] = []
  const sounds: string[] = []
  const text = html
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(
      /<img\b[^>]*?\bsrc\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>/gi,
      (...m: string[]) => {
        images.push(decodeEntities(m[2] ?? m[3] ?? m[4]))
        return ''
      },
    )
    .replace(/\[sound:([^\]]+)\]/g, (_, name: string) => {
      sounds.push(decodeEntities(name))
      return ''
    })
    .replace(/<br\s*\/?>|<\/(div|p|li|tr|h\d)\s*>/gi, '\n')
    .replace(/<[^>]*>?/g, '')
  return {
    text: decodeEntities(text)
      .replace(/[ \t\u00a0]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    images,
    sounds,
  }
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
}
function decodeEntities(s: string) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] !== '#') return NAMED[e.toLowerCase()] ?? all
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : ''
  })
}
