import type { Mail } from '../mail'

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

function mail(to: string, subject: string, lines: string[]): Mail {
  const text = `${lines.join('\n\n')}\n\n— Lingudesk`
  const html = `<!doctype html><html><body style="font-family:sans-serif">${lines
    .map((l) => `<p>${esc(l)}</p>`)
    .join('')}<p>— Lingudesk</p></body></html>`
  return { to, subject, text, html }
}

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'

export const emails = {
  verify: (to: string, code: string) =>
    mail(to, `Your Lingudesk verification code: ${code}`, [
      `Welcome to Lingudesk! Your email verification code is ${code}.`,
      'It is valid for 24 hours.',
    ]),
  alreadyRegistered: (to: string, signInLink: string) =>
    mail(to, 'Someone tried to create a Lingudesk account with your address', [
      'Someone, perhaps you, tried to create a Lingudesk account with this address, which already has one. No new account was made.',
      `To get in, sign in (or use "Forgot password" there): ${signInLink}`,
      'If this was not you, you can ignore this email.',
    ]),
  loginCode: (to: string, code: string) =>
    mail(to, `Your Lingudesk sign-in code: ${code}`, [
      `Your sign-in code is ${code}. It is valid for 10 minutes and works once.`,
      'If you did not try to sign in, change your password.',
    ]),
  locked: (to: string, until: Date) =>
    mail(to, 'Your Lingudesk account is temporarily locked', [
      `After 5 wrong passwords your account is locked until ${when(until)}.`,
      'If this was not you, reset your password: a reset also lifts the lock.',
    ]),
  unlocked: (to: string) =>
    mail(to, 'Your Lingudesk account is unlocked', [
      'Your account is unlocked and you can sign in again.',
    ]),
  reset: (to: string, link: string) =>
    mail(to, 'Reset your Lingudesk password', [
      `Open this link within 30 minutes to choose a new password: ${link}`,
      'If you did not ask for this, ignore this email; your password stays as it is.',
    ]),
  passwordChanged: (to: string) =>
    mail(to, 'Your Lingudesk password was changed', [
      'Your password was changed and every session was signed out.',
      'If this was not you, reset your password now.',
    ]),
  accountDeleted: (to: string) =>
    mail(to, 'Your Lingudesk account was deleted', [
      'Your account, decks, cards, review history and media were deleted, as you asked.',
      'Payment records are kept for accounting without your name or email.',
    ]),
}
