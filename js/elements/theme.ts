/**
 * The look shared by every element, in each shadow root (hosts such as marimo wrap widgets in
 * their own shadow DOM, so nothing may go to `document.head`). Colours come from JupyterLab's
 * `--jp-*` variables; outside JupyterLab the fallbacks use system colours (`Canvas`,
 * `CanvasText`) and `light-dark()`, resolved through the `color-scheme` that
 * ColorSchemeController puts on `.root`. Nothing is hard-coded white or black.
 */
import { css } from 'lit';

export const theme = css`
  :host {
    display: block;
    --aq-fg: var(--jp-ui-font-color1, CanvasText);
    --aq-fg2: var(--jp-ui-font-color2, color-mix(in srgb, CanvasText 68%, Canvas));
    --aq-bg: var(--jp-layout-color1, Canvas);
    --aq-bg2: var(--jp-layout-color2, color-mix(in srgb, CanvasText 6%, Canvas));
    --aq-line: var(--jp-border-color2, color-mix(in srgb, CanvasText 18%, Canvas));
    --aq-line2: var(--jp-border-color1, color-mix(in srgb, CanvasText 45%, Canvas));
    --aq-brand: var(--jp-brand-color1, light-dark(#1976d2, #64b5f6));
    --aq-on-brand: var(--jp-ui-inverse-font-color0, Canvas);
    --aq-error: var(--jp-error-color1, light-dark(#c62828, #f28b82));
    --aq-warn: var(--jp-warn-color1, light-dark(#e65100, #ffb74d));
    --aq-radius: var(--jp-border-radius, 2px);
    --aq-mono: var(--jp-code-font-family, ui-monospace, Menlo, Consolas, monospace);
  }
  :host([hidden]) {
    display: none;
  }
  .root {
    color-scheme: light;
    color: var(--aq-fg);
    font: var(--jp-ui-font-size1, 13px) / 1.4 var(--jp-ui-font-family, system-ui, sans-serif);
  }
  .dark {
    color-scheme: dark;
  }
  :focus-visible {
    outline: 2px solid var(--aq-brand);
    outline-offset: 1px;
  }
  p {
    margin: 0;
  }
  button {
    font: inherit;
    color: var(--aq-fg);
    background: var(--aq-bg2);
    border: 1px solid var(--aq-line2);
    border-radius: var(--aq-radius);
    padding: 3px 12px;
    min-height: 26px;
    cursor: pointer;
  }
  .primary,
  .danger {
    color: var(--aq-on-brand);
    background: var(--aq-brand);
    border-color: var(--aq-brand);
  }
  .danger {
    background: var(--aq-error);
    border-color: var(--aq-error);
  }
  button:disabled,
  button[aria-disabled='true'] {
    opacity: 0.5;
    cursor: not-allowed;
  }
  code,
  pre {
    font-family: var(--aq-mono);
    font-size: var(--jp-code-font-size, 12px);
  }
  pre {
    margin: 4px 0 0;
    padding: 6px 8px;
    background: var(--aq-bg2);
    border-radius: var(--aq-radius);
    white-space: pre-wrap;
    overflow-wrap: break-word;
  }
  .muted {
    color: var(--aq-fg2);
  }
  .plain {
    white-space: pre-wrap;
    overflow-wrap: break-word;
  }
  ul {
    margin: 2px 0;
    padding-left: 18px;
  }
  .note {
    border-left: 2px solid var(--aq-line2);
    padding: 1px 0 1px 8px;
    margin: 4px 0;
  }
  .notice {
    border-left: 3px solid var(--aq-warn);
    background: var(--aq-bg2);
    padding: 4px 8px;
  }
  .notice.error {
    border-color: var(--aq-error);
  }
`;

/** Layout shared by the two panels: a compact card, header, actions row and status line. */
export const panelStyles = css`
  .panel {
    display: grid;
    gap: 8px;
    max-width: 760px;
    padding: 10px 12px;
    background: var(--aq-bg);
    border: 1px solid var(--aq-line);
    border-radius: var(--aq-radius);
  }
  h2,
  h3 {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }
  h2 {
    font-size: 1.1em;
  }
  h2 code {
    font-weight: normal;
  }
  .toggle {
    display: flex;
    gap: 6px;
    align-items: center;
  }
  .toggle input {
    margin: 0;
    accent-color: var(--aq-brand);
  }
  summary {
    cursor: pointer;
    color: var(--aq-fg2);
    width: fit-content;
  }
  .actions,
  .status {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .spinner {
    display: inline-block;
    width: 10px;
    height: 10px;
    margin-right: 6px;
    vertical-align: -1px;
    border: 2px solid var(--aq-line2);
    border-top-color: var(--aq-brand);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
`;
