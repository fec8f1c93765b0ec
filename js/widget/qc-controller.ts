/**
 * One per widget model in a front end, shared by all of its views: the Alyx client over the
 * kernel relay, the context the panels show, and every write, whether a view's panel or Python's
 * `widget.submit(...)` asked for it. Writes run one at a time, and their outcome goes to the
 * traits (`status`, `error`, `last_written`, `existing_notes`) so Python reads what happened.
 */
import { AlyxClient } from '../core/client.ts';
import { InputError } from '../core/errors.ts';
import { getNoteKind, reasonsFromNumbers, type ReasonChoice } from '../core/reasons.ts';
import type { KernelRelay } from './kernel-transport.ts';
import type { SubmitMessage } from './relay-messages.ts';
import type { WidgetContext, WidgetResult, WidgetWorkflow } from './widget-workflow.ts';
import { readConfig, writeChoice, writeOutcome, type WidgetConfig, type WidgetModel } from './widget-state.ts';

/** What a view shows around its panel. */
export type ControllerPhase<C extends WidgetContext = WidgetContext> =
  | { readonly phase: 'loading' }
  | { readonly phase: 'load-failed'; readonly message: string }
  | { readonly phase: 'ready'; readonly context: C };

/** The last write Python asked for, shown by every view (a panel only shows its own). */
export type KernelSubmitState =
  | { readonly status: 'pending' }
  | { readonly status: 'written'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string };

