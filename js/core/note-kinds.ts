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

const SIGN_OFF_HEADER = 'Select from this list the reason(s) that describe issues with this session:';
const INSERTION_GUI_REASONS = ['Noise and artifact', 'Drift', 'Poor neural yield', 'Brain Damage', OTHER] as const;

function signOff(id: SignOffKindId, label: string, exampleKey: string, reasons: readonly string[]): SignOffKind {
  return { id, family: 'signoff', label, contentType: 'session', reasons: [...reasons, OTHER], promptHeader: SIGN_OFF_HEADER, exampleKey };
}

/** Every note kind, keyed by id, in the order a menu should list them. */
export const NOTE_KINDS: Readonly<Record<NoteKindId, NoteKind>> = {
  'critical-session': {
    id: 'critical-session',
    family: 'critical',
    label: 'Critical session',
    contentType: 'session',
    title: '=== EXPERIMENTER REASON(S) FOR MARKING THE SESSION AS CRITICAL ===',
    reasons: ['within experiment system crash', 'synching impossible', 'dud or mock session', 'essential dataset missing', OTHER],
    promptHeader: 'Select from this list the reason(s) why you are marking the session as CRITICAL:',
  },
  'critical-insertion': {
    id: 'critical-insertion',
    family: 'critical',
    label: 'Critical insertion',
    contentType: 'probeinsertion',
    title: '=== EXPERIMENTER REASON(S) FOR MARKING THE INSERTION AS CRITICAL ===',
    reasons: ['Histological images missing', 'Track not visible on imaging data', ...INSERTION_GUI_REASONS],
    guiReasons: INSERTION_GUI_REASONS,
    promptHeader: 'Select from this list the reason(s) why you are marking the insertion as CRITICAL:',
  },
  'signoff-task': signOff('signoff-task', 'Task sign-off', '_ephysChoiceWorld_00', [
    'raw trial data does not exist',
    'wheel data corrupt',
    'task data could not be synced',
    'stimulus timings unreliable',
  ]),
  'signoff-passive': signOff('signoff-passive', 'Passive sign-off', '_passiveChoiceWorld_00', [
    'Raw passive data doesn\u2019t exist (no. of spacers = 0)',
    'Incorrect number or spacers (i.e passive cutoff midway)',
    'RFmap file doesn\u2019t exist',
    'Gabor patches couldn\u2019t be extracted',
    'Trial playback couldn\u2019t be extracted',
  ]),
  'signoff-video': signOff('signoff-video', 'Video sign-off', '_camera_left', [
    'The video timestamps are not the same length as the video file (either empty or slightly longer/shorter)',
    'The rotary encoder trace doesn\u2019t not appear synced with the video',
    'The QC fails because the GPIO file is missing or empty',
    'The frame rate in the video header is wrong (the video plays too slow or fast)',
    'The resolution is not what is defined in the experiment description file',
    'The DLC QC fails because something is obscuring the pupil',
  ]),
  'signoff-raw-ephys': signOff('signoff-raw-ephys', 'Raw ephys sign-off', '_neuropixel_raw_probe00', [
    'Data has striping',
    'Horizontal band',
    'Discontunuity',
  ]),
  'signoff-spike-sorting': signOff('signoff-spike-sorting', 'Spike sorting sign-off', '_neuropixel_spike_sorting_probe00', [
    'Spikesorting could not be run',
    'Poor quality spikesorting',
  ]),
  'signoff-alignment': signOff('signoff-alignment', 'Alignment sign-off', '_neuropixel_alignment_probe00', []),
};

/** Short names accepted wherever a sign-off kind is named (`kind="task"` in Python, `--kind task`). */
export const SIGN_OFF_KIND_ALIASES: Readonly<Record<string, SignOffKindId>> = {
  task: 'signoff-task',
  passive: 'signoff-passive',
  video: 'signoff-video',
  'raw-ephys': 'signoff-raw-ephys',
  raw_ephys: 'signoff-raw-ephys',
  'spike-sorting': 'signoff-spike-sorting',
  spike_sorting: 'signoff-spike-sorting',
  alignment: 'signoff-alignment',
};
