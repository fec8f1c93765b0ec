/**
 * Which colour scheme the host page is in, for the fallbacks used where JupyterLab's `--jp-*`
 * variables are absent (and for native controls, which follow `color-scheme`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** `''`: no host says, so the system's scheme applies (`.root` is `color-scheme: light dark`). */
export type ColorScheme = 'light' | 'dark' | '';

// The hosts' own signals, matched on <body>: JupyterLab (`body[data-jp-theme-light]`), VS Code
// (`body.vscode-light`, `.vscode-dark`, `.vscode-high-contrast[-light]`), Colab (`html[theme]`).
const LIGHT = '[data-jp-theme-light=true], .vscode-light, .vscode-high-contrast-light, [theme=light] > *';
const DARK = '[data-jp-theme-light=false], .vscode-dark, .vscode-high-contrast, [theme=dark] > *';

/**
 * The host's scheme: a host signal above, else the nearest `.dark`/`.light` on the element or an
 * ancestor, crossing shadow roots (marimo, Tailwind-style pages), else `''` for the system's.
 */
export function detectColorScheme(el: Element): ColorScheme {
  const { body } = el.ownerDocument;
  if (body?.matches(LIGHT)) return 'light';
  if (body?.matches(DARK)) return 'dark';
  for (let node: Element | undefined = el; node; node = (node.getRootNode() as ShadowRoot).host) {
    const marked = node.closest('.dark, .light');
    if (marked) return marked.classList.contains('dark') ? 'dark' : 'light';
  }
  return '';
}

// Every connected element, re-rendered when the host switches theme at run time (JupyterLab's
// theme menu, VS Code's theme picker); a system switch needs nothing, CSS follows it. One
// observer for the page, made with the first element and kept: it costs nothing once idle.
const hosts = new Set<ReactiveControllerHost>();
let observer: MutationObserver | undefined;

/** Re-renders its host when the page's colour scheme may have changed; read `scheme` in `render`. */
export class ColorSchemeController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  /** The class for the host's `.root`: `light`, `dark`, or `''` for the system's scheme. */
  get scheme(): ColorScheme {
    return detectColorScheme(this.host);
  }

  hostConnected(): void {
    hosts.add(this.host);
    if (observer) return;
    const { documentElement, body } = this.host.ownerDocument;
    const options = { attributeFilter: ['class', 'theme', 'data-jp-theme-light'] };
    observer = new MutationObserver(() => hosts.forEach((host) => host.requestUpdate()));
    observer.observe(documentElement, options);
    if (body) observer.observe(body, options);
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
  }
}
