import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { NoteKindId } from '../core/note-kind.ts';
import type { ReasonChoice } from '../core/reasons.ts';
import type { PlannedRequest } from '../core/workflow-types.ts';
import { emit, type FailedDetail, type ReasonChoiceEvent } from './events.ts';
import { QcElement } from './qc-element.ts';
import { NO_CHOICE } from './reason-checklist.ts';
import { errorMessage, type SubmissionState, type SubmitFunction } from './submission.ts';

/** What both workflows return for `dryRun: true`: the requests they would send and the note text. */
interface DryRun {
  readonly status: 'dry-run';
  readonly text: string | null;
  readonly requests: readonly PlannedRequest[];
}

function isDryRun(result: { readonly status: string }): result is DryRun {
  return result.status === 'dry-run';
}

/**
 * What the two panels share: `context`, `submit` and `value` properties, the card with its
 * empty and bad-context states, the checklist wiring, the submission and its status line.
 * Not registered as an element itself.
 *
 * @typeParam C - the context; K - its note kind; S - a submission; R - the workflow's result.
 */
export abstract class QcPanel<C extends { readonly kind: string }, K, S, R extends { readonly status: string }> extends QcElement {
  static override properties: PropertyDeclarations = {
    context: { attribute: false },
    submit: { attribute: false },
    value: { attribute: false },
    state: { state: true },
  };

  /** What the reviewer acts on and what Alyx holds already; `null` while loading. */
  declare context: C | null;
  /** Performs the write (the core's workflow, through the widget or a fetch transport). */
  declare submit: SubmitFunction<S, R> | undefined;
  /** The reviewer's reasons and "Other" text. */
  declare value: ReasonChoice;
  /** The submission: idle → pending → complete or failed. One at a time, so a double click writes once. */
  declare protected state: SubmissionState<S, R>;

  /** Shown while there is no context. */
  protected abstract readonly waiting: string;

  constructor() {
    super();
    this.context = null;
    this.value = NO_CHOICE;
    this.state = { status: 'idle' };
  }

  /** The context's note kind, or an error saying what to use instead. */
  protected abstract kindOf(kind: string): K;
  /** The inside of the card, for a context of a valid kind. */
  protected abstract renderPanel(context: C, kind: K): unknown;
  /** The status line after `submit` resolved with a result other than a dry run, and what to show under it. */
  protected abstract describe(result: R): [unknown, unknown];
  protected abstract onSubmit(): void;
  /** Called after `submit` resolved (whatever the result's status). */
  protected abstract completed(result: R): void;

  protected override render(): unknown {
    const { context } = this;
    const root = `${this.root} panel`;
    let notice: TemplateResult;
    try {
      if (context) return html`<section class=${root} aria-labelledby="title">${this.renderPanel(context, this.kindOf(context.kind))}</section>`;
      notice = html`<p class="muted">${this.waiting}</p>`;
    } catch (error) {
      // A context of an unknown kind (or one the panel cannot show) says why in the card, not only in the console.
      notice = html`<p class="notice error" role="alert">[alyx-qc] ${errorMessage(error)}</p>`;
    }
    return html`<div class=${root}>${notice}</div>`;
  }


  /** Whether a click on the submit button may start a submission now. */
  protected canSubmit(): boolean {
    const { status } = this.state;
    return status !== 'pending' && status !== 'complete';
  }

  /** Checks the choice; on failure the checklist says why and takes focus. */
  protected checkChoice(): boolean {
    return this.renderRoot.querySelector('alyx-qc-reason-checklist')?.reportValidity() ?? false;
  }

  /** What Retry does after a failure: submit the current choice again. */
  protected retry(_failed: S): void {
    this.onSubmit();
  }

