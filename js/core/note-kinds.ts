/**
 * Every note kind of `ibllib.qc.critical_reasons`: both families loaded, as the core, the CLI
 * and the npm elements need them. Code that needs one family imports its module instead
 * (`critical-kinds.ts`, `sign-off-kinds.ts`), so a widget's bundle carries only its own.
 */
import { CRITICAL_KINDS } from './critical-kinds.ts';
import type { NoteKind, NoteKindId } from './note-kind.ts';
import { SIGN_OFF_KINDS } from './sign-off-kinds.ts';

export * from './note-kind.ts';
export { SIGN_OFF_KIND_ALIASES } from './sign-off-kinds.ts';

/** Every note kind, keyed by id, in the order a menu should list them. */
export const NOTE_KINDS: Readonly<Record<NoteKindId, NoteKind>> = { ...CRITICAL_KINDS, ...SIGN_OFF_KINDS };
