/** Block-level tags: text on either side of one belongs to different paragraphs. */
export const BLOCK = new Set(
  (
    'address article aside blockquote br dd details div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 ' +
    'header hr li main nav ol p pre section summary table tbody thead tfoot td th tr ul caption'
  ).split(' '),
);
export const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'button', 'select', 'textarea', 'input']);

type NodeLike = { nodeType: number; nodeValue?: string | null; localName?: string; childNodes: ArrayLike<NodeLike> };

/**
 * Another reading of the same subtree riding on textBlocks' walk rather than walking the DOM again
 * (teasers.ts): told of every element and text node in document order; an element it answers true
 * for has `leave` called once its subtree is done.
 */
export type BlockWatcher = { element(node: NodeLike): boolean; text(node: NodeLike): void; leave(): void };

/** Marks, on the walk's stack, the end of an element the watcher asked to see the end of. */
const LEAVE: NodeLike = { nodeType: -1, childNodes: [] };

/**
 * The paragraphs of a DOM subtree: text is gathered across inline elements and cut at block
 * boundaries, so "<p>A <b>bold</b> claim</p>" is one paragraph and "<div>x<p>y</p></div>" two.
 * Walked with an explicit stack, not recursion: a hostile page nests elements 100,000 deep.
 */
export function textBlocks(root: NodeLike, watcher?: BlockWatcher): string[] {
  const out: string[] = [];
  let buffer = '';
  const flush = () => {
    const text = buffer.replace(/\s+/g, ' ').trim();
    if (text) out.push(text);
    buffer = '';
  };
  // null marks the end of a block element: its text is cut there.
  const stack: (NodeLike | null)[] = [];
  const pushChildren = (node: NodeLike) => {
    const children = node.childNodes; // linkedom builds this list on every read
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  };
  pushChildren(root);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === null) flush();
    else if (node === LEAVE) watcher?.leave();
    else if (node.nodeType === 3) {
      buffer += node.nodeValue ?? '';
      watcher?.text(node);
    } else if (node.nodeType === 1 && !SKIP.has(node.localName ?? '')) {
      if (BLOCK.has(node.localName ?? '')) {
        flush();
        stack.push(null);
      }
      if (watcher?.element(node)) stack.push(LEAVE);
      pushChildren(node);
    }
  }
  flush();
  return out;
}

export function countWords(text: string): number {
  const matches = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’.,-]*/gu);
  return matches ? matches.length : 0;
}
