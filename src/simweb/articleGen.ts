/**
 * Generated news prose: varied, realistic-looking articles (people, organisations, sums, dates,
 * quotes) from word lists and a seed, plus the small edits the labelled benchmark makes to them.
 */
import type { Rng } from './prng.js';
import type { Article } from './types.js';

const FIRST = [
  'Maria',
  'James',
  'Olena',
  'José',
  'Zoë',
  'Ahmed',
  'Priya',
  'Chen',
  'Sarah',
  'Dmitri',
  'Aisha',
  'Tomás',
  'Ingrid',
  'Kwame',
  'Hannah',
  'Rafael',
  'Mei',
  'Emma',
  'Viktor',
  'Fatima',
  'Daniel',
  'Renée',
  'Samuel',
  'Keiko',
];
const LAST = [
  'Gómez',
  'Okafor',
  'Lindqvist',
  'Brennan',
  'Haddad',
  'Kowalski',
  'Nakamura',
  'Whitfield',
  'Petrov',
  'Alvarez',
  'O’Neill',
  'Castellanos',
  'Mbeki',
  'Fischer',
  'Delgado',
  'Hart',
  'Reyes',
  'Novak',
  'Sato',
  'Abernathy',
  'Moreau',
  'Ivanenko',
  'Sørensen',
  'Carvalho',
];
const ROLES = [
  'a spokesperson for',
  'the general counsel of',
  'a senior adviser to',
  'the chief financial officer of',
  'a former board member of',
  'an investigator with',
];
const ORGS = [
  'the Commerce Department',
  'the Treasury',
  'Meridian Capital',
  'the Halvorsen Group',
  'the state ethics commission',
  'Blue Harbor LLC',
  'the Senate Finance Committee',
  'Northgate Holdings',
  'the city council',
  'Atlas Strategic Consulting',
  'the Federal Election Commission',
  'Crescent Energy',
  'the Office of Government Ethics',
  'Pinecrest Partners',
  'the port authority',
];
const PLACES = [
  'Washington',
  'Miami',
  'Nicosia',
  'Wilmington, Delaware',
  'London',
  'Dubai',
  'Kyiv',
  'Panama City',
  'Zurich',
  'Houston',
  'Albany',
  'Phoenix',
];
const DEALS = [
  'consulting contract',
  'loan',
  'lobbying agreement',
  'donation',
  'office lease',
  'federal grant',
  'legal settlement',
  'real-estate purchase',
  'no-bid contract',
  'speaking fee',
];
const SECTIONS = ['politics', 'business', 'world', 'investigations'];
const OUTLETS = [
  'records reviewed by reporters',
  'a federal filing',
  'court documents',
  'three people familiar with the matter',
  'an internal audit',
  'financial disclosures',
];
const QUOTES = [
  'We followed every rule that applied to us, and we will cooperate fully',
  'This was never about the money; it was about access',
  'The public deserves to know who paid for this decision',
  'I was not aware of the arrangement until it was reported',
  'Nothing in the agreement required disclosure at the time',
  'These payments raise serious questions that have not been answered',
  'We are reviewing the matter and will comment when appropriate',
  'It looks like a textbook conflict of interest',
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export type GeneratedArticle = Article & { people: string[]; amounts: string[] };

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

function amount(rng: Rng): string {
  const n =
    rng.pick([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 25, 40, 75, 120, 250, 400, 650, 900]) * rng.pick([1_000, 10_000, 100_000, 1_000_000]);
  return `$${n.toLocaleString('en-US')}`;
}

function dateText(rng: Rng, year: number): string {
  return `${rng.pick(MONTHS)} ${rng.int(1, 28)}, ${year}`;
}

export function generateArticle(rng: Rng): GeneratedArticle {
  const year = rng.int(2016, 2025);
  const published = `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  const [subject, official, critic] = [personName(rng), personName(rng), personName(rng)];
  const [org, payer] = rng.shuffle(ORGS).slice(0, 2);
  const deal = rng.pick(DEALS);
  const sum = amount(rng);
  const other = amount(rng);
  const place = rng.pick(PLACES);
  const surname = (name: string): string => name.split(' ').slice(1).join(' ');
  const paragraphs = [
    `${place} — ${payer.charAt(0).toUpperCase() + payer.slice(1)} paid ${sum} to a firm controlled by ${subject} under a ${deal} signed on ${dateText(rng, year)}, according to ${rng.pick(OUTLETS)}.`,
    `The arrangement, which was not disclosed at the time, came weeks before ${org} approved a decision that benefited ${payer}. ${official}, ${rng.pick(ROLES)} ${org}, confirmed that the payment had been made.`,
    `“${rng.pick(QUOTES)},” ${surname(official)} said in a statement on ${dateText(rng, year)}.`,
    `Records show that the firm received a further ${other} over the following ${rng.int(2, 18)} months, routed through an account in ${rng.pick(PLACES)}. ${surname(subject)} did not respond to repeated requests for comment.`,
    `${critic}, who served on ${rng.pick(ORGS)} until ${year - rng.int(1, 6)}, said the timing was hard to explain. “${rng.pick(QUOTES)},” ${surname(critic)} said.`,
    `The ${deal} accounted for roughly ${rng.int(8, 64)} percent of the firm’s reported revenue that year, according to filings reviewed by ${rng.pick(['The Ledger', 'Reuters', 'the Herald', 'ProPublica'])}.`,
    `Ethics experts said the case fits a pattern seen in at least ${rng.int(3, 14)} similar arrangements since ${year - rng.int(2, 9)}, none of which led to charges.`,
    `${org.charAt(0).toUpperCase() + org.slice(1)} said in ${rng.pick(MONTHS)} that it would review its disclosure rules. No date for that review has been set.`,
  ];
  const count = rng.int(5, paragraphs.length);
  const kept = [...paragraphs.slice(0, 4), ...rng.shuffle(paragraphs.slice(4)).slice(0, count - 4)];
  const headline = rng.pick([
    `${payer.replace(/^the /, '').replace(/^./, (c) => c.toUpperCase())} paid ${subject}’s firm ${sum} before key decision`,
    `Undisclosed ${deal} tied ${subject} to ${org.replace(/^the /, '')}`,
    `${subject} firm received ${sum} in ${deal}, records show`,
    `Questions mount over ${sum} ${deal} linked to ${subject}`,
  ]);
  return {
    headline,
    byline: personName(rng),
    published,
    paragraphs: kept,
    section: rng.pick(SECTIONS),
    people: [subject, official, critic],
    amounts: [sum, other],
  };
}

/** One figure in one sentence changes: the lede's sum becomes a different sum. */
export function editNumber(a: GeneratedArticle, rng: Rng): Article {
  const from = a.amounts[0];
  let to = amount(rng);
  while (to === from) to = amount(rng);
  return { ...a, paragraphs: a.paragraphs.map((p, i) => (i === 0 ? p.replace(from, to) : p)) };
}

/** One person's name changes in one sentence (the lede). */
export function editName(a: GeneratedArticle, rng: Rng): Article {
  const from = a.people[0];
  let to = personName(rng);
  while (a.people.includes(to)) to = personName(rng);
  return { ...a, paragraphs: a.paragraphs.map((p, i) => (i === 0 ? p.replace(from, to) : p)) };
}

export function removeParagraph(a: Article, rng: Rng): Article {
  const drop = rng.int(1, a.paragraphs.length - 2);
  return { ...a, paragraphs: a.paragraphs.filter((_, i) => i !== drop) };
}

export function appendCorrection(a: GeneratedArticle, rng: Rng): Article {
  const note = `Correction: An earlier version of this article misstated the date of the ${rng.pick(DEALS)} and the role of ${a.people[1]}. The article has been updated.`;
  return { ...a, paragraphs: [...a.paragraphs, note] };
}

export function newHeadline(a: GeneratedArticle, rng: Rng): Article {
  return {
    ...a,
    headline: `${rng.pick(['Exclusive: ', 'Analysis: ', ''])}${a.people[0]} faces scrutiny over ${a.amounts[0]} payment from ${rng.pick(ORGS).replace(/^the /, '')}`,
  };
}

/** Strips the generator's bookkeeping so a page spec holds a plain Article. */
export function plain(a: GeneratedArticle): Article {
  return { headline: a.headline, byline: a.byline, published: a.published, paragraphs: a.paragraphs, section: a.section };
}
