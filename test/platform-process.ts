import { platformHarness } from './platform-harness'

// The platform harness in a process of its own, for tests whose own globals are a browser's (happy-dom
// replaces fetch, Request and Response, which the roles' HTTP servers need). Options come as JSON in argv;
// prints one JSON line with the backend's URL when ready, and closes everything on SIGTERM.
const p = await platformHarness(JSON.parse(process.argv[2] ?? '{}'))
process.stdout.write(`${JSON.stringify({ backend: p.backend.url })}\n`)
// Every captured mail's recipients and subject as a line too, so a test can read a sign-up code.
let told = 0
setInterval(() => {
  for (; told < p.smtp.mails.length; told++)
    process.stdout.write(
      `${JSON.stringify({ mail: { to: p.smtp.mails[told].to, subject: p.smtp.mails[told].subject } })}\n`,
    )
}, 20).unref()
process.on('SIGTERM', () => void p.close().finally(() => process.exit(0)))
