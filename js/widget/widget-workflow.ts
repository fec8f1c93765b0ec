/**
 * What differs between the two widgets: the panel they show, how they load what Alyx holds, how
 * they write, and how a write asked for from Python is put and reported. Each widget's entry
 * module passes its own, so each bundle holds only its own panel and workflow.
 */
import type { AlyxNote } from '../core/alyx-types.ts';
import type { AlyxRestClient } from '../core/rest-client.ts';
import type { ReasonChoice } from '../core/reasons.ts';
import type { CriticalContext, CriticalResult, SignOffContext, SignOffResult } from '../core/workflow-types.ts';
import type { SubmitMessage } from './relay-messages.ts';
import type { WidgetConfig } from './widget-state.ts';

export type WidgetContext = SignOffContext | CriticalContext;
export type WidgetResult = SignOffResult | CriticalResult;

/** The panel element's contract, as the glue uses it (the Observable value contract plus `submit` and the figures' loader). */
export interface WorkflowPanel<C extends WidgetContext, S, R extends WidgetResult> extends HTMLElement {
  context: C | null;
  submit: ((submission: S, signal: AbortSignal, onWritten?: (result: R) => void) => Promise<R>) | undefined;
  value: ReasonChoice;
  loadFigure: ((note: AlyxNote, signal: AbortSignal) => Promise<Blob>) | null;
}

/** How a write asked for from Python ended, in words for Python. */
export interface KernelReport {
  readonly written: boolean;
  readonly message: string;
}

export interface WidgetWorkflow<C extends WidgetContext, S, R extends WidgetResult> {
  /** What a view is about, e.g. "the sign-off of _ephysChoiceWorld_00 for session <eid>". */
  label(config: WidgetConfig): string;
  createPanel(config: WidgetConfig): WorkflowPanel<C, S, R>;
  load(client: AlyxRestClient, config: WidgetConfig, signal?: AbortSignal): Promise<C>;
  /**
   * Writes a submission from `context`, what the view loaded and shows (so the write reads no
   * notes again, as ibllib's; an overwrite replaces only the notes shown); `undefined` when the
   * view has none, and the core reads Alyx itself. `onWritten`: called once the writes are
   * answered, when the workflow checks them afterwards (the sign-off's read-back).
   */
  write(client: AlyxRestClient, config: WidgetConfig, submission: S, signal: AbortSignal, context: C | undefined, onWritten?: (result: R) => void): Promise<R>;
  /** What Alyx holds after `result`, from its own answer: the view's next context, read from no one. */
  after(context: C, result: R): C;
  /** Python's `submit(...)` as a panel submission. */
  fromKernel(message: SubmitMessage, choice: ReasonChoice): S;
  report(result: R, config: WidgetConfig): KernelReport;
  /** The reasons Python's reason numbers index, when not all of the kind's. */
  numberedReasons?(config: WidgetConfig): readonly string[] | undefined;
}
