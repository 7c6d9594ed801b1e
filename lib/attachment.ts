/**
 * A Content-Disposition saving the download as `name` (RFC 6266): the name percent-encoded in `filename*`,
 * and an ASCII stand-in in `filename` for clients that read only that. Characters no file system takes
 * (Anki's `::` deck separator among them) become `_`.
 */
export function attachment(name: string) {
  const file = name.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').trim() || 'download'
  const ascii = file.replace(/[^\x20-\x7e]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file)}`
}
