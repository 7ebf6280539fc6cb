import nodemailer from 'nodemailer';
import { smtpFailureKind } from '../backoff.js';
import type { ChannelConfig } from '../channelSettings.js';
import { messageIdFor } from '../keys.js';
import { messageOf } from '../message.js';
import { html, plainText } from '../render.js';
import { describeError, type OutgoingAlert, type SendResult } from './types.js';

type EmailChannel = Extract<ChannelConfig, { type: 'email' }>;

/** The SMTP reply code at the start of a server's answer ("250 2.0.0 Ok: queued"). */
function replyCode(text: string | undefined): number | null {
  const m = /^(\d{3})\b/.exec(text ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Sends one alert as a multipart (plain text + HTML) message. Its Message-ID is derived from the
 * idempotency key, so a repeat of a delivery cut between send and mark carries the same id and a
 * mail system (or reader) can drop it. STARTTLS is used when the server offers it; smtpRequireTls
 * refuses to send without it.
 */
export async function sendEmail(channel: EmailChannel, alert: OutgoingAlert, env: NodeJS.ProcessEnv): Promise<SendResult> {
  const password = channel.smtpPasswordEnv ? env[channel.smtpPasswordEnv] : undefined;
  if (channel.smtpPasswordEnv && !password)
    return {
      ok: false,
      status: null,
      error: `environment variable ${channel.smtpPasswordEnv} (the SMTP password) is not set`,
      failure: 'refused',
    };
  const transport = nodemailer.createTransport({
    host: channel.smtpHost,
    port: channel.smtpPort,
    secure: channel.smtpSecure,
    requireTLS: channel.smtpRequireTls,
    auth: channel.smtpUser ? { user: channel.smtpUser, pass: password } : undefined,
    connectionTimeout: channel.timeoutMs,
    greetingTimeout: channel.timeoutMs,
    socketTimeout: channel.timeoutMs,
  });
  const message = messageOf(alert.payload);
  try {
    const info = await transport.sendMail({
      from: channel.from,
      to: channel.to,
      subject: message.subject,
      text: plainText(message),
      html: html(message),
      messageId: messageIdFor(alert.channel, alert.idempotencyKey),
      headers: { 'X-Citewatch-Idempotency-Key': alert.idempotencyKey },
    });
    return { ok: true, status: replyCode(info.response) };
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode ?? null;
    return { ok: false, status: code, error: describeError(err), failure: smtpFailureKind(code) };
  } finally {
    transport.close();
  }
}
