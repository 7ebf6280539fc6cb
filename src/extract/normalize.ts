/**
 * Text as compared: what a reader would call the same text is the same string. Digits are kept:
 * "$400,000" becoming "$200,000" in a sentence is the change an editor must see. Only numbers that
 * are page chrome (clock times, "Updated" dates, view counters, relative times) are dropped.
 */

/** Character-level: Unicode compatibility forms, typographic quotes and dashes, invisible characters. */
export function normalizeChars(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .trim();
}

const UNIT = '(?:sec(?:ond)?|min(?:ute)?|h(?:ou)?r|day|week|month|year)s?';
const RELATIVE = new RegExp(
  `\\b(?:(?:updated|posted|published|edited|last updated|modified)\\s*(?::\\s*)?)?(?:\\d+|an?|one|a few|several)\\s+${UNIT}\\s+ago\\b|\\b(?:just now|moments ago)\\b`,
  'gi',
);
const READ_TIME = /\b\d+\s*(?:-\s*)?min(?:ute)?s?\s+read\b/gi;
const COUNTER =
  /\b\d[\d,.]*(?:\s*[kKmM]\+?|\s*\+)?\s+(?:views?|reads|comments?|shares?|likes?|readers|reactions|people (?:are )?(?:reading|viewing)(?: this| now)?)\b|\b(?:views?|comments?|shares?)\s*[:(]\s*\d[\d,.]*[kKmM]?\)?/gi;
const TOKENS = [
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, // uuid
  /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{10,}\b/gi, // hex nonce
  /(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[a-z])(?=[A-Za-z0-9+/_-]*[A-Z])[A-Za-z0-9+/_-]{16,}={0,2}/g, // base64 token
  /\b(session(?:[ _-]?id)?|sid|token|nonce|csrf|request[ _-]?id|trace[ _-]?id|ray id|cache[ _-]?key)\s*(?:[:=#]\s*)?(?:(?=[\w-]*\d)[\w-]{6,}|[0-9a-f]{8,}\b)/gi,
];

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const WEEKDAY = '(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\\.?';
const DATES = new RegExp(
  [
    `\\b${WEEKDAY},?\\s`,
    `\\b${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s*(?:\\d{4})?`,
    `\\b\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH},?\\s*(?:\\d{4})?`,
    '\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?',
    '\\b\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4}\\b',
    '\\b\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s*[ap]\\.?m\\.?)?(?:\\s*(?:[ECMP][SD]?T|UTC|GMT|BST|CES?T)\\b)?',
    '\\b\\d{1,2}\\s*[ap]\\.?m\\.?(?=\\W|$)',
  ].join('|'),
  'gi',
);
/** Words that make a short line page chrome (a dateline, an "Updated" stamp), not a sentence. */
const CHROME_WORDS =
  /(?<![\p{L}])(?:updated|published|posted|modified|edited|last|by|on|at|et|gmt|utc|am|pm|a\.m|p\.m|read|min|filed|date|time|mis à jour|publié|par|le|aktualisiert|veröffentlicht|actualizado|publicado)(?![\p{L}])/iu;

/** Short lines that point elsewhere (rotating "Read more" links, ad labels) rather than say anything. */
const POINTER_LINE =
  /^(?:advertisement|sponsored( content)?|read more|related|see also|also read|recommended|more from|page \d+( of \d+)?$)\b/i;

/**
 * Longest run without whitespace that is compared. Longer ones are data (base64 blobs, minified
 * code, rules of dashes), not words; capping them keeps every pattern here linear in the paragraph,
 * whatever a hostile page repeats (a pattern that starts inside a run scans at most this far).
 */
const MAX_RUN = 256;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}`, 'g');

/** Drops the per-request parts of one paragraph; dates and times only when the paragraph is chrome. */
export function stripVolatile(paragraph: string): string {
  let text = paragraph
    .replace(LONG_RUN, (run) => run.slice(0, MAX_RUN))
    .replace(RELATIVE, ' ')
    .replace(READ_TIME, ' ')
    .replace(COUNTER, ' ');
  // The label stays ("Session"), only its value goes, whichever pattern caught the value.
  for (const token of TOKENS) text = text.replace(token, (_, label?: string) => (typeof label === 'string' ? ` ${label} ` : ' '));
  const words = text.split(/\s+/).filter(Boolean).length;
  if (words <= 15 && POINTER_LINE.test(text.trim())) return '';
  if (words <= 15) {
    const undated = text.replace(DATES, ' ');
    const left = undated
      .replace(/[^\p{L}\p{N}\s]/gu, ' ')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (left.length === 0 || (left.length <= 8 && CHROME_WORDS.test(text))) text = undated;
  }
  // Whitespace first collapsed, and the trailing run matched from its start only (the lookbehind):
  // either pattern would otherwise rescan a long run of blanks or dashes from each of its characters.
  return text
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:!?])/g, '$1')
    .replace(/^[\s|•·,;:-]+|(?<![\s|•·,;:-])[\s|•·,;:-]+$/g, '')
    .trim();
}

/** The comparable paragraphs of an extracted text: normalized, volatile parts dropped, empties gone. */
export function comparableParagraphs(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\n{2,}/)) {
    const paragraph = stripVolatile(normalizeChars(raw));
    if (/[\p{L}\p{N}]/u.test(paragraph)) out.push(paragraph);
  }
  return out;
}

/** The text as one comparable string; equal strings mean "no change at all". */
export function comparableText(text: string): string {
  return comparableParagraphs(text).join('\n\n');
}
