export type Mail = { to: string; subject: string; text: string; html: string }
export interface Mailer {
  send(mail: Mail): Promise<void>
}

/** Mail through an HTTP API in Resend's request format (fetch only): the mailer where SMTP cannot run. */
export function httpMailer(o: { url: string; key: string; from: string }): Mailer {
  return {
    async send(mail) {
      const res = await fetch(o.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          from: o.from,
          to: [mail.to],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        }),
      })
      if (!res.ok) throw new Error(`mail API answered ${res.status}`) // never the body: it may echo the mail
    },
  }
}
