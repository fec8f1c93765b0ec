/**
 * Which colour scheme the host page is in, for the fallbacks used where JupyterLab's `--jp-*`
 * variables are absent (and for native controls, which follow `color-scheme`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type ColorScheme = 'light' | 'dark';

/**
 * The hosts' own signals, tested on `<body>` in order, first match wins: JupyterLab
 * (`body[data-jp-theme-light]`), VS Code (`body.vscode-light`, `.vscode-high-contrast-light`
 * before the dark ones: a light high-contrast body may carry both), Colab (`html[theme]`).
 */
const HOST_SIGNALS: readonly (readonly [string, ColorScheme])[] = [
  ['[data-jp-theme-light=true]', 'light'],
  ['[data-jp-theme-light=false]', 'dark'],
  ['.vscode-light, .vscode-high-contrast-light', 'light'],
  ['.vscode-dark, .vscode-high-contrast', 'dark'],
  ['[theme=light] > *', 'light'],
  ['[theme=dark] > *', 'dark'],
];

/**
 * The host's scheme: a host signal above, else the nearest `.dark`/`.light` on the element or an
 * ancestor, crossing shadow roots (marimo, Tailwind-style pages), else `prefers-color-scheme`.
 */
export function detectColorScheme(el: Element): ColorScheme {
  const body = el.ownerDocument.body;
  const signal = body && HOST_SIGNALS.find(([selector]) => body.matches(selector));
  if (signal) return signal[1];
  for (let node: Element | undefined = el; node; node = (node.getRootNode() as ShadowRoot).host) {
    const marked = node.closest('.dark, .light');
    if (marked) return marked.classList.contains('dark') ? 'dark' : 'light';
  }
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// Every connected element, re-rendered when the host switches theme at run time (JupyterLab's
// theme menu, VS Code's theme picker). One observer and one media listener for the page, made
// with the first element and kept: they cost nothing once the set is empty.
const hosts = new Set<ReactiveControllerHost>();
let watching = false;

function watch(doc: Document): void {
  const refresh = (): void => hosts.forEach((host) => host.requestUpdate());
  const observer = new MutationObserver(refresh);
  const options = { attributeFilter: ['class', 'theme', 'data-jp-theme-light'] };
  observer.observe(doc.documentElement, options);
  if (doc.body) observer.observe(doc.body, options);
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', refresh);
  watching = true;
}

/** Re-renders its host when the page's colour scheme may have changed; read `scheme` in `render`. */
export class ColorSchemeController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  get scheme(): ColorScheme {
    return detectColorScheme(this.host);
  }

  hostConnected(): void {
    hosts.add(this.host);
    if (!watching) watch(this.host.ownerDocument);
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
  }
}
