/**
 * The sign-off kinds of `ibllib.qc.critical_reasons` and their short names (registered in
 * note-kind.ts when loaded; `getSignOffKind` in reasons.ts looks them up). Reason strings are part
 * of the stored format, typos and U+2019 apostrophes included: never "fix" them.
 */
import { OTHER, registerKinds, type SignOffKind, type SignOffKindId } from './note-kind.ts';

/** A sign-off kind from its short name (`raw-ephys`: id `signoff-raw-ephys`, label "Raw ephys sign-off"). */
function signOff(name: string, reasons: readonly string[]): SignOffKind {
  return {
    id: `signoff-${name}` as SignOffKindId,
    family: 'signoff',
    label: `${name.charAt(0).toUpperCase()}${name.slice(1).replace('-', ' ')} sign-off`,
    contentType: 'session',
    reasons: [...reasons, OTHER],
    promptHeader: 'Select from this list the reason(s) that describe issues with this session:',
  };
}

const SIGN_OFF_KIND_LIST = [
  signOff('task', [
    'raw trial data does not exist',
    'wheel data corrupt',
    'task data could not be synced',
    'stimulus timings unreliable',
  ]),
  signOff('passive', [
    'Raw passive data doesn\u2019t exist (no. of spacers = 0)',
    'Incorrect number or spacers (i.e passive cutoff midway)',
    'RFmap file doesn\u2019t exist',
    'Gabor patches couldn\u2019t be extracted',
    'Trial playback couldn\u2019t be extracted',
  ]),
  signOff('video', [
    'The video timestamps are not the same length as the video file (either empty or slightly longer/shorter)',
    'The rotary encoder trace doesn\u2019t not appear synced with the video',
    'The QC fails because the GPIO file is missing or empty',
    'The frame rate in the video header is wrong (the video plays too slow or fast)',
    'The resolution is not what is defined in the experiment description file',
    'The DLC QC fails because something is obscuring the pupil',
  ]),
  signOff('raw-ephys', ['Data has striping', 'Horizontal band', 'Discontunuity']),
  signOff('spike-sorting', ['Spikesorting could not be run', 'Poor quality spikesorting']),
  signOff('alignment', []),
];

/**
 * Short names accepted wherever a sign-off kind is named (`kind="task"` in Python, `--kind task`):
 * the id without `signoff-`, also with `_` for `-`.
 */
export const SIGN_OFF_KIND_ALIASES: Readonly<Record<string, SignOffKindId>> = Object.fromEntries(SIGN_OFF_KIND_LIST.flatMap(({ id }) => {
  const name = id.slice('signoff-'.length);
  return [...new Set([name, name.replace('-', '_')])].map((alias) => [alias, id]);
}));

/** The sign-off kinds, keyed by id. */
export const SIGN_OFF_KINDS = registerKinds(SIGN_OFF_KIND_LIST, SIGN_OFF_KIND_ALIASES);

