/**
 * The review queue's own layout: a list beside the current session. On top of the shared theme,
 * which already makes the queue (a `.panel`) a grid, its button rows (`.actions`) wrapping flex
 * rows, headings unspaced and buttons in the page's font.
 */
import { css } from 'lit';

export const queueStyles = css`
  .queue { outline: none; }
  .queue:focus-visible { box-shadow: 0 0 0 2px var(--aq-brand); }
  .queue h2 { font-size: 1.1em; }
  progress { width: 100%; height: 6px; accent-color: var(--aq-brand); }
  /* The list beside the session, 2 : 5; below the session where there is no room for both (no container query: nothing here is a container). */
  .layout { display: flex; flex-wrap: wrap; gap: 8px; align-items: start; }
  .detail { flex: 5 1 360px; min-width: 0; }
  ol { flex: 2 1 180px; list-style: none; margin: 0; padding: 0; max-height: 480px; overflow: auto; border: 1px solid var(--aq-line2); border-radius: var(--aq-radius); }
  ol button { display: grid; width: 100%; text-align: left; border: 0; border-radius: 0; background: none; padding: 3px 6px; }
  ol button span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  ol button[aria-current='true'] { background: var(--aq-bg2); box-shadow: inset 3px 0 var(--aq-brand); }
  .meta { font-size: 0.9em; }
  .st-signed-off { color: var(--jp-success-color1, light-dark(#2e7d32, #81c784)); }
  .st-failed, .st-invalid { color: var(--aq-error); }
  .plot img { max-width: 100%; max-height: 360px; display: block; }
  .keys kbd { font: var(--jp-code-font-size, 12px) var(--jp-code-font-family, monospace); border: 1px solid var(--aq-line2); border-radius: var(--aq-radius); padding: 0 3px; }
`;
