// The browser's first load of the SPA: Debian's chromium on a cold cache over loopback, timed by the page
// itself (Performance APIs) and counted through the DevTools protocol (bytes on the wire per resource).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM } from '../test/chromium'

// Runs in the page before its own code: records when the sign-in form appears, and every LCP candidate,
// layout shift and long task from the start. Plain text, as tsx would wrap a function in helpers the page lacks.
const OBSERVE = `
  const seen = { signInMs: 0, lcpMs: 0, cls: 0, tbtMs: 0, fcpMs: 0 }
  window.__firstLoad = seen
  new MutationObserver((_, self) => {
    if (document.querySelector('main form input[type=email]')) {
      seen.signInMs = performance.now()
      self.disconnect()
    }
  }).observe(document, { childList: true, subtree: true })
  const watch = (type, fn) =>
    new PerformanceObserver((list) => list.getEntries().forEach(fn)).observe({ type, buffered: true })
  watch('largest-contentful-paint', (e) => (seen.lcpMs = e.startTime))
  watch('layout-shift', (e) => { if (!e.hadRecentInput) seen.cls += e.value })
  watch('paint', (e) => { if (e.name === 'first-contentful-paint') seen.fcpMs = e.startTime })
  // Total blocking time: what each long task holds the main thread beyond 50 ms.
  watch('longtask', (e) => (seen.tbtMs += Math.max(0, e.duration - 50)))
`

export type FirstLoad = {
  'sign-in form ms': number
  'FCP ms': number
  'LCP ms': number
  CLS: number
  'TBT ms': number
  /** Bytes on the wire (headers and encoded body) of the JS and CSS the first page loaded. */
  'JS+CSS bytes': number
  'all bytes': number
}

/** `runs` cold loads of `url` (a new browser profile each), the median of each figure. */
export async function firstLoad(url: string, runs = 5): Promise<FirstLoad> {
  const samples: FirstLoad[] = []
  for (let i = 0; i < runs; i++) {
    const profile = await mkdtemp(join(tmpdir(), 'lingudesk-bench-chromium-'))
    const browser = await chromium.launchPersistentContext(profile, {
      ...CHROMIUM,
    })
    try {
      const page = browser.pages()[0] ?? (await browser.newPage())
      const cdp = await browser.newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.clearBrowserCache')
      const types = new Map<string, string>()
      let code = 0
      let all = 0
      cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type))
      cdp.on('Network.loadingFinished', (e) => {
        all += e.encodedDataLength
        const type = types.get(e.requestId)
        if (type === 'Script' || type === 'Stylesheet') code += e.encodedDataLength
      })
      await page.addInitScript({ content: OBSERVE })
      await page.goto(url, { waitUntil: 'load' })
      await page.waitForSelector('main form input[type=email]')
      await page.waitForTimeout(500) // late layout shifts and long tasks, and LCP settles
      const seen = (await page.evaluate(
        () => (window as unknown as { __firstLoad: Record<string, number> }).__firstLoad,
      )) as Record<string, number>
      samples.push({
        'sign-in form ms': Math.round(seen.signInMs),
        'FCP ms': Math.round(seen.fcpMs),
        'LCP ms': Math.round(seen.lcpMs),
        CLS: Math.round(seen.cls * 1000) / 1000,
        'TBT ms': Math.round(seen.tbtMs),
        'JS+CSS bytes': code,
        'all bytes': all,
      })
    } finally {
      await browser.close()
      await rm(profile, { recursive: true, force: true })
    }
  }
  const median = (key: keyof FirstLoad) =>
    samples.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(samples.length / 2)]
  return Object.fromEntries(
    Object.keys(samples[0]).map((k) => [k, median(k as keyof FirstLoad)]),
  ) as FirstLoad
}
