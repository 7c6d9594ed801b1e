/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string) {
  const a = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(blob),
    download: name,
  })
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
}
