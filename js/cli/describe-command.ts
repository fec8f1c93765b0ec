/** `alyx-qc describe [<kind>]`: the numbers to type, as the prompt lists them. */
import { getNoteKind, NOTE_KINDS, type NoteKind, type SignOffKindId } from '../core/index.ts';
import { SIGN_OFF_KIND_ALIASES } from '../core/note-kinds.ts';
import { EXIT } from './exit-codes.ts';
import type { Outcome } from './report.ts';

/** CLI names for the critical kinds, beside the sign-off aliases the core knows. */
const CRITICAL_ALIASES: Readonly<Record<string, string>> = { session: 'critical-session', insertion: 'critical-insertion' };

/** A sign-off key each kind usually goes with, as `describe` shows it (only the CLI says it, so the kinds do not carry it). */
const EXAMPLE_KEYS: Readonly<Record<SignOffKindId, string>> = {
  'signoff-task': '_ephysChoiceWorld_00',
  'signoff-passive': '_passiveChoiceWorld_00',
  'signoff-video': '_camera_left',
  'signoff-raw-ephys': '_neuropixel_raw_probe00',
  'signoff-spike-sorting': '_neuropixel_spike_sorting_probe00',
  'signoff-alignment': '_neuropixel_alignment_probe00',
};

function kindJson(kind: NoteKind): Record<string, unknown> {
  return {
    kind: kind.id,
    label: kind.label,
    content_type: kind.contentType,
    header: kind.promptHeader,
    reasons: kind.reasons,
    ...(kind.family === 'critical' ? { title: kind.title } : { example_key: EXAMPLE_KEYS[kind.id] }),
    ...(kind.family === 'critical' && kind.guiReasons ? { gui_reasons: kind.guiReasons } : {}),
  };
}

function kindLines(kind: NoteKind): string[] {
  return [
    `${kind.label} (${kind.id})`,
    kind.promptHeader,
    ...kind.reasons.map((reason, index) => `${index}) ${reason}`),
    ...(kind.family === 'critical' && kind.guiReasons ? [`Alignment GUI reasons (--gui-reasons): ${kind.guiReasons.join(', ')}`] : []),
    ...(kind.family === 'signoff' ? [`Sign-off keys look like ${EXAMPLE_KEYS[kind.id]}.`] : []),
  ];
}

export function runDescribe(command: { kind?: string }): Outcome {
  if (command.kind === undefined) {
    const names = (kind: NoteKind): string => {
      const aliases = [...Object.entries(CRITICAL_ALIASES), ...Object.entries(SIGN_OFF_KIND_ALIASES)].filter(([, id]) => id === kind.id).map(([alias]) => alias);
      return [kind.id, ...aliases.filter((alias) => !alias.includes('_'))].join(', ');
    };
    const kinds = Object.values(NOTE_KINDS);
    return {
      exitCode: EXIT.ok,
      lines: ['Note kinds (alyx-qc describe <kind> lists its reasons):', ...kinds.map((kind) => `  ${names(kind)}: ${kind.label}`)],
      json: { kinds: kinds.map(kindJson) },
    };
  }
  const kind = getNoteKind(CRITICAL_ALIASES[command.kind] ?? command.kind);
  return { exitCode: EXIT.ok, lines: kindLines(kind), json: kindJson(kind) };
}
