/**
 * The note kinds of `ibllib.qc.critical_reasons`, as data a UI or a prompt can render.
 * Reason strings are part of the stored format, typos and U+2019 apostrophes included: never
 * "fix" them, or notes stop matching the ones ibllib writes and reads.
 */

/** Alyx model names a note can be attached to (the `content_type` written to `/notes`). */
export type ContentType = 'session' | 'probeinsertion' | 'subject' | (string & {});

export type CriticalKindId = 'critical-session' | 'critical-insertion';
export type SignOffKindId =
  | 'signoff-task'
  | 'signoff-passive'
  | 'signoff-video'
  | 'signoff-raw-ephys'
  | 'signoff-spike-sorting'
  | 'signoff-alignment';
export type NoteKindId = CriticalKindId | SignOffKindId;

/** The reason every kind lists last; choosing it asks for free text. */
export const OTHER = 'Other';

interface NoteKindBase {
  readonly id: NoteKindId;
  /** A short human name, e.g. "Task sign-off". */
  readonly label: string;
  readonly contentType: 'session' | 'probeinsertion';
  /** The reasons in order, `Other` last. Index `i` is what a user types at the prompt (0-based, as ibllib). */
  readonly reasons: readonly string[];
  /** The question ibllib's terminal prompt asks above the numbered reasons. */
  readonly promptHeader: string;
}

export interface CriticalKind extends NoteKindBase {
  readonly id: CriticalKindId;
  readonly family: 'critical';
  readonly title: string;
  /** The subset the alignment GUI offers (insertions only). */
  readonly guiReasons?: readonly string[];
}

export interface SignOffKind extends NoteKindBase {
  readonly id: SignOffKindId;
  readonly family: 'signoff';
  readonly contentType: 'session';
  /** A sign-off key this kind usually goes with, e.g. `_ephysChoiceWorld_00`. */
  readonly exampleKey: string;
}

export type NoteKind = CriticalKind | SignOffKind;

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

/** A sign-off kind from its short name (`raw-ephys`: id `signoff-raw-ephys`, label "Raw ephys sign-off"). */
function signOff(name: string, exampleKey: string, reasons: readonly string[]): SignOffKind {
  return {
    id: `signoff-${name}` as SignOffKindId,
    family: 'signoff',
    label: `${name.charAt(0).toUpperCase()}${name.slice(1).replace('-', ' ')} sign-off`,
    contentType: 'session',
    reasons: [...reasons, OTHER],
    promptHeader: 'Select from this list the reason(s) that describe issues with this session:',
    exampleKey,
  };
}

const SIGN_OFF_KINDS = [
  signOff('task', '_ephysChoiceWorld_00', [
    'raw trial data does not exist',
    'wheel data corrupt',
    'task data could not be synced',
    'stimulus timings unreliable',
  ]),
  signOff('passive', '_passiveChoiceWorld_00', [
    'Raw passive data doesn\u2019t exist (no. of spacers = 0)',
    'Incorrect number or spacers (i.e passive cutoff midway)',
    'RFmap file doesn\u2019t exist',
    'Gabor patches couldn\u2019t be extracted',
    'Trial playback couldn\u2019t be extracted',
  ]),
  signOff('video', '_camera_left', [
    'The video timestamps are not the same length as the video file (either empty or slightly longer/shorter)',
    'The rotary encoder trace doesn\u2019t not appear synced with the video',
    'The QC fails because the GPIO file is missing or empty',
    'The frame rate in the video header is wrong (the video plays too slow or fast)',
    'The resolution is not what is defined in the experiment description file',
    'The DLC QC fails because something is obscuring the pupil',
  ]),
  signOff('raw-ephys', '_neuropixel_raw_probe00', ['Data has striping', 'Horizontal band', 'Discontunuity']),
  signOff('spike-sorting', '_neuropixel_spike_sorting_probe00', ['Spikesorting could not be run', 'Poor quality spikesorting']),
  signOff('alignment', '_neuropixel_alignment_probe00', []),
];

/** Every note kind, keyed by id, in the order a menu should list them. */
export const NOTE_KINDS = Object.fromEntries([
  critical('session', 'session', ['within experiment system crash', 'synching impossible', 'dud or mock session', 'essential dataset missing']),
  critical('insertion', 'probeinsertion', ['Histological images missing', 'Track not visible on imaging data', ...INSERTION_GUI_REASONS.slice(0, -1)], INSERTION_GUI_REASONS),
  ...SIGN_OFF_KINDS,
].map((kind) => [kind.id, kind])) as Readonly<Record<NoteKindId, NoteKind>>;

/**
 * Short names accepted wherever a sign-off kind is named (`kind="task"` in Python, `--kind task`):
 * the id without `signoff-`, also with `_` for `-`.
 */
export const SIGN_OFF_KIND_ALIASES: Readonly<Record<string, SignOffKindId>> = Object.fromEntries(SIGN_OFF_KINDS.flatMap(({ id }) => {
  const name = id.slice('signoff-'.length);
  return [...new Set([name, name.replace('-', '_')])].map((alias) => [alias, id]);
}));
