import { css } from 'lit';

/**
 * What only the critical elements (the panel and its overwrite dialog) use, on top of the shared
 * theme; a module of its own, so the sign-off and queue bundles leave it out: the button that
 * replaces or marks critical (the primary look in the error colour), and the dialog's old notes
 * beside the new one when there is room.
 */
export const criticalStyles = css`
  .danger {
    color: var(--jp-ui-inverse-font-color0, Canvas);
    background: var(--aq-error);
    border-color: transparent;
  }
  .columns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
    gap: 16px;
  }
`;
