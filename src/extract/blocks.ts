/** Block-level tags: text on either side of one belongs to different paragraphs. */
const BLOCK = new Set(
  (
    'address article aside blockquote br dd details div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 ' +
    'header hr li main nav ol p pre section summary table tbody thead tfoot td th tr ul caption'
  ).split(' '),
);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'button', 'select', 'textarea', 'input']);

type NodeLike = { nodeType: number; nodeValue?: string | null; localName?: string; childNodes: ArrayLike<NodeLike> };

/**
 * The paragraphs of a DOM subtree: text is gathered across inline elements and cut at block
 * boundaries, so "<p>A <b>bold</b> claim</p>" is one paragraph and "<div>x<p>y</p></div>" two.
 */
export function textBlocks(root: NodeLike): string[] {
  const out: string[] = [];
  let buffer = '';
  const flush = () => {
    const text = buffer.replace(/\s+/g, ' ').trim();
    if (text) out.push(text);
    buffer = '';
  };
  const walk = (node: NodeLike) => {
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child.nodeType === 3) buffer += child.nodeValue ?? '';
      else if (child.nodeType === 1) {
        const tag = child.localName ?? '';
        if (SKIP.has(tag)) continue;
        if (BLOCK.has(tag)) {
          flush();
          walk(child);
          flush();
        } else walk(child);
      }
    }
  };
  walk(root);
  flush();
  return out;
}

export function countWords(text: string): number {
  const matches = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’.,-]*/gu);
  return matches ? matches.length : 0;
}
