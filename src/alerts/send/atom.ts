import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Feed } from 'feed';
import type { ChannelConfig } from '../channelSettings.js';
import { messageOf } from '../message.js';
import type { AlertPayload } from '../payload.js';
import { html } from '../render.js';
import type { OutgoingAlert } from './types.js';

type AtomChannel = Extract<ChannelConfig, { type: 'atom' }>;

/** Where a channel's feed lives: its configured file (relative to the home), or feeds/<name>.atom. */
export function feedPath(home: string, channel: AtomChannel): string {
  return path.resolve(home, channel.file ?? path.join('feeds', `${channel.name}.atom`));
}

/** The entry's permanent id: the idempotency key, so a feed reader never shows an alert twice. */
export function entryId(channel: string, key: string): string {
  return `urn:citewatch:${channel}:${key}`;
}

function entryLink(payload: AlertPayload): string {
  if (payload.kind === 'flag') return payload.event.link ?? payload.sources[0]?.url ?? 'urn:citewatch';
  return 'urn:citewatch';
}

/** The feed document for a channel's latest alerts (newest first). Pure. */
export function renderFeed(channel: AtomChannel, entries: OutgoingAlert[], publicBaseUrl: string | undefined): string {
  const self = publicBaseUrl ? `${publicBaseUrl.replace(/\/+$/, '')}/feed/${channel.name}.atom` : undefined;
  const feed = new Feed({
    id: self ?? `urn:citewatch:feed:${channel.name}`,
    title: `citewatch: ${channel.name}`,
    description: 'Cited sources that changed or vanished',
    updated: entries[0]?.createdAt ?? new Date(0),
    generator: 'citewatch',
    feedLinks: self ? { atom: self } : undefined,
    copyright: '',
  });
  for (const alert of entries) {
    const message = messageOf(alert.payload);
    feed.addItem({
      title: message.subject,
      id: entryId(alert.channel, alert.idempotencyKey),
      link: entryLink(alert.payload),
      date: alert.createdAt,
      content: html(message),
    });
  }
  return feed.atom1();
}

/** Replaces the feed file whole: written beside it, then renamed, so a reader never sees half a feed. */
export function writeFeedFile(file: string, xml: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, xml);
  renameSync(temp, file);
}
