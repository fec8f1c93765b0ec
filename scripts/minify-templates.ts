/**
 * A Vite plugin that minifies the static text of Lit's html`` and css`` templates, which the JS
 * minifier must leave as they are (they are strings to it): the indentation of every template
 * line, CSS comments and the spaces around CSS punctuation. About 10% of the widget bundle before
 * this ran, in bytes that only looked tidy in the source.
 *
 * Only whitespace is touched, and only where the browser treats it the same: in html, every run
 * of whitespace that holds a line break becomes one space (whitespace between inline elements
 * still separates them; no template has static text inside `<pre>` or `<textarea>`); in css,
 * runs become one space and go entirely next to `{`, `}`, `;` and after `,` and `:`.
 */
import MagicString from 'magic-string';
import type { Plugin } from 'vite';

interface Node {
  readonly type: string;
  readonly [key: string]: unknown;
}

interface TemplateElement extends Node {
  readonly start: number;
  readonly end: number;
  readonly value: { readonly raw: string };
}

function minifyHtml(raw: string): string {
  return raw.replace(/\s*\n\s*/g, ' ');
}

function minifyCss(raw: string): string {
  return raw
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};]) ?/g, '$1')
    .replace(/, /g, ',')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
    .trim();
}

const MINIFIERS: Readonly<Record<string, (raw: string) => string>> = { html: minifyHtml, css: minifyCss };

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

/** Every `html`/`css`-tagged template's static parts, with the minifier for its language. */
function* taggedTemplateParts(node: Node): Generator<[TemplateElement, (raw: string) => string]> {
  if (node.type === 'TaggedTemplateExpression') {
    const tag = node['tag'] as Node;
    const minify = tag.type === 'Identifier' ? MINIFIERS[tag['name'] as string] : undefined;
    if (minify) for (const quasi of (node['quasi'] as Node)['quasis'] as TemplateElement[]) yield [quasi, minify];
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child)) yield* taggedTemplateParts(child);
    } else if (isNode(value)) {
      yield* taggedTemplateParts(value);
    }
  }
}

export function minifyTemplates(): Plugin {
  return {
    name: 'alyx-qc:minify-templates',
    apply: 'build',
    // After TypeScript is stripped, so the module parses as JavaScript.
    enforce: 'post',
    transform(code, id) {
      if (!/\/js\/.*\.ts$/.test(id) || !/\b(html|css)`/.test(code)) return null;
      const source = new MagicString(code);
      for (const [quasi, minify] of taggedTemplateParts(this.parse(code) as unknown as Node)) {
        const raw = quasi.value.raw;
        const minified = minify(raw);
        // The raw text sits between the quasi's bounds (after "`" or "}", before "`" or "${").
        if (minified !== raw && quasi.end > quasi.start) source.overwrite(quasi.start, quasi.end, minified);
      }
      return { code: source.toString(), map: source.generateMap({ hires: true }) };
    },
  };
}
