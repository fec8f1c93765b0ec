/**
 * The two critical kinds of `ibllib.qc.critical_reasons` (registered in note-kind.ts when loaded).
 * Reason strings are part of the stored format: never "fix" them.
 */
import { OTHER, registerKinds, type CriticalKind } from './note-kind.ts';
import { getNoteKind } from './reasons.ts';

const INSERTION_GUI_REASONS = ['Noise and artifact', 'Drift', 'Poor neural yield', 'Brain Damage', OTHER] as const;

/** ibllib words the title and the question of both critical kinds alike. */
function critical(what: 'session' | 'insertion', contentType: CriticalKind['contentType'], reasons: readonly string[], guiReasons?: readonly string[]): CriticalKind {
  return {
    id: `critical-${what}`,
    family: 'critical',
    label: `Critical ${what}`,
    contentType,
    title: `=== EXPERIMENTER REASON(S) FOR MARKING THE ${what.toUpperCase()} AS CRITICAL ===`,
    reasons: [...reasons, OTHER],
    ...(guiReasons && { guiReasons }),
    promptHeader: `Select from this list the reason(s) why you are marking the ${what} as CRITICAL:`,
  };
}

/** The critical kinds, keyed by id. */
export const CRITICAL_KINDS = registerKinds([
  critical('session', 'session', ['within experiment system crash', 'synching impossible', 'dud or mock session', 'essential dataset missing']),
  critical('insertion', 'probeinsertion', ['Histological images missing', 'Track not visible on imaging data', ...INSERTION_GUI_REASONS.slice(0, -1)], INSERTION_GUI_REASONS),
]);

/** A critical kind by id (`critical-session`, `critical-insertion`); sign-off kinds are refused. */
export function getCriticalKind(id: string): CriticalKind {
  const kind = getNoteKind(id);
  if (kind.family !== 'critical') throw new TypeError(`"${id}" is not a critical note kind: use critical-session or critical-insertion.`);
  return kind;
}
