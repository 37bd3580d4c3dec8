// Reads mails from the suite's inbox (the launcher's JSON view of its SMTP server).
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits for the newest mail to `to` whose links carry `#<kind>_token=`; returns { subject, link, token }. */
export async function awaitMailToken(inbox, to, kind, { timeoutMs = 60_000, after = 0 } = {}) {
  const key = `${kind}_token=`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${inbox}/api/messages?to=${encodeURIComponent(to)}`);
    if (res.ok) {
      const messages = await res.json();
      for (const message of messages) {
        if (Date.parse(message.receivedAt) < after) continue;
        const link = (message.links || []).find((l) => l.includes(`#${key}`));
        if (link) {
          const token = link.slice(link.indexOf(`#${key}`) + key.length + 1).split('&')[0];
          return { subject: message.subject, link, token, message };
        }
      }
    }
    await sleep(250);
  }
  throw new Error(`no ${kind} mail to ${to} within ${timeoutMs / 1000}s`);
}

/** Waits for a mail to `to` with the given subject (a notice, which has no link); returns the inbox message. */
export async function awaitMail(inbox, to, subject, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await mailsTo(inbox, to)).find((m) => m.subject === subject);
    if (found) return found;
    await sleep(250);
  }
  throw new Error(`no mail "${subject}" to ${to} within ${timeoutMs / 1000}s`);
}

export async function mailsTo(inbox, to) {
  const res = await fetch(`${inbox}/api/messages?to=${encodeURIComponent(to)}`);
  return res.ok ? res.json() : [];
}
