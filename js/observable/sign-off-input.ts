import type { AlyxClient } from '../core/client.ts';
import { loadSignOffContext, signOff } from '../core/sign-off.ts';
import { getSignOffKind, type ReasonChoice } from '../core/reasons.ts';
import { assertSignOffKey, assertUuid4 } from '../core/validation.ts';
import type { SignOffPanel } from '../elements/signoff-panel.ts';
import '../elements/signoff-panel.ts';
import { explainNetworkError } from './cors.ts';
import { signOffContextAfter } from '../elements/context-after.ts';
import './input-loader.ts';
import type { InputLoader } from './input-loader.ts';
import { figureOption, loadFigure, type FigureInput } from './figure-option.ts';
import { booleanOption, checkedOption, checkOptionNames, clientOption, stringOption, type MaybePromise } from './options.ts';

const FACTORY = 'signOffInput';
const OPTIONS = ['alyx', 'eid', 'kind', 'key', 'withNote', 'image'] as const;

/** Options of {@link signOffInput}. */
export interface SignOffInputOptions {
  /** A logged-in client (or a promise of one): `AlyxClient.login(...)`, `login(...)` or `loginForm`'s value. */
  readonly alyx: MaybePromise<AlyxClient>;
  /** The session's eid (a version-4 UUID). */
  readonly eid: string;
  /** `task`, `passive`, `video`, `raw-ephys`, `spike-sorting` or `alignment`. */
  readonly kind: string;
  /** The sign-off key from the session's `sign_off_checklist`, e.g. `_ephysChoiceWorld_00`. */
  readonly key: string;
  /** Start with "Write a note with the reasons" ticked (default `true`); the reviewer can change it. */
  readonly withNote?: boolean;
  /** The plot the reviewer judged, as PNG or JPEG (`figureFromSvg(svg)`): shown with "Attach this figure to the note" (ticked), written as a note of its own naming this sign-off. */
  readonly image?: MaybePromise<FigureInput>;
}

/** What {@link signOffInput} returns: an input whose `value` is the reviewer's choice. */
export type SignOffInput = InputLoader<SignOffPanel> & { value: ReasonChoice };

/**
 * A sign-off input for an Observable notebook:
 * `viewof signoff = signOffInput({alyx, eid, kind: "task", key: "_ephysChoiceWorld_00"})`.
 *
 * The element loads the session's checklist entry and sign-off note from Alyx, shows the reasons
 * checklist, and writes the note (and the checklist entry) when the reviewer presses Sign off.
 * Its `value` is the reviewer's current choice, `{reasons, other}`, and it dispatches `input`
 * whenever the reviewer changes it. Throws a `TypeError` at once for a bad option.
 */
export function signOffInput(options: SignOffInputOptions): SignOffInput {
  checkOptionNames(FACTORY, options, OPTIONS);
  const alyx = clientOption(FACTORY, options.alyx);
  const eid = checkedOption(FACTORY, 'eid', () => assertUuid4(stringOption(FACTORY, 'eid', options.eid, '2ffd3ed5-477e-4153-9af7-7fdad3c6946b'), 'session eid'));
  const kind = checkedOption(FACTORY, 'kind', () => getSignOffKind(stringOption(FACTORY, 'kind', options.kind, 'task')).id);
  const key = checkedOption(FACTORY, 'key', () => assertSignOffKey(stringOption(FACTORY, 'key', options.key, '_ephysChoiceWorld_00')));
  const withNote = booleanOption(FACTORY, 'withNote', options.withNote, true);
  const image = figureOption(FACTORY, options.image);

  const panel = document.createElement('alyx-qc-signoff');
  panel.withNote = withNote;
  const loader = document.createElement('alyx-qc-input-loader') as SignOffInput;
  loader.label = `Loading the sign-off ${key} of session ${eid} from Alyx`;
  loader.append(panel);
  void loader.start(async (signal) => {
    const client = await alyx;
    // Checked before anything is shown: a figure that is no PNG or JPEG is the input's error.
    const figure = image === undefined ? undefined : await loadFigure(image);
    if (figure) panel.figure = figure.thumbnail;
    // What the reviewer is shown, followed by every write: the write lists no notes it already has
    // (issue 12); after a failure (part of it may have landed) the next one reads them again.
    let context = await loadSignOffContext(client, { eid, signOffKey: key, kind, signal });
    let trusted = true;
    panel.context = context;
    panel.submit = async (submission, submitSignal) => {
      try {
        const result = await signOff(client, {
          ...(trusted ? { context } : {}),
          eid,
          signOffKey: key,
          kind,
          withNote: submission.withNote,
          reasons: submission.choice.reasons,
          other: submission.choice.other,
          signal: submitSignal,
          ...(figure && submission.attachFigure !== false ? { image: figure.attachment } : {}),
        });
        context = { ...context, ...signOffContextAfter(context, result) };
        trusted = true;
        return result;
      } catch (error) {
        trusted = false;
        throw await explainNetworkError(error);
      }
    };
  });
  return loader;
}
