import type { AlyxClient } from '../core/client.ts';
import { loadCriticalContext, writeCriticalNote } from '../core/critical-note.ts';
import type { ReasonChoice } from '../core/reasons.ts';
import { FigureNotAttachedError } from '../core/figure-note.ts';
import { assertUuid4 } from '../core/validation.ts';
import type { CriticalNotePanel } from '../elements/critical-note-panel.ts';
import '../elements/critical-note-panel.ts';
import { explainNetworkError } from './cors.ts';
import { criticalContextAfter } from '../elements/context-after.ts';
import './input-loader.ts';
import type { InputLoader } from './input-loader.ts';
import { figureOption, loadFigure, type FigureInput } from './figure-option.ts';
import { checkedOption, checkOptionNames, clientOption, stringOption, type MaybePromise } from './options.ts';

const FACTORY = 'criticalNoteInput';
const OPTIONS = ['alyx', 'uuid', 'contentType', 'image'] as const;

/** Options of {@link criticalNoteInput}. */
export interface CriticalNoteInputOptions {
  /** A logged-in client (or a promise of one): `AlyxClient.login(...)`, `login(...)` or `loginForm`'s value. */
  readonly alyx: MaybePromise<AlyxClient>;
  /** A session eid or a probe insertion pid (version-4 UUID); which one is looked up in Alyx. */
  readonly uuid: string;
  /** The Alyx model when the UUID is neither a session nor an insertion (e.g. `subject`). */
  readonly contentType?: string;
  /** The plot the reviewer judged, as PNG or JPEG (`figureFromSvg(svg)`): written after the note as a note of its own naming it. */
  readonly image?: MaybePromise<FigureInput>;
}

/** What {@link criticalNoteInput} returns: an input whose `value` is the reviewer's choice. */
export type CriticalNoteInput = InputLoader<CriticalNotePanel> & { value: ReasonChoice };

/**
 * An input that marks a session or probe insertion as CRITICAL, for an Observable notebook:
 * `viewof critical = criticalNoteInput({alyx, uuid: pid})`.
 *
 * The element looks up what the UUID is and its existing critical notes, shows the reasons, and
 * writes the note when the reviewer submits; existing notes are only replaced after the
 * reviewer confirms in a dialog. Its `value` is the reviewer's current choice, `{reasons, other}`,
 * and it dispatches `input` whenever the reviewer changes it. Throws a `TypeError` at once for a
 * bad option.
 */
export function criticalNoteInput(options: CriticalNoteInputOptions): CriticalNoteInput {
  checkOptionNames(FACTORY, options, OPTIONS);
  const alyx = clientOption(FACTORY, options.alyx);
  const uuid = checkedOption(FACTORY, 'uuid', () => assertUuid4(stringOption(FACTORY, 'uuid', options.uuid, '2ffd3ed5-477e-4153-9af7-7fdad3c6946b')));
  const contentType = options.contentType === undefined ? undefined : stringOption(FACTORY, 'contentType', options.contentType, 'subject');
  const image = figureOption(FACTORY, options.image);

  const panel = document.createElement('alyx-qc-critical-note');
  const loader = document.createElement('alyx-qc-input-loader') as CriticalNoteInput;
  loader.label = `Loading ${uuid} and its critical notes from Alyx`;
  loader.append(panel);
  void loader.start(async (signal) => {
    const client = await alyx;
    // Checked before anything is shown: a figure that is no PNG or JPEG is the input's error.
    const figure = image === undefined ? undefined : await loadFigure(image);
    if (figure) panel.figure = figure.thumbnail;
    // A note written whose figure was not: Retry attaches only the figure to it (docs/figures.md).
    let unattached: FigureNotAttachedError | undefined;
    // What the reviewer is shown: the write sends only its POST and DELETEs (issue 12), and an
    // overwrite replaces these notes only. It follows every write, so a second cannot post beside
    // the first; after a failure (part of it may have landed) the next write reads Alyx again.
    let context = await loadCriticalContext(client, uuid, { contentType, signal });
    let trusted = true;
    panel.context = context;
    panel.submit = async (submission, submitSignal) => {
      const attachment = figure && submission.attachFigure !== false ? figure.attachment : undefined;
      try {
        if (unattached && attachment) {
          const attached = await attachment.attach(client, unattached.target, submitSignal);
          const { note } = unattached;
          unattached = undefined;
          return { status: 'written', note, text: note.text, deletedNoteIds: [], figure: attached };
        }
        const result = await writeCriticalNote(client, {
          uuid,
          contentType: context.contentType,
          reasons: submission.choice.reasons,
          other: submission.choice.other,
          overwrite: submission.overwrite,
          ...(trusted ? { context } : {}),
          confirmedNotes: context.existingNotes,
          signal: submitSignal,
          ...(attachment ? { image: attachment } : {}),
        });
        context = criticalContextAfter(context, result);
        trusted = true;
        return result;
      } catch (error) {
        if (error instanceof FigureNotAttachedError) unattached = error;
        trusted = false;
        throw await explainNetworkError(error);
      }
    };
  });
  return loader;
}
