/**
 * Helpers for the browser tests beside this file (web-test-runner, mocha, real Chromium).
 * Plain assertions that name what differed, fixtures that wait for Lit to render, axe-core, and
 * the host themes the elements must look right in.
 */
import { emulateMedia } from '@web/test-runner-commands';
import type { LitElement } from 'lit';
import type { AlyxNote } from '../core/alyx-types.ts';
// The tests import the elements' own modules, not the package's index: load the note kinds as
// the index does (a widget's page gets its sign-off kind from Python instead).
import '../core/note-kinds.ts';

type Test = (this: unknown) => void | Promise<void>;
interface MochaGlobals {
  describe(name: string, body: () => void): void;
  it(name: string, body: Test): void;
  beforeEach(body: Test): void;
  afterEach(body: Test): void;
}
/** mocha's globals, typed here so tsc needs no @types/mocha. */
export const { describe, it, beforeEach, afterEach } = globalThis as unknown as MochaGlobals;

export function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Deep equality through JSON (payloads are plain data). */
export function equal(actual: unknown, expected: unknown, what: string): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

const mounted: Element[] = [];

/** Mounts `tag` with `props` in a fresh container (styled by `theme`) and waits for it to render. */
export async function fixture<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  theme: HostTheme = 'light',
): Promise<HTMLElementTagNameMap[K]> {
  const container = document.createElement('div');
  container.className = 'fixture';
  await applyTheme(container, theme);
  const el = Object.assign(document.createElement(tag), props);
  container.append(el);
  document.body.append(container);
  mounted.push(container);
  await settle(el);
  return el;
}

/** Removes what `fixture` mounted and resets the host theme; call in `afterEach`. */
export async function cleanup(): Promise<void> {
  for (const el of mounted.splice(0)) el.remove();
  await applyTheme(undefined, 'light');
}

/** Waits until `el` and every Lit element in its shadow tree have rendered. */
export async function settle(el: Element): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const pending = [el, ...deepQueryAll(el, '*')].filter((node): node is LitElement => 'updateComplete' in node);
    const changed = await Promise.all(pending.map((node) => node.updateComplete));
    if (changed.every(Boolean)) return;
  }
}

function roots(el: Element): ParentNode[] {
  const found: ParentNode[] = [];
  const visit = (root: ParentNode): void => {
    found.push(root);
    for (const child of root.querySelectorAll('*')) if (child.shadowRoot) visit(child.shadowRoot);
  };
  if (el.shadowRoot) visit(el.shadowRoot);
  return found;
}

/** Every element matching `selector` in `el`'s shadow tree, nested shadow roots included. */
export function deepQueryAll<E extends Element = HTMLElement>(el: Element, selector: string): E[] {
  return roots(el).flatMap((root) => [...root.querySelectorAll<E>(selector)]);
}

export function deepQuery<E extends Element = HTMLElement>(el: Element, selector: string): E {
  const found = deepQueryAll<E>(el, selector)[0];
  expect(found, `nothing matches "${selector}" inside <${el.localName}>`);
  return found;
}

/** The text a user sees inside `el` (whitespace collapsed, blocks separated), shadow trees included. */
export function visibleText(el: Element): string {
  const text = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
    if (!(node instanceof Element) || node.localName === 'style' || (node as HTMLElement).hidden) return '';
    if (node instanceof HTMLDialogElement && !node.open) return '';
    if (node instanceof HTMLDetailsElement && !node.open) return text(node.querySelector('summary')!);
    const children = [...(node.shadowRoot ?? node).childNodes].map(text).join('');
    return getComputedStyle(node).display.startsWith('inline') ? children : ` ${children} `;
  };
  return text(el).replace(/\s+/g, ' ').trim();
}

/** The focused element, looking inside shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Polls `condition` each frame until it holds; throws naming `what` after `ms`. */
export async function waitFor(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

/** A promise with its resolve and reject at hand: a submit function the test finishes. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Records every event of `types` that reaches `target` (bubbling). */
export function recordEvents(target: EventTarget, ...types: string[]): Event[] {
  const seen: Event[] = [];
  for (const type of types) target.addEventListener(type, (event) => seen.push(event));
  return seen;
}

export function note(fields: Partial<AlyxNote> & Pick<AlyxNote, 'text'>): AlyxNote {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    user: 'alice',
    date_time: '2024-03-04T10:12:31.123456',
    content_type: 'actions.session',
    object_id: '2ffd3ed5-477e-4153-9af7-7fdad3c6946b',
    ...fields,
  };
}

// --- Host themes -------------------------------------------------------------------------------

