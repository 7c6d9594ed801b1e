// fetch() reports no upload progress in browsers; XMLHttpRequest does. This sends like fetch and answers a
// Response, so the client's refresh and error handling treat an upload like any other request.

const NULL_BODY = new Set([204, 205, 304])

/** `fetch(url, init)` over XMLHttpRequest, calling `onProgress` with the fraction of the body sent so far. */
export function xhrFetch(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: XMLHttpRequestBodyInit },
  onProgress: (fraction: number) => void,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(init.method, url)
    xhr.responseType = 'blob'
    for (const [k, v] of Object.entries(init.headers)) xhr.setRequestHeader(k, v)
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onload = () => {
      const headers = new Headers()
      for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
        const at = line.indexOf(':')
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim())
      }
      const body = NULL_BODY.has(xhr.status) ? null : (xhr.response as Blob)
      resolve(new Response(body, { status: xhr.status, headers }))
    }
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new TypeError('the upload failed'))
    xhr.send(init.body ?? null)
  })
}