  protected async run(submission: S): Promise<void> {
    if (this.state.status === 'pending') return;
    this.state = { status: 'pending', submission };
    let early: R | undefined;
    try {
      if (typeof this.submit !== 'function') {
        throw new TypeError('This panel has no submit function: set its `submit` property to the workflow to call.');
      }
      // A signal per submission, as the contract asks. It is never aborted: a write in flight
      // when the element leaves the page (a notebook re-rendering its outputs) must finish, or
      // Alyx could be left half-written; the result then simply lands in a detached element.
      const result = await this.submit(submission, new AbortController().signal, (written) => {
        early = written;
        this.state = { status: 'complete', submission, result: written, verifying: true };
      });
      // What the read-back settled on differs from what was first written: it wrote again.
      this.state = { status: 'complete', submission, result, rewritten: early !== undefined && JSON.stringify(early) !== JSON.stringify(result) };
      if (result.status === 'written') emit(this, 'alyx-qc-written', result);
      this.completed(result);
    } catch (error) {
      console.error('[alyx-qc] submission failed:', error);
      const reason = errorMessage(error);
      const message = early ? `written, but the check after it failed: ${reason}` : reason;
      this.state = { status: 'failed', submission, message };
      emit<FailedDetail>(this, 'alyx-qc-failed', { error, message });
    }
  }

  /** Whether the last submission was written: the panel then shows the verdict, and offers to change it. */
  protected get written(): boolean {
    return this.state.status === 'complete' && this.state.result.status === 'written';
  }

  /**
   * The checklist. Its `input` and `change` events are composed: they leave this shadow root as
   * the panel's own (retargeted to it), after `value` is updated here.
   */
  protected renderChecklist(kind: NoteKindId, disabled: boolean, required: boolean, reasons?: readonly string[]): TemplateResult {
    return html`<alyx-qc-reason-checklist
      .kind=${kind}
      .reasons=${reasons}
      .value=${this.value}
      ?disabled=${disabled || this.written}
      ?required=${required}
      @input=${this.#onChoice}
    ></alyx-qc-reason-checklist>`;
  }

  /**
   * The submit button, the status line for each state and what a result adds under it. One
   * template for every state, so the button is never re-created (it keeps keyboard focus through
   * a write), and it stays focusable while unavailable (`aria-disabled`, not `disabled`).
   */
  protected renderActions(label: string, className: string, pending: string, failed: string): TemplateResult {
    const { state, written } = this;
    let message: unknown;
    let after: unknown = nothing;
    if (state.status === 'idle') message = state.notice;
    if (state.status === 'pending') message = html`<span class="spinner" aria-hidden="true"></span>${pending}`;
    if (state.status === 'failed') message = `${failed}: ${state.message}`;
    if (state.status === 'complete') {
      const { result } = state;
      [message, after] = isDryRun(result)
        ? [`Dry run, nothing written: it would send ${result.requests.length} requests.`, result.text === null ? nothing : html`<pre>${result.text}</pre>`]
        : this.describe(result);
      if (state.verifying) message = html`${message} <span class="muted">Checking…</span>`;
      if (state.rewritten) message = html`${message} Written again: someone wrote meanwhile.`;
    }
    // Written: the verdict as Alyx holds it, in the success style, and the button offers a new
    // submission (available once the read-back is done).
    const verifying = state.status === 'complete' && state.verifying;
    return html`<div class="actions">
        <button
          class=${written ? '' : className}
          aria-disabled=${(written ? !verifying : this.canSubmit()) ? 'false' : 'true'}
          @click=${written ? this.#reopen : this.onSubmit}
        >
          ${written ? 'Change the verdict' : label}
        </button>
        <div role="status" aria-live="polite" class=${written ? 'notice ok' : ''}>${message}${written ? after : nothing}</div>
        ${state.status === 'failed' ? html`<button @click=${() => this.retry(state.submission)}>Retry</button>` : nothing}
      </div>
      ${written ? nothing : after}`;
  }

  /** "Change the verdict": a new submission, with what was just written now among what Alyx holds. */
  #reopen(): void {
    if (this.state.status === 'complete' && !this.state.verifying) this.state = { status: 'idle' };
  }

  /** A new choice after a result makes the button available again. */
  protected choiceChanged(): void {
    if (this.state.status === 'complete') this.state = { status: 'idle' };
  }

  #onChoice(event: ReasonChoiceEvent): void {
    this.value = event.detail;
    this.choiceChanged();
  }
}
