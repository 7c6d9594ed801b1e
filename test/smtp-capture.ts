import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export type CapturedMail = { to: string[]; subject: string; body: string }

// Enough MIME decoding to read a code out of a message: quoted-printable soft breaks and escapes.
const decodeQuotedPrintable = (s: string) =>
  s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))

/** A real SMTP server on loopback that keeps what it receives, for tests. */
export async function startSmtpCapture() {
  const mails: CapturedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let raw = ''
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')))
      stream.on('end', () => {
        const body = decodeQuotedPrintable(raw)
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: body.match(/^Subject: (.*)$/m)?.[1] ?? '',
          body,
        })
        done()
      })
    },
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /** The newest mail to `to` whose subject matches, waiting up to 5 s for one. */
    async latest(to: string, subject: RegExp) {
      for (let i = 0; i < 100; i++) {
        const found = [...mails].reverse().find((m) => m.to.includes(to) && subject.test(m.subject))
        if (found) return found
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error(`no mail to ${to} matching ${subject}`)
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}
export type SmtpCapture = Awaited<ReturnType<typeof startSmtpCapture>>
