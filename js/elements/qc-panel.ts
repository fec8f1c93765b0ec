import { html, LitElement, nothing, type TemplateResult, type PropertyDeclarations } from 'lit';
import type { NoteKindId } from '../core/note-kinds.ts';
import type { ReasonChoice } from '../core/reasons.ts';
import { ColorSchemeController } from './color-scheme.ts';
import { emit } from './events.ts';
import './reason-checklist.ts';
import { stopKeyPropagation } from './stop-key-propagation.ts';
import { SubmissionController, type SubmitFunction } from './submission.ts';
import { panelStyles, theme } from './theme.ts';

export const NO_CHOICE: ReasonChoice = { reasons: [], other: null };

/**
 * What the two panels share: `context`, `submit` and `value` properties, the checklist wiring
 * (its events re-dispatched from the panel, so `value` is the panel's), the submission state,
 * the submit button and the status line. Not registered as an element itself.
 */
export abstract class QcPanel<C, S, R extends { readonly status: string }> extends LitElement {
  static override properties: PropertyDeclarations = {
    context: { attribute: false },
    submit: { attribute: false },
    value: { attribute: false },
    notice: { state: true },
  };

  static override styles = [theme, panelStyles];

  /** What the reviewer acts on and what Alyx holds already; `null` while loading. */
  declare context: C | null;
  /** Performs the write (the core's workflow, through the widget or a fetch transport). */
  declare submit: SubmitFunction<S, R> | undefined;
  /** The reviewer's reasons and "Other" text. */
  declare value: ReasonChoice;
  /** A message for the idle state (e.g. after a cancel). */
  declare protected notice: string;

  protected readonly scheme = new ColorSchemeController(this);
  protected readonly submission = new SubmissionController<S, R>(this, (result) => this.completed(result));

  constructor() {
    super();
    this.context = null;
    this.submit = undefined;
    this.value = NO_CHOICE;
    this.notice = '';
    stopKeyPropagation(this);
  }

  /** Called after `submit` resolved (whatever the result's status). */
  protected completed(_result: R): void {}

  /** Whether a click on the submit button may start a submission now. */
  protected canSubmit(): boolean {
    const { status } = this.submission.state;
    return this.context !== null && status !== 'pending' && status !== 'complete';
  }

  /** Checks the choice; on failure the checklist says why and takes focus. */
  protected checkChoice(): boolean {
    return this.renderRoot.querySelector('alyx-qc-reason-checklist')?.reportValidity() ?? false;
  }

  /** Puts focus back on the submit button (after the overwrite dialog closes). */
  protected focusSubmit(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.actions > button')?.focus());
  }

  protected run(submission: S): void {
    this.notice = '';
    void this.submission.run(this.submit, submission);
  }

  /** The outer card around `body` (a section named by its `#title` heading), in the host's colour scheme. */
  protected shell(body: unknown): TemplateResult {
    return html`<section class="root panel ${this.scheme.scheme}" aria-labelledby="title">${body}</section>`;
  }

  /** The card with only a message: nothing to act on yet, or a context that cannot work. */
  protected message(body: unknown): TemplateResult {
    return html`<div class="root panel ${this.scheme.scheme}">${body}</div>`;
  }

  protected renderChecklist(kind: NoteKindId, disabled: boolean, required: boolean, reasons?: readonly string[]): TemplateResult {
    return html`<alyx-qc-reason-checklist
      .kind=${kind}
      .reasons=${reasons}
      .value=${this.value}
      ?disabled=${disabled}
      ?required=${required}
      @input=${this.onChoice}
      @change=${this.onChoiceChange}
    ></alyx-qc-reason-checklist>`;
  }

  /**
   * The submit button and the status line. The button stays focusable while unavailable
   * (`aria-disabled`, not `disabled`), so keyboard focus is not lost while a write is in flight.
   */
  protected renderActions(label: string, className: string, message: unknown, onRetry?: () => void): TemplateResult {
    const pending = this.submission.pending;
    return html`<div class="actions">
      <button class=${className} aria-disabled=${this.canSubmit() ? 'false' : 'true'} @click=${this.onSubmit}>${label}</button>
      <div role="status" aria-live="polite">${pending ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}${message}</div>
      ${onRetry ? html`<button @click=${onRetry}>Retry</button>` : nothing}
    </div>`;
  }

  protected abstract onSubmit(): void;

  protected onChoice(event: Event): void {
    event.stopPropagation();
    this.value = (event.target as HTMLElementTagNameMap['alyx-qc-reason-checklist']).value;
    this.choiceChanged();
    emit(this, 'input', this.value);
  }

  protected onChoiceChange(event: Event): void {
    event.stopPropagation();
    emit(this, 'change', this.value);
  }

  /** A new choice after a result makes the button available again. */
  protected choiceChanged(): void {
    if (this.submission.state.status === 'complete') this.submission.reset();
  }
}
