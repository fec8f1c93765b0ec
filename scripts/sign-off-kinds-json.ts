/**
 * A Vite plugin that writes the sign-off kinds (js/core/sign-off-kinds.ts) beside the widget
 * bundles, as `kinds.json`. Python reads them there (python/alyx_qc/_kinds.py): a sign-off widget
 * sends its page the one kind it shows, so the page's bundle carries no table of every kind's
 * reasons, and `nums=` are checked in the cell against the real lists. The reasons exist once,
 * in TypeScript; this file is built, like the bundles, never committed.
 */
import type { Plugin } from 'vite';
import { SIGN_OFF_KIND_ALIASES, SIGN_OFF_KINDS } from '../js/core/sign-off-kinds.ts';

/** The file's shape, as `_kinds.py` reads it: the kinds by id, and every short name's id. */
export interface SignOffKindsFile {
  readonly kinds: typeof SIGN_OFF_KINDS;
  readonly aliases: typeof SIGN_OFF_KIND_ALIASES;
}

export function signOffKindsJson(): Plugin {
  return {
    name: 'alyx-qc:sign-off-kinds-json',
    apply: 'build',
    generateBundle() {
      const file: SignOffKindsFile = { kinds: SIGN_OFF_KINDS, aliases: SIGN_OFF_KIND_ALIASES };
      this.emitFile({ type: 'asset', fileName: 'kinds.json', source: `${JSON.stringify(file, null, 1)}\n` });
    },
  };
}
