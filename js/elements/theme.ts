/**
 * The look of every element, in each shadow root (hosts such as marimo wrap widgets in their own
 * shadow DOM, so nothing may go to `document.head`). Colours come from JupyterLab's `--jp-*`
 * variables; outside JupyterLab the fallbacks use system colours (`Canvas`, `CanvasText`) and
 * `light-dark()`, resolved through `.root`'s `color-scheme`: the system's, or the host's (ColorSchemeController).
 * Nothing is hard-coded white or black. Where the browser's own look is fine (focus rings,
 * checkboxes, text fields in the page's scheme), there is no rule.
 */
import { css } from 'lit';

/** Colours, type, buttons, notes and notices: shared with the widget frame and the Observable inputs. */
export const theme = css`
  :host {
    display: block;
    --aq-bg: var(--jp-layout-color1, Canvas);
    --aq-bg2: var(--jp-layout-color2, #8882);
    --aq-line2: var(--jp-border-color1, #8888);
    --aq-brand: var(--jp-brand-color1, light-dark(#1976d2, #64b5f6));
    --aq-error: var(--jp-error-color1, light-dark(#c62828, #f28b82));
    --aq-radius: var(--jp-border-radius, 2px);
  }
  :host([hidden]) {
    display: none;
  }
  .root {
    color-scheme: light dark;
    color: var(--jp-ui-font-color1, CanvasText);
    font: var(--jp-ui-font-size1, 13px) / 1.4 var(--jp-ui-font-family, system-ui, sans-serif);
  }
  .light {
    color-scheme: light;
  }
  .dark {
    color-scheme: dark;
  }
  p {
    margin: 0;
  }
  button {
    font: inherit;
    color: inherit;
    background: var(--aq-bg2);
    border: 1px solid var(--aq-line2);
    border-radius: var(--aq-radius);
    padding: 3px 12px;
  }
  .primary {
    color: var(--jp-ui-inverse-font-color0, Canvas);
    background: var(--aq-brand);
    border-color: transparent;
  }
  [aria-disabled='true'],
  fieldset:disabled {
    opacity: 0.5;
  }
  code,
  pre {
    font: var(--jp-code-font-size, 12px) var(--jp-code-font-family, monospace);
  }
  pre {
    margin: 4px 0 0;
    padding: 6px 8px;
    background: var(--aq-bg2);
  }
  pre,
  .plain {
    white-space: pre-wrap;
  }
  /* Text from Alyx is isolated: a U+202E in it must not reverse what follows on the line. */
  pre,
  .plain,
  li {
    overflow-wrap: anywhere;
    unicode-bidi: isolate;
  }
  .muted,
  summary {
    color: var(--jp-ui-font-color2, color-mix(in srgb, CanvasText 68%, Canvas));
  }
  ul {
    margin: 2px 0;
    padding-left: 18px;
  }
  .note {
    border-left: 2px solid var(--aq-line2);
    padding-left: 8px;
    margin: 4px 0;
  }
  /* Text from Alyx has its own scroll: a 5 MB note must not make the panel 890,000 px tall. */
  .note,
  pre {
    max-height: 20em;
    overflow: auto;
  }
  .notes {
    max-height: 40em;
    overflow: auto;
  }
  .notice {
    border-left: 3px solid var(--jp-warn-color1, light-dark(#e65100, #ffb74d));
    background: var(--aq-bg2);
    padding: 4px 8px;
  }
  .notice.error,
  [aria-invalid='true'] {
    border-color: var(--aq-error);
  }
  /* Success: a green rule, on the panel's own background (muted text keeps its contrast). */
  .notice.ok {
    border-color: var(--jp-success-color1, light-dark(#2e7d32, #81c784));
    background: none;
  }
`;

/**
 * Layout of the elements (panels, checklist, dialog), also used by the Observable inputs: a
 * compact card, headings, labelled checkboxes, an actions row with a spinner.
 */
export const panelStyles = css`
  .panel,
  fieldset,
  dialog {
    display: grid;
    gap: 8px;
    max-width: 720px;
    padding: 10px 12px;
    background: var(--aq-bg);
    border: 1px solid var(--jp-border-color2, #8884);
    border-radius: var(--aq-radius);
  }
  dialog:not([open]) {
    display: none;
  }
  dialog::backdrop {
    background: var(--jp-dialog-background, #0006);
  }
  h2,
  h3,
  legend {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }
  label {
    display: flex;
    gap: 6px;
    align-items: flex-start;
  }
  input {
    margin: 2px 0 0;
  }
  fieldset {
    margin: 0;
    gap: 4px;
  }
  .other {
    display: grid;
  }
  textarea {
    margin-top: 2px;
    font: inherit;
  }
  /* Notices above and below a panel (the widget frame). */
  .stack {
    display: grid;
    gap: 6px;
  }
  .actions {
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