/** The client's per-request timeout: longer than the relay's, so the relay's clearer message wins. */
const CLIENT_TIMEOUT_MS = 60_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class QcController<C extends WidgetContext = WidgetContext, S = unknown, R extends WidgetResult = WidgetResult> {
  readonly config: WidgetConfig;
  readonly frontendId: string;
  readonly workflow: WidgetWorkflow<C, S, R>;
  readonly #model: WidgetModel;
  readonly #client: Promise<AlyxClient>;
  readonly #listeners = new Set<() => void>();
  #phase: ControllerPhase<C> = { phase: 'loading' };
  #kernelSubmit: KernelSubmitState | undefined;
  #loading: Promise<void> | undefined;
  #writes: Promise<unknown> = Promise.resolve();
  #views = 0;

  constructor(model: WidgetModel, relay: KernelRelay, frontendId: string, workflow: WidgetWorkflow<C, S, R>) {
    this.#model = model;
    this.workflow = workflow;
    this.config = readConfig(model);
    this.frontendId = frontendId;
    // With the relay authenticating, `login` sends nothing: it checks the base URL and user.
    this.#client = AlyxClient.login(this.config.baseUrl, { username: this.config.user, transportAuthenticates: true }, {
      transport: relay.transport,
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    // Failures surface when the client is first used; do not report them as unhandled here.
    this.#client.catch(() => undefined);
  }

  get phase(): ControllerPhase<C> {
    return this.#phase;
  }

  get kernelSubmit(): KernelSubmitState | undefined {
    return this.#kernelSubmit;
  }

  /** Calls `listener` on every change of `phase` or `kernelSubmit`; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A view appeared: the first one loads the context. Returns the call for when it goes. */
  attachView(): () => void {
    this.#views++;
    this.#announceViews();
    void this.load();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.#views--;
      this.#announceViews();
    };
  }

  /** Loads the context once (again after a failure); every view waits for the same load. */
  load(): Promise<void> {
    if (this.#phase.phase === 'load-failed') this.#loading = undefined;
    this.#loading ??= this.#load();
    return this.#loading;
  }

  /** The panel's submit. An overwrite replaces only the notes the reviewer saw. */
  submitFromPanel(submission: S, signal: AbortSignal): Promise<R> {
    const seen = this.#phase.phase === 'ready' ? this.#phase.context.existingNotes.map((note) => note.id) : [];
    return this.#write(async () => this.workflow.write(await this.#client, this.config, submission, signal, seen));
  }

  /** `widget.submit(...)` from Python, when addressed to this front end. */
  async runKernelSubmit(message: SubmitMessage): Promise<void> {
    if (message.frontend !== this.frontendId) return;
    this.#setKernelSubmit({ status: 'pending' });
    try {
      await this.load();
      const choice = this.#choiceFrom(message.choice);
      // Show what Python submitted, in every view and in `widget.selected`.
      writeChoice(this.#model, choice);
      const submission = this.workflow.fromKernel(message, choice);
      const result = await this.#write(async () => this.workflow.write(await this.#client, this.config, submission, new AbortController().signal, undefined));
      const report = this.workflow.report(result, this.config);
      // Refused for want of a confirmation: failed for Python (the existing notes are in the traits).
      if (!report.written) writeOutcome(this.#model, { status: 'failed', error: report.message });
      this.#setKernelSubmit({ status: report.written ? 'written' : 'failed', message: report.message });
    } catch (error) {
      const text = messageOf(error);
      // A choice refused before any request never reached #write: report it the same way.
      if (this.#model.get('status') !== 'failed') writeOutcome(this.#model, { status: 'failed', error: text });
      this.#setKernelSubmit({ status: 'failed', message: text });
    }
  }

  async #load(): Promise<void> {
    this.#setPhase({ phase: 'loading' });
    writeOutcome(this.#model, { status: 'loading' });
    try {
      const context = await this.#loadContext();
      this.#setPhase({ phase: 'ready', context });
      writeOutcome(this.#model, { status: 'idle', existingNotes: context.existingNotes });
    } catch (error) {
      const message = messageOf(error);
      console.error('[alyx-qc] loading the widget failed:', error);
      this.#setPhase({ phase: 'load-failed', message });
      writeOutcome(this.#model, { status: 'failed', error: message });
    }
  }

  async #loadContext(): Promise<C> {
    return this.workflow.load(await this.#client, this.config);
  }

  /** Runs writes one at a time and puts their outcome into the traits. */
  #write(run: () => Promise<R>): Promise<R> {
    const next = this.#writes.then(async () => {
      writeOutcome(this.#model, { status: 'pending' });
      try {
        const result = await run();
        if (result.status === 'written' || result.status === 'superseded') {
          writeOutcome(this.#model, { status: 'written', written: result });
          await this.#refreshContext();
        } else if (result.status === 'needs-confirmation') {
          writeOutcome(this.#model, { status: 'idle', existingNotes: result.existingNotes });
        } else {
          writeOutcome(this.#model, { status: 'idle' });
        }
        return result;
      } catch (error) {
        writeOutcome(this.#model, { status: 'failed', error: messageOf(error) });
        throw error;
      }
    });
    this.#writes = next.catch(() => undefined);
    return next;
  }

  /** After a write, what the panels show (existing notes, checklist entry) is re-read. */
  async #refreshContext(): Promise<void> {
    try {
      const context = await this.#loadContext();
      this.#setPhase({ phase: 'ready', context });
      writeOutcome(this.#model, { status: 'written', existingNotes: context.existingNotes });
    } catch (error) {
      // The write itself succeeded; a stale list is not worth failing it for.
      console.warn('[alyx-qc] re-reading the notes after the write failed:', error);
    }
  }

  /** Python's choice as reasons: `nums` are turned into reasons here, so the panels can show them. */
  #choiceFrom(choice: SubmitMessage['choice']): ReasonChoice {
    const other = choice.other ?? null;
    if (choice.nums === undefined || choice.nums === null) return { reasons: [...(choice.reasons ?? [])], other };
    if (this.#phase.phase !== 'ready') throw new InputError('The widget could not load its context from Alyx, so the reason numbers cannot be read.');
    const kind = getNoteKind(this.#phase.context.kind);
    return { reasons: reasonsFromNumbers(kind, choice.nums, this.workflow.numberedReasons?.(this.config)), other };
  }

  #announceViews(): void {
    try {
      this.#model.send({ type: 'views', frontend: this.frontendId, count: this.#views });
    } catch {
      // No kernel (saved widget state shown without one): nobody to tell.
    }
  }

  #setPhase(phase: ControllerPhase<C>): void {
    this.#phase = phase;
    this.#notify();
  }

  #setKernelSubmit(state: KernelSubmitState): void {
    this.#kernelSubmit = state;
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