export type HostTheme = 'light' | 'dark' | 'jupyterlab-light' | 'jupyterlab-dark' | 'vscode-dark';

/** The `--jp-*` variables the elements read, with JupyterLab 4's values for each theme. */
export const JUPYTERLAB_VARIABLES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    '--jp-ui-font-color1': 'rgba(0, 0, 0, 0.87)',
    '--jp-ui-font-color2': 'rgba(0, 0, 0, 0.54)',
    '--jp-ui-inverse-font-color0': 'rgba(255, 255, 255, 1)',
    '--jp-layout-color0': 'white',
    '--jp-layout-color1': 'white',
    '--jp-layout-color2': '#eeeeee',
    '--jp-border-color1': '#bdbdbd',
    '--jp-border-color2': '#e0e0e0',
    '--jp-brand-color1': '#1976d2',
    '--jp-error-color1': '#d32f2f',
    '--jp-warn-color1': '#f57c00',
    '--jp-success-color1': '#388e3c',
    '--jp-border-radius': '2px',
    '--jp-ui-font-size1': '13px',
    '--jp-code-font-size': '13px',
    '--jp-dialog-background': 'rgba(0, 0, 0, 0.25)',
  },
  dark: {
    '--jp-ui-font-color1': 'rgba(255, 255, 255, 0.87)',
    '--jp-ui-font-color2': 'rgba(255, 255, 255, 0.54)',
    '--jp-ui-inverse-font-color0': 'rgba(0, 0, 0, 1)',
    '--jp-layout-color0': '#111111',
    '--jp-layout-color1': '#212121',
    '--jp-layout-color2': '#424242',
    '--jp-border-color1': '#616161',
    '--jp-border-color2': '#424242',
    '--jp-brand-color1': '#2196f3',
    '--jp-error-color1': '#f44336',
    '--jp-warn-color1': '#ff9800',
    '--jp-success-color1': '#4caf50',
    '--jp-border-radius': '2px',
    '--jp-ui-font-size1': '13px',
    '--jp-code-font-size': '13px',
    '--jp-dialog-background': 'rgba(0, 0, 0, 0.6)',
  },
};

/**
 * Makes the page look like a host: plain light or dark (the system's `prefers-color-scheme`, as
 * outside Jupyter), JupyterLab's variables and body attribute, or VS Code's body class while the
 * system is light. `container` receives the JupyterLab variables too.
 */
export async function applyTheme(container: HTMLElement | undefined, theme: HostTheme): Promise<void> {
  const { body, documentElement } = document;
  const dark = theme.endsWith('dark');
  await emulateMedia({ colorScheme: theme === 'dark' ? 'dark' : 'light' });
  documentElement.style.colorScheme = dark ? 'dark' : 'light';
  body.style.background = theme.startsWith('jupyterlab') ? `var(--jp-layout-color0)` : 'Canvas';
  body.classList.toggle('vscode-dark', theme === 'vscode-dark');
  if (theme.startsWith('jupyterlab')) body.dataset['jpThemeLight'] = String(!dark);
  else delete body.dataset['jpThemeLight'];
  if (container && theme.startsWith('jupyterlab')) {
    for (const [name, value] of Object.entries(JUPYTERLAB_VARIABLES[dark ? 'dark' : 'light'])) {
      container.style.setProperty(name, value);
      body.style.setProperty(name, value);
    }
  } else {
    for (const name of Object.keys(JUPYTERLAB_VARIABLES.light)) body.style.removeProperty(name);
  }
}

// --- axe-core ------------------------------------------------------------------------------------

type Axe = typeof import('axe-core');
let axeReady: Promise<Axe> | undefined;

/** axe-core is a UMD script, not an ES module: load it once as a classic script. */
function loadAxe(): Promise<Axe> {
  axeReady ??= new Promise<Axe>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve((window as unknown as { axe: Axe }).axe);
    script.onerror = () => reject(new Error('could not load axe-core from node_modules'));
    document.head.append(script);
  });
  return axeReady;
}

/** Runs axe-core (WCAG 2.x A/AA rules and best practices) on `el`; throws listing each violation. */
export async function expectAccessible(el: Element, what: string): Promise<void> {
  const axe = await loadAxe();
  const results = await axe.run(el, { resultTypes: ['violations'] });
  if (results.violations.length > 0) {
    const lines = results.violations.flatMap((violation) => [
      `${violation.id}: ${violation.help}`,
      ...violation.nodes.map((node) => `    at ${JSON.stringify(node.target)}: ${node.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
    ]);
    throw new Error(`axe-core found ${results.violations.length} violation(s) in ${what}:\n  ${lines.join('\n  ')}`);
  }
}
