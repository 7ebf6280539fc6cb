import { createHmac } from 'node:crypto';
import type { ChannelConfig } from '../channelSettings.js';
import { httpFailureKind } from '../backoff.js';
import { messageOf } from '../message.js';
import { citewatchBody, slackBody } from '../render.js';
import { describeError, type OutgoingAlert, type SendResult } from './types.js';

type WebhookChannel = Extract<ChannelConfig, { type: 'webhook' }>;

/** The signature header's value: HMAC-SHA256 of the exact body bytes, hex, GitHub-style prefix. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs one alert. 2xx is delivered; anything else, a timeout or a network error is a failed
 * attempt the notify job retries. Redirects are not followed: a moved endpoint is a configuration
 * matter, and the signature must not travel to another host.
 */
export async function sendWebhook(
  channel: WebhookChannel,
  alert: OutgoingAlert,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<SendResult> {
  const body = JSON.stringify(
    channel.format === 'slack' ? slackBody(messageOf(alert.payload)) : citewatchBody(alert.payload, alert.channel, alert.idempotencyKey),
  );
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'citewatch-alerts/1',
    'idempotency-key': alert.idempotencyKey,
  };
  if (channel.secretEnv) {
    const secret = env[channel.secretEnv];
    if (!secret)
      return {
        ok: false,
        status: null,
        error: `environment variable ${channel.secretEnv} (the webhook secret) is not set`,
        failure: 'refused',
      };
    headers['x-citewatch-signature'] = signBody(body, secret);
  }
  try {
    const response = await fetch(channel.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(channel.timeoutMs)]),
    });
    const text = await response.text();
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const detail = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return {
      ok: false,
      status: response.status,
      error: `HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
      failure: httpFailureKind(response.status),
    };
  } catch (err) {
    return { ok: false, status: null, error: describeError(err), failure: 'transient' };
  }
}
