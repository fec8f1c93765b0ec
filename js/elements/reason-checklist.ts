import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { OTHER, type NoteKind, type NoteKindId } from '../core/note-kind.ts';
import { getNoteKind, validateChoice, type ReasonChoice } from '../core/reasons.ts';
import { defineElement } from './define.ts';
import { emit, stop } from './events.ts';
import { QcElement } from './qc-element.ts';
import { errorMessage } from './submission.ts';

export const NO_CHOICE: ReasonChoice = { reasons: [], other: null };

/**
 * A note kind's reasons as checkboxes, in the kind's order with "Other" last. Choosing "Other"
 * reveals a text field that must be filled before the choice is valid.
 *
 * A valid Observable `viewof` input: `value` is the choice; user changes dispatch bubbling,
 * composed `input` events; setting `value` from code updates the view and dispatches nothing.
 *
 * @fires input - The reviewer changed the choice; `detail` (and `value`) is the new ReasonChoice.
 * @fires change - Same detail, when a checkbox is toggled or the "Other" text is committed.
 */
export class ReasonChecklist extends QcElement {
  static override properties: PropertyDeclarations = {
    kind: { type: String },
    reasons: { attribute: false },
    value: { attribute: false },
    disabled: { type: Boolean },
    required: { type: Boolean },
    legend: { type: String },
    showErrors: { state: true },
  };

  /** The note kind whose reasons are offered, e.g. `critical-insertion` or `signoff-task`. */
  declare kind: NoteKindId | undefined;
  /** Offer only these reasons of the kind, in this order (e.g. the alignment GUI's subset). */
  declare reasons: readonly string[] | undefined;
  /** The choice: reasons in the kind's order, and the "Other" text (`null` when none). */
  declare value: ReasonChoice;
  /** Disables every control (while a submission is in flight). */
  declare disabled: boolean;
  /** At least one reason must be chosen for the choice to be valid. */
  declare required: boolean;
  /** The fieldset's legend; defaults to the kind's prompt question. */
  declare legend: string | undefined;
  /** Whether `reportValidity` found the choice incomplete: the reason shows until it is fixed. */
  declare private showErrors: boolean;

  /** The "Other" text as typed, kept while "Other" is unticked so ticking it again restores it. */
  #draft = '';
  /** The last value this element produced itself: anything else was set from code. */
  #ownValue: ReasonChoice | undefined;

  constructor() {
    super();
    this.value = NO_CHOICE;
    this.disabled = false;
    this.required = false;
    this.showErrors = false;
  }

  /** Why the choice cannot be submitted (the kind is unknown, a reason or the "Other" text is missing), or `''` when it can. */
  get validationMessage(): string {
    try {
      const kind = getNoteKind(String(this.kind));
      if (this.required && this.value.reasons.length === 0) return 'Choose at least one reason.';
      validateChoice(kind, this.value, this.reasons ?? kind.reasons);
      return '';
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** Whether the choice is complete ("Other" has text; a reason is chosen when `required`). */
  checkValidity(): boolean {
    return this.validationMessage === '';
  }

  /** Like `checkValidity`, and on failure shows why and moves focus to what needs fixing. */
  reportValidity(): boolean {
    const valid = this.checkValidity();
    this.showErrors = !valid;
    if (!valid) {
      void this.updateComplete.then(() => {
        const target = this.renderRoot.querySelector<HTMLElement>('textarea') ?? this.renderRoot.querySelector('input');
        target?.focus();
      });
    }
    return valid;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('value') && this.value !== this.#ownValue) this.#draft = this.value.other ?? '';
  }

  protected override render(): unknown {
    let kind: NoteKind;
    try {
      kind = getNoteKind(String(this.kind));
    } catch (error) {
      return html`<p class="${this.root} notice error" role="alert">[alyx-qc] ${errorMessage(error)}</p>`;
    }
    const options = this.reasons ?? kind.reasons;
    const chosen = new Set(this.value.reasons);
    const message = this.showErrors ? this.validationMessage : '';
    const describedBy = message ? 'error' : nothing;
    // Native `input` events are stopped at the fieldset: the element dispatches its own.
    return html`<fieldset class=${this.root} ?disabled=${this.disabled} aria-describedby=${describedBy} @input=${stop}>
      <legend>${this.legend ?? kind.promptHeader.replace(/:$/, '')}</legend>
      ${options.map(
        (reason) => html`<label>
            <input type="checkbox" .checked=${chosen.has(reason)} @change=${(event: Event) => this.#toggle(options, reason, event)} />
            <span>${reason}</span>
          </label>
          ${reason === OTHER && chosen.has(OTHER)
            ? html`<label class="other">
                <span>Explain why you selected \u201cOther\u201d</span>
                <textarea
                  rows="2"
                  required
                  .value=${this.#draft}
                  aria-invalid=${message ? 'true' : 'false'}
                  aria-describedby=${describedBy}
                  @input=${this.#onText}
                  @change=${this.#onTextCommit}
                ></textarea>
              </label>`
            : nothing}`,
      )}
      ${message ? html`<p id="error" class="notice error">${message}</p>` : nothing}
    </fieldset>`;
  }

  #toggle(options: readonly string[], reason: string, event: Event): void {
    const chosen = new Set(this.value.reasons);
    if ((event.target as HTMLInputElement).checked) chosen.add(reason);
    else chosen.delete(reason);
    this.#commit(options.filter((option) => chosen.has(option)));
    emit(this, 'change', this.value);
  }

  #onText(event: Event): void {
    this.#draft = (event.target as HTMLTextAreaElement).value;
    this.#commit(this.value.reasons);
  }

  #onTextCommit(): void {
    emit(this, 'change', this.value);
  }

  /** The reviewer's new choice: the value, and its `input` event. */
  #commit(reasons: readonly string[]): void {
    const other = reasons.includes(OTHER) && this.#draft !== '' ? this.#draft : null;
    this.value = this.#ownValue = { reasons, other };
    emit(this, 'input', this.value);
  }
}

defineElement('alyx-qc-reason-checklist', ReasonChecklist);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-reason-checklist': ReasonChecklist;
  }
}
