import { css, html, LitElement, nothing, type PropertyValues, type PropertyDeclarations } from 'lit';
import { NOTE_KINDS, OTHER, type NoteKind, type NoteKindId } from '../core/note-kinds.ts';
import { getNoteKind, validateChoice, type ReasonChoice } from '../core/reasons.ts';
import { ColorSchemeController } from './color-scheme.ts';
import { defineElement } from './define.ts';
import { emit } from './events.ts';
import { stopKeyPropagation } from './stop-key-propagation.ts';
import { theme } from './theme.ts';

const NO_CHOICE: ReasonChoice = { reasons: [], other: null };

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
export class ReasonChecklist extends LitElement {
  static override properties: PropertyDeclarations = {
    kind: { type: String },
    reasons: { attribute: false },
    value: { attribute: false },
    disabled: { type: Boolean, reflect: true },
    required: { type: Boolean },
    legend: { type: String },
    _showErrors: { state: true },
  };

  static override styles = [
    theme,
    css`
      fieldset {
        margin: 0;
        padding: 4px 10px 8px;
        border: 1px solid var(--aq-line);
        border-radius: var(--aq-radius);
        background: var(--aq-bg);
        min-width: 0;
      }
      legend {
        padding: 0 4px;
        font-weight: 600;
      }
      label {
        display: flex;
        gap: 6px;
        align-items: flex-start;
        padding: 2px 0;
      }
      input {
        margin: 2px 0 0;
        accent-color: var(--aq-brand);
      }
      fieldset:disabled {
        opacity: 0.6;
      }
      .other {
        display: block;
        margin: 2px 0 0 19px;
      }
      textarea {
        display: block;
        box-sizing: border-box;
        width: 100%;
        margin-top: 2px;
        padding: 4px 6px;
        font: inherit;
        color: inherit;
        background: var(--aq-bg);
        border: 1px solid var(--aq-line2);
        border-radius: var(--aq-radius);
        resize: vertical;
      }
      [aria-invalid='true'] {
        border-color: var(--aq-error);
      }
      .error {
        margin-top: 4px;
      }
    `,
  ];

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
  declare private _showErrors: boolean;

  /** The "Other" text as typed, kept while "Other" is unticked so ticking it again restores it. */
  #draft = '';
  /** The last value this element produced itself: anything else was set from code. */
  #ownValue: ReasonChoice | undefined;
  readonly #scheme = new ColorSchemeController(this);

  constructor() {
    super();
    this.kind = undefined;
    this.reasons = undefined;
    this.value = NO_CHOICE;
    this.disabled = false;
    this.required = false;
    this.legend = undefined;
    this._showErrors = false;
    stopKeyPropagation(this);
  }

  /** The kind's reasons on offer, in order. */
  get options(): readonly string[] {
    const kind = this.#kind();
    return kind ? (this.reasons ?? kind.reasons) : [];
  }

  /** Why the choice cannot be submitted, or `''` when it can. */
  get validationMessage(): string {
    const kind = this.#kind();
    if (!kind) return this.#kindError();
    if (this.required && this.value.reasons.length === 0) return 'Choose at least one reason.';
    try {
      validateChoice(kind, this.value, this.options);
      return '';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Whether the choice is complete ("Other" has text; a reason is chosen when `required`). */
  checkValidity(): boolean {
    return this.validationMessage === '';
  }

  /** Like `checkValidity`, and on failure shows why and moves focus to what needs fixing. */
  reportValidity(): boolean {
    const valid = this.checkValidity();
    this._showErrors = !valid;
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
    const kind = this.#kind();
    const root = `root ${this.#scheme.scheme}`;
    if (!kind) return html`<p class="${root} notice error" role="alert">${this.#kindError()}</p>`;
    const chosen = new Set(this.value.reasons);
    const message = this._showErrors ? this.validationMessage : '';
    const otherInvalid = message !== '' && chosen.has(OTHER);
    return html`<fieldset class=${root} ?disabled=${this.disabled} aria-describedby=${message ? 'error' : nothing}>
      <legend>${this.legend ?? kind.promptHeader.replace(/:$/, '')}</legend>
      ${this.options.map(
        (reason, index) => html`<label>
            <input type="checkbox" .checked=${chosen.has(reason)} data-index=${index} @input=${stop} @change=${this.#onToggle} />
            <span>${reason}</span>
          </label>
          ${reason === OTHER && chosen.has(OTHER)
            ? html`<label class="other">
                <span>Explain why you selected \u201cOther\u201d</span>
                <textarea
                  rows="2"
                  required
                  .value=${this.#draft}
                  aria-invalid=${otherInvalid ? 'true' : 'false'}
                  aria-describedby=${otherInvalid ? 'error' : nothing}
                  @input=${this.#onText}
                  @change=${this.#onTextCommit}
                ></textarea>
              </label>`
            : nothing}`,
      )}
      ${message ? html`<p id="error" class="notice error">${message}</p>` : nothing}
    </fieldset>`;
  }

  #kind(): NoteKind | undefined {
    return this.kind && Object.hasOwn(NOTE_KINDS, this.kind) ? NOTE_KINDS[this.kind] : undefined;
  }

  #kindError(): string {
    try {
      getNoteKind(String(this.kind ?? ''));
      return '';
    } catch (error) {
      return `[alyx-qc] ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  #onToggle(event: Event): void {
    event.stopPropagation();
    const box = event.target as HTMLInputElement;
    const toggled = this.options[Number(box.dataset['index'])];
    const chosen = new Set(this.value.reasons);
    const reasons = this.options.filter((reason) => (reason === toggled ? box.checked : chosen.has(reason)));
    this.#commit(reasons, ['input', 'change']);
  }

  #onText(event: Event): void {
    event.stopPropagation();
    this.#draft = (event.target as HTMLTextAreaElement).value;
    this.#commit(this.value.reasons, ['input']);
  }

  #onTextCommit(event: Event): void {
    event.stopPropagation();
    emit(this, 'change', this.value);
  }

  #commit(reasons: readonly string[], events: readonly string[]): void {
    const other = reasons.includes(OTHER) && this.#draft !== '' ? this.#draft : null;
    this.value = this.#ownValue = { reasons, other };
    for (const type of events) emit(this, type, this.value);
  }
}

/** Native `input` events are composed: keep them inside, the element dispatches its own. */
function stop(event: Event): void {
  event.stopPropagation();
}

defineElement('alyx-qc-reason-checklist', ReasonChecklist);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-reason-checklist': ReasonChecklist;
  }
}
