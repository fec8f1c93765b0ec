/**
 * Which colour scheme the host page is in, for the fallbacks used where JupyterLab's `--jp-*`
 * variables are absent (and for native controls, which follow `color-scheme`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type ColorScheme = 'light' | 'dark';

/** Nearest `dark`/`light` class on the element or an ancestor, crossing shadow roots (marimo). */
function classScheme(start: Element): ColorScheme | undefined {
  for (let node: Node | null = start; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
    if (node instanceof Element) {
      if (node.classList.contains('dark')) return 'dark';
      if (node.classList.contains('light')) return 'light';
    }
  }
  return undefined;
}

/**
 * The host's scheme, first signal wins: JupyterLab (`body[data-jp-theme-light]`), VS Code
 * (`body.vscode-dark`, `.vscode-high-contrast`, `.vscode-light`), Colab (`html[theme]`), marimo and
 * Tailwind-style pages (`.dark`/`.light`), then the system's `prefers-color-scheme`.
 */
export function detectColorScheme(el: Element): ColorScheme {
  const { body, documentElement } = el.ownerDocument;
  const jupyter = body?.dataset['jpThemeLight'];
  if (jupyter) return jupyter === 'false' ? 'dark' : 'light';
  const vscode = body?.classList;
  if (vscode?.contains('vscode-light') || vscode?.contains('vscode-high-contrast-light')) return 'light';
  if (vscode?.contains('vscode-dark') || vscode?.contains('vscode-high-contrast')) return 'dark';
  const colab = documentElement.getAttribute('theme');
  if (colab === 'dark' || colab === 'light') return colab;
  return classScheme(el) ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

// One observer for every connected element: hosts switch themes at run time (JupyterLab's theme
// menu, VS Code's theme picker), and each element re-renders with the new scheme.
const hosts = new Set<ReactiveControllerHost>();
let observer: MutationObserver | undefined;
let media: MediaQueryList | undefined;
const refresh = (): void => hosts.forEach((host) => host.requestUpdate());

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
    if (observer) return;
    const doc = this.host.ownerDocument;
    observer = new MutationObserver(refresh);
    const attributeFilter = ['class', 'theme', 'data-jp-theme-light'];
    observer.observe(doc.documentElement, { attributes: true, attributeFilter });
    if (doc.body) observer.observe(doc.body, { attributes: true, attributeFilter });
    media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', refresh);
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
    if (hosts.size > 0) return;
    observer?.disconnect();
    media?.removeEventListener('change', refresh);
    observer = undefined;
    media = undefined;
  }
}
