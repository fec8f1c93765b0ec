import './index.ts';
import { afterEach, cleanup, deepQuery, describe, equal, expect, fixture, it, settle, waitFor } from './test-support.ts';
import { emulateMedia } from '@web/test-runner-commands';

const CONTEXT = { uuid: '8d8f3c1a-4b5e-4f6a-9c7d-0e1f2a3b4c5d', kind: 'critical-session', contentType: 'session', user: 'carol', existingNotes: [] } as const;

function look(el: Element): { scheme: string; background: string; color: string } {
  const root = deepQuery(el, '.root');
  const style = getComputedStyle(root);
  return { scheme: style.colorScheme, background: style.backgroundColor, color: style.color };
}

describe('theming', () => {
  afterEach(async () => {
    document.documentElement.removeAttribute('theme');
    document.body.classList.remove('vscode-light', 'dark');
    await cleanup();
  });

  it('uses system colours outside Jupyter: light, and dark when the system is dark', async () => {
    const el = await fixture('alyx-qc-critical-note', { context: CONTEXT }, 'light');
    equal(look(el), { scheme: 'light dark', background: 'rgb(255, 255, 255)', color: 'rgb(0, 0, 0)' }, 'light');
    await emulateMedia({ colorScheme: 'dark' });
    await waitFor(() => look(el).color === 'rgb(255, 255, 255)', 'the colours to follow prefers-color-scheme');
    const dark = look(el);
    expect(dark.background !== 'rgb(255, 255, 255)', `dark look: ${JSON.stringify(dark)}`);
  });

  it('follows JupyterLab\u2019s variables and theme attribute', async () => {
    const light = await fixture('alyx-qc-critical-note', { context: CONTEXT }, 'jupyterlab-light');
    equal(look(light), { scheme: 'light', background: 'rgb(255, 255, 255)', color: 'rgba(0, 0, 0, 0.87)' }, 'JupyterLab light');
    await cleanup();
    const dark = await fixture('alyx-qc-critical-note', { context: CONTEXT }, 'jupyterlab-dark');
    equal(look(dark), { scheme: 'dark', background: 'rgb(33, 33, 33)', color: 'rgba(255, 255, 255, 0.87)' }, 'JupyterLab dark');
    const button = deepQuery(dark, '.actions > button');
    equal(getComputedStyle(button).backgroundColor, 'rgb(244, 67, 54)', 'the critical button uses --jp-error-color1');
  });

  it('follows VS Code\u2019s body class over the system setting, and theme switches at run time', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'signoff-task' }, 'vscode-dark');
    equal(look(el).scheme, 'dark', 'vscode-dark on a light system');
    document.body.classList.remove('vscode-dark');
    document.body.classList.add('vscode-light');
    await emulateMedia({ colorScheme: 'dark' });
    await waitFor(() => matchMedia('(prefers-color-scheme: dark)').matches, 'the system to be dark');
    await settle(el);
    equal(look(el).scheme, 'light', 'vscode-light on a dark system');
  });

  it('follows Colab\u2019s html[theme=dark] and marimo\u2019s .dark (across shadow roots)', async () => {
    document.documentElement.setAttribute('theme', 'dark');
    const colab = await fixture('alyx-qc-reason-checklist', { kind: 'signoff-task' });
    equal(look(colab).scheme, 'dark', 'Colab');
    document.documentElement.removeAttribute('theme');
    await cleanup();

    const host = document.createElement('div');
    host.className = 'dark';
    const shadow = host.attachShadow({ mode: 'open' });
    const el = document.createElement('alyx-qc-reason-checklist');
    el.kind = 'signoff-task';
    shadow.append(el);
    document.body.append(host);
    await settle(el);
    equal(look(el).scheme, 'dark', 'inside a .dark host\u2019s shadow root');
    host.remove();
  });

  it('puts no style in the document: everything lives in the shadow roots', async () => {
    await fixture('alyx-qc-signoff', { context: null });
    const ours = [...document.head.querySelectorAll('style, link[rel=stylesheet]')].filter((node) => node.textContent?.includes('--aq-'));
    equal(ours.length, 0, 'styles in document.head');
    equal(document.adoptedStyleSheets.length, 0, 'document-level adopted style sheets');
  });
});
