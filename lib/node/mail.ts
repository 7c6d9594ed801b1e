import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import nodemailer from 'nodemailer'
import type { Logger } from '../log'
import type { Mailer } from '../mail'

/** SMTP for smtp:// and smtps:// URLs; file:// writes each mail to that folder (the local default). */
export function createMailer(url: string, from: string, log: Logger): Mailer {
  if (url.startsWith('file:')) {
    const dir = fileURLToPath(url)
    return {
      async send(mail) {
        await mkdir(dir, { recursive: true })
        const file = join(
          dir,
          `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomUUID()}.eml`,
        )
        await writeFile(
          file,
          `From: ${from}\nTo: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`,
        ) // text part only
        log.info('mail written', { to: mail.to, file }) // never the subject: it may carry a code
      },
    }
  }
  const transport = nodemailer.createTransport(url)
  return { send: async (mail) => void (await transport.sendMail({ from, ...mail })) }
}
