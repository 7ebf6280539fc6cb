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
  /** immediate: one alert per flag; daily/weekly: held for the channel's digest. */
  delivery: z.enum(['immediate', 'daily', 'weekly']).default('immediate'),
  /** Send a digest even when nothing happened since the last one. */
  sendEmptyDigest: z.boolean().default(false),
};

const webhook = z
  .object({
    ...common,
    type: z.literal('webhook'),
    url: z.string().url('must be an http(s) URL'),
    /** Signs each body with HMAC-SHA256 in X-Citewatch-Signature; read from the environment variable named here, never written in the file. */
    secretEnv: z.string().min(1).optional(),
    format: z.enum(['citewatch', 'slack']).default('citewatch'),
  })
  .strict();

const email = z
  .object({
    ...common,
    type: z.literal('email'),
    smtpHost: z.string().min(1),
    smtpPort: z.number().int().min(1).max(65535).default(587),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    smtpSecure: z.boolean().default(false),
    smtpRequireTls: z.boolean().default(false),
    smtpUser: z.string().min(1).optional(),
    /** The SMTP password, read from the environment variable named here. */
    smtpPasswordEnv: z.string().min(1).optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
  })
  .strict();

const atom = z
  .object({
    ...common,
    type: z.literal('atom'),
    /** Relative to the home; `citewatch serve` serves it at /feed/<name>.atom. */
    file: z.string().min(1).optional(),
    maxEntries: z.number().int().min(1).default(200),
  })
  .strict();

export const channelSchema = z.discriminatedUnion('type', [webhook, email, atom]);
export type ChannelConfig = z.output<typeof channelSchema>;

export const channelsSchema = z
  .array(channelSchema)
  .default([])
  .refine((list) => new Set(list.map((c) => c.name)).size === list.length, 'channel names must be unique')
  .describe('where alerts go: webhook, email (SMTP) and atom channels, each with filters and immediate or digest delivery');
