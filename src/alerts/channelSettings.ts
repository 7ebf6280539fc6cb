import { z } from 'zod';

/** Which alerts a channel takes; every condition given must hold. */
const filters = z
  .object({
    minImportance: z.number().int().min(0).optional().describe('only events at least this important'),
    states: z
      .array(z.enum(['changed', 'vanished']))
      .optional()
      .describe('only these source states'),
    reasons: z.array(z.string().min(1)).optional().describe('only these reasons (404, soft-404, story-replaced, ...)'),
    tags: z.array(z.string().min(1)).optional().describe('only events carrying one of these tags'),
    claimTouchingOnly: z.boolean().optional().describe('only changes that touch what the event claims'),
  })
  .strict();

const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes')
    .describe('how alerts, `citewatch alerts` and logs name the channel'),
  filters: filters.default({}),
  delivery: z
    .enum(['immediate', 'daily', 'weekly'])
    .default('immediate')
    .describe("immediate: one alert per flag; daily or weekly: held for the channel's digest"),
  sendEmptyDigest: z.boolean().default(false).describe('send a digest even when nothing happened since the last one'),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('longest a single delivery may take (connect, send, answer) before it counts as failed and is retried'),
  retryBaseMs: z
    .number()
    .int()
    .min(1)
    .default(30_000)
    .describe('wait before the first retry; each further retry waits twice as long, up to `retryMaxMs`'),
  retryMaxMs: z
    .number()
    .int()
    .min(1)
    .default(6 * 3_600_000)
    .describe(
      'longest wait between two attempts; a receiver that refuses (4xx, SMTP 5xx) is retried at this pace. Alerts are never dropped',
    ),
};

const webhook = z
  .object({
    ...common,
    type: z.literal('webhook'),
    url: z.string().url('must be an http(s) URL').describe('where alerts are POSTed'),
    secretEnv: z
      .string()
      .min(1)
      .optional()
      .describe(
        'the environment variable holding the secret that signs each body (HMAC-SHA256 in X-Citewatch-Signature); the secret is never written in the file',
      ),
    format: z
      .enum(['citewatch', 'slack'])
      .default('citewatch')
      .describe("the payload: citewatch's versioned JSON, or a Slack-compatible message"),
  })
  .strict();

const email = z
  .object({
    ...common,
    type: z.literal('email'),
    smtpHost: z.string().min(1).describe('the SMTP server'),
    smtpPort: z.number().int().min(1).max(65535).default(587).describe('its port'),
    smtpSecure: z.boolean().default(false).describe('true: TLS from the first byte (port 465); false: STARTTLS when the server offers it'),
    smtpRequireTls: z.boolean().default(false).describe('refuse to send when the server does not offer STARTTLS'),
    smtpUser: z.string().min(1).optional().describe('the SMTP user name, when the server wants one'),
    smtpPasswordEnv: z.string().min(1).optional().describe('the environment variable holding the SMTP password'),
    from: z.string().min(3).describe('the From address'),
    to: z.array(z.string().min(3)).min(1).describe('the recipients'),
  })
  .strict();

const atom = z
  .object({
    ...common,
    type: z.literal('atom'),
    file: z.string().min(1).optional().describe('the feed file, relative to the home; `citewatch serve` serves it at /feed/<name>.atom'),
    maxEntries: z.number().int().min(1).default(200).describe('entries kept in the feed'),
  })
  .strict();

export const channelSchema = z.discriminatedUnion('type', [webhook, email, atom]);
export type ChannelConfig = z.output<typeof channelSchema>;

export const channelsSchema = z
  .array(channelSchema)
  .default([])
  .refine((list) => new Set(list.map((c) => c.name)).size === list.length, 'channel names must be unique')
  .describe('where alerts go: webhook, email (SMTP) and atom channels, each with filters and immediate or digest delivery');
