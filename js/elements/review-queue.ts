import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { OTHER, type SignOffKind } from '../core/note-kind.ts';
import { getSignOffKind, type ReasonChoice } from '../core/reasons.ts';
import type { QueueSession, ReviewQueueData } from '../core/review-queue.ts';
import { describeSummary, FINE, ReviewQueueState, statusRow, type QueueItem, type QueueItemStatus, type QueueStatusRow, type QueueWrite } from '../core/review-queue-state.ts';
import type { SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import { defineElement } from './define.ts';
import { emit } from './events.ts';
import { QcElement } from './qc-element.ts';
import { NO_CHOICE, type ReasonChecklist } from './reason-checklist.ts';
import { afterPaint, atMost } from './review-queue-after-paint.ts';
import { QUEUE_KEYS, queueKeyAction } from './review-queue-keys.ts';
import { QueuePlots, type PlotFunction } from './review-queue-plots.ts';
import { queueStyles } from './review-queue-styles.ts';
import type { SignOffPanel } from './signoff-panel.ts';
import './signoff-panel.ts';
import { errorMessage } from './submission.ts';

/** A row's status in words: due, signed off by whom on which day, failed with why, being written. */
export function statusText(status: QueueItemStatus): string {
  switch (status.status) {
    case 'due':
      return 'due';
    case 'signed-off': {
      const who = status.entry ? ` by ${status.entry.user} on ${status.entry.date}` : ' (checklist only)';
      const count = status.reasons.length;
      return `signed off${who}${count ? ` (${count} reason${count === 1 ? '' : 's'})` : ''}`;
    }
    case 'writing':
      return 'being written\u2026';
    case 'failed':
      return `failed: ${status.message}`;
    case 'invalid':
      return `cannot be signed off: ${status.message}`;
  }
}

/** A sign-off whose author and day are not known (a checklist entry without a note). */
const UNKNOWN_ENTRY = { user: 'a reviewer', date: 'a day no note records' } as const;

function sessionLabel(item: QueueItem): string {
  const record = item.session.session;
  if (!record) return item.session.eid;
  const date = typeof record.start_time === 'string' ? record.start_time.slice(0, 10) : '?';
  return `${record.subject ?? '?'} \u00b7 ${date} \u00b7 #${record.number ?? '?'}`;
}

/**
 * Reviews many sessions in a row: a header with the progress, the list of sessions (a click
 * jumps to one), and the current session's record, plot and sign-off panel
 * (`<alyx-qc-signoff>`). Keyboard first: digits toggle reason N, `o` goes to the Other text,
 * Enter signs off and moves to the next due session at once (the write runs in the background,
 * its status in the list), ←/→ previous/next, `s` skips. Keys act only while the queue has
 * focus; none reaches the notebook.
 *
 * Data and functions come in as properties, like the panels: `data` (the core's
 * `loadReviewQueue`), `submit` (one sign-off; the core's `queueWriter`), `plot` (optional). A
 * valid Observable `viewof` input: `value` is every session's status row; changes the reviewer
 * causes dispatch bubbling, composed `input` events.
 *
 * @fires input - A session's status changed; `value` holds every row.
 * @fires alyx-qc-written - A sign-off was written; `detail` is the SignOffResult.
 */
export class ReviewQueueElement extends QcElement {
  static override properties: PropertyDeclarations = {
    data: { attribute: false },
    submit: { attribute: false },
    plot: { attribute: false },
    figureOf: { attribute: false },
    now: { attribute: false },
    concurrency: { type: Number },
    current: { state: true },
    confirming: { state: true },
  };

  static override styles = [...QcElement.styles, queueStyles];

  /** The queue's sessions and what Alyx holds for them; `null` while loading. */
  declare data: ReviewQueueData | null;
  /** Writes one sign-off. */
  declare submit: QueueWrite | undefined;
  /** Makes a session's plot (an image Blob or URL); none is shown without it. */
  declare plot: PlotFunction | undefined;
  /** The caption ("PNG, 48 KB") of the figure a session's sign-off attaches, once its plot came; none attached without it. */
  declare figureOf: ((eid: string) => string | undefined) | undefined;
  /** The clock for the panels' previews (tests); now when unset. */
  declare now: Date | undefined;
  /** Writes at once (default 4). */
  declare concurrency: number;
  /** The index of the session shown. */
  declare current: number;
  declare private confirming: boolean;

  #state: ReviewQueueState | null = null;
  #plots: QueuePlots | null = null;
  /** "Attach this figure to the note", per session (on unless the reviewer unticked it). */
  readonly #attach = new Map<string, boolean>();
  /** Each session's choice while it is reviewed, kept through failures and moves. */
  readonly #choices = new Map<string, ReasonChoice>();
  /**
   * One sign-off panel serves session after session (building one per session was most of the
   * time from Enter to the next session shown). It is replaced only when it holds something of
   * its own that must not carry over: a submission through its own button, "Write a note"
   * unticked, or the checklist's "what is missing" shown.
   */
  #panel: SignOffPanel | null = null;
  #panelDirty = false;
  /** The session whose context the panel has. */
  #panelSession: QueueSession | null = null;

  constructor() {
    super();
    this.data = null;
    this.concurrency = 4;
    this.current = 0;
    this.confirming = false;
    // In the capture phase: the panel inside stops key presses at its own host (so they never
    // reach the notebook), which would hide them from a listener here in the bubble phase.
    this.addEventListener('keydown', (event) => this.#onKey(event), { capture: true });
  }

  /** The running queue (statuses, writes); `null` before `data` is set. */
  get state(): ReviewQueueState | null {
    return this.#state;
  }

  /** Every session's status, as `q.statuses` in Python. */
  get value(): QueueStatusRow[] {
    return this.#state?.items.map(statusRow) ?? [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('beforeunload', this.#onLeave);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('beforeunload', this.#onLeave);
  }

  /** Leaving the page with writes in flight: the browser asks first. */
  readonly #onLeave = (event: BeforeUnloadEvent): void => {
    if (this.#state?.writing) event.preventDefault();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('data')) {
      this.#state = this.data ? new ReviewQueueState(this.data, (eid, submission, signal) => this.#write(eid, submission, signal), { concurrency: this.concurrency }) : null;
      this.#state?.addEventListener('change', () => {
        this.requestUpdate();
        emit(this, 'input', this.value);
      });
      this.#choices.clear();
      this.#attach.clear();
      this.#panel = null;
      // Resume: start at the first due session.
      this.current = Math.max(0, this.#state?.nextDue(-1) ?? 0);
    }
    if (changed.has('plot') || changed.has('data')) {
      this.#plots?.clear();
      this.#plots = this.plot ? new QueuePlots(this.plot, () => this.requestUpdate(), (eid) => {
        const item = this.#state?.item(eid);
        return `Plot of ${item ? sessionLabel(item) : eid}`;
      }) : null;
    }
    this.#wantPlots();
  }

  async #write(eid: string, submission: SignOffSubmission, signal: AbortSignal): Promise<SignOffResult> {
    if (typeof this.submit !== 'function') {
      throw new TypeError('This queue has no submit function: set its `submit` property to the sign-off to call.');
    }
    // The session is already "being written" (and leaving the page asks first); the request
    // itself starts once the next session is on screen.
    await this.whenShown();
    // Enter and "all remaining as fine" attach the session's figure unless its box was unticked.
    const attachFigure = submission.attachFigure ?? this.#attach.get(eid);
    const result = await this.submit(eid, attachFigure === undefined ? submission : { ...submission, attachFigure }, signal);
    if (result.status === 'written') emit(this, 'alyx-qc-written', result);
    return result;
  }

  /** The plots of the session shown (at once, when not there yet) and of the next due one (after the frame). */
  #wantPlots(): void {
    const state = this.#state;
    const plots = this.#plots;
    if (!state || !plots) return;
    const current = state.items[this.current]?.session.eid;
    if (current !== undefined && !plots.get(current)) plots.want([current]);
    void this.whenShown().then(() => {
      if (plots !== this.#plots) return;
      const next = state.nextDue(this.current);
      const eids = [this.current, next].filter((index) => index >= 0).map((index) => state.items[index]!.session.eid);
      plots.want([...new Set(eids)]);
    });
  }

  /**
   * Resolves once the session shown is on screen: the frames that paint it are done and its plot
   * is decoded. Work that does not show it (writes, the next plot, statuses) waits for this.
   */
  async whenShown(): Promise<void> {
    await afterPaint();
    const eid = this.#currentItem()?.session.eid;
    const plot = eid === undefined ? undefined : this.#plots?.get(eid);
    if (plot?.status === 'ready' && plot.image.isConnected) await atMost(plot.image.decode());
  }

  /** Shows session `index`; keeps focus in the queue, so the keys go on working. */
  go(index: number): void {
    const total = this.#state?.items.length ?? 0;
    if (total === 0) return;
    if (this.#panelDirty || this.#panel?.withNote === false) {
      this.#keepAttach();
      this.#panel = null;
    }
    this.#panelDirty = false;
    this.current = ((index % total) + total) % total;
    this.confirming = false;
    void this.updateComplete.then(() => {
      // A panel replaced took focus with it: back to the queue, so keys go on working.
      if (!this.renderRoot.querySelector(':focus')) this.renderRoot.querySelector<HTMLElement>('.queue')?.focus({ preventScroll: true });
    });
    // Scrolling reads the layout: after the frame, when it is clean, not forced in the middle of it.
    void this.whenShown().then(() => this.renderRoot.querySelector('ol [aria-current=true]')?.scrollIntoView({ block: 'nearest' }));
  }

  /**
   * Signs off the session shown with its choice and moves on at once: no reasons is "fine" (the
   * checklist only, as ibllib's `sign_off()`); a choice that is not complete ("Other" without
   * text) stays, with the checklist saying why.
   */
  signOffAndNext(submission?: SignOffSubmission): Promise<SignOffResult | null> | undefined {
    const item = this.#currentItem();
    if (!item || !this.data || !this.#state) return undefined;
    const { eid } = item.session;
    const choice = this.#choices.get(eid) ?? NO_CHOICE;
    const panel = this.#panel;
    const withNote = (panel?.withNote ?? true) && choice.reasons.length > 0;
    this.#keepAttach();
    // The checklist says what is missing (its "what is missing" must not carry over: a new panel next time).
    if (!submission && withNote && !this.#checklist()?.reportValidity()) {
      this.#panelDirty = true;
      return undefined;
    }
    const status = item.status.status;
    // Enter on a session already signed off, with nothing new chosen, only moves on.
    const write = submission || status === 'due' || status === 'failed' || choice.reasons.length > 0
      ? this.#state.submit(eid, submission ?? (withNote ? { choice, withNote } : FINE))
      : undefined;
    this.skip();
    return write;
  }

  /** Moves to the next due session (or the next one, when none is due). */
  skip(): void {
    const next = this.#state?.nextDue(this.current) ?? -1;
    if (next >= 0 && next !== this.current) this.go(next);
    else if (next < 0) this.go(this.current + 1);
  }

  /** The panel's "Attach this figure" for its session, kept when the panel moves on (it stops the box's own event). */
  #keepAttach(): void {
    const eid = this.#panelSession?.eid;
    if (eid !== undefined && this.#panel?.figure) this.#attach.set(eid, this.#panel.attachFigure);
  }

  #currentItem(): QueueItem | undefined {
    return this.#state?.items[this.current];
  }

  /** The checklist of the session shown; none for a session that cannot be signed off. */
  #checklist(): ReasonChecklist | null | undefined {
    const item = this.#currentItem();
    return item && this.#panelSession === item.session ? this.#panel?.renderRoot.querySelector('alyx-qc-reason-checklist') : undefined;
  }

  /**
   * Reason `index` ticked or unticked as a click on its box would: the checklist keeps its order
   * and the "Other" text, and its `input` brings the choice here through the panel's.
   */
  #toggle(index: number): void {
    this.#checklist()?.renderRoot.querySelectorAll('input')[index]?.click();
  }

  #setChoice(eid: string, choice: ReasonChoice): void {
    this.#choices.set(eid, choice);
    this.requestUpdate();
  }

  async #focusOther(): Promise<void> {
    const checklist = this.#checklist();
    if (!checklist) return;
    if (!checklist.value.reasons.includes(OTHER)) this.#toggle(getSignOffKind(this.data!.kind).reasons.indexOf(OTHER));
    await checklist.updateComplete;
    checklist.renderRoot.querySelector('textarea')?.focus();
  }

  #onKey(event: KeyboardEvent): void {
    const action = queueKeyAction(event);
    if (!action || !this.#state) return;
    event.preventDefault();
    switch (action.action) {
      case 'toggle':
        return this.#toggle(action.index);
      case 'other':
        return void this.#focusOther();
      case 'sign-off':
        return void this.signOffAndNext();
      case 'previous':
        return this.go(this.current - 1);
      case 'next':
        return this.go(this.current + 1);
      case 'skip':
        return this.skip();
      case 'leave-text':
        return this.renderRoot.querySelector<HTMLElement>('.queue')?.focus();
    }
  }

  protected override render(): unknown {
    const state = this.#state;
    if (!state || !this.data) return html`<div class="${this.root} panel"><p class="muted">No review queue yet.</p></div>`;
    let kind: SignOffKind;
    try {
      kind = getSignOffKind(this.data.kind);
    } catch (error) {
      return html`<div class="${this.root} panel"><p class="notice error" role="alert">[alyx-qc] ${errorMessage(error)}</p></div>`;
    }
    if (state.items.length === 0) {
      return html`<div class="${this.root} panel"><p class="notice error" role="alert">[alyx-qc] The review queue is empty: no session to review.</p></div>`;
    }
    const summary = state.summary();
    const item = state.items[this.current]!;
    return html`<section class="${this.root} panel queue" tabindex="0" aria-label="Review queue" aria-describedby="keys">
      <header>
        <h2>${kind.label} queue <code>${this.data.signOffKey}</code></h2>
        <p role="status" aria-live="polite" class="progress-text">${describeSummary(summary)}</p>
        <progress max=${summary.total} .value=${summary.signedOff} aria-label="Signed off"></progress>
        <div class="actions">
          <button class="remaining" @click=${() => (this.confirming = true)} ?disabled=${summary.due === 0}>All remaining as fine\u2026</button>
          ${summary.failed ? html`<button @click=${() => void state.retryFailed()}>Retry ${summary.failed} failed</button>` : nothing}
          ${summary.writing ? html`<span class="muted"><span class="spinner" aria-hidden="true"></span>${summary.writing} being written; keep this page open.</span>` : nothing}
        </div>
        ${this.confirming ? this.#renderConfirm() : nothing}
      </header>
      <div class="layout">
        <ol aria-label="Sessions">
          ${state.items.map((row, index) => html`<li>
            <button aria-current=${index === this.current ? 'true' : 'false'} @click=${() => this.go(index)}>
              <span>${sessionLabel(row)}</span>
              <span class="meta muted">${row.session.session?.task_protocol ?? ''}</span>
              <span class="meta st-${row.status.status}">${statusText(row.status)}</span>
            </button>
          </li>`)}
        </ol>
        <div class="detail">${this.#renderCurrent(item)}</div>
      </div>
      <p id="keys" class="keys muted">
        Keys: ${QUEUE_KEYS.map(([key, what]) => html`<kbd>${key}</kbd> ${what} `)}<br />
        Reasons: ${kind.reasons.map((reason, index) => html`<kbd>${index}</kbd> ${reason} `)}
      </p>
    </section>`;
  }

  #renderConfirm(): TemplateResult {
    const remaining = this.#state!.remaining();
    return html`<div class="notice confirm" role="dialog" aria-label="Sign off the remaining sessions">
      <p>Sign off these ${remaining.length} sessions as fine (no reasons, the checklist only)?</p>
      <ul>${remaining.map((session) => html`<li><code>${session.eid}</code> ${session.session?.subject ?? ''}</li>`)}</ul>
      <div class="actions">
        <button class="primary" @click=${this.#confirmRemaining}>Sign off ${remaining.length} as fine</button>
        <button @click=${() => (this.confirming = false)}>Cancel</button>
      </div>
    </div>`;
  }

  #confirmRemaining(): void {
    this.confirming = false;
    void this.#state!.signOffRemaining();
  }

  #renderCurrent(item: QueueItem): TemplateResult {
    const { session, status } = item;
    const record = session.session;
    const plot = this.#plots?.get(session.eid);
    return html`<h3>${sessionLabel(item)} <span class="muted">(${this.current + 1} of ${this.#state!.items.length})</span></h3>
      <p class="muted">${record?.task_protocol ?? ''} \u00b7 <code>${session.eid}</code></p>
      <p class="st-${status.status}" role=${status.status === 'failed' || status.status === 'invalid' ? 'alert' : 'status'}>
        ${statusText(status)}
        ${status.status === 'failed' ? html`<button @click=${() => void this.#state!.retry(session.eid)}>Retry</button>` : nothing}
      </p>
      ${plot === undefined
        ? nothing
        : html`<figure class="plot">
            ${plot.status === 'loading' ? html`<p class="muted">Making the plot\u2026</p>` : nothing}
            ${plot.status === 'failed' ? html`<p class="notice error">The plot failed: ${plot.message}</p>` : nothing}
            ${plot.status === 'ready' ? plot.image : nothing}
          </figure>`}
      ${status.status === 'invalid' ? nothing : this.#panelFor(item)}
      <div class="actions">
        <button @click=${() => this.go(this.current - 1)}>\u2190 Previous</button>
        <button class="primary" @click=${() => void this.signOffAndNext()}>Sign off &amp; next</button>
        <button @click=${() => this.skip()}>Skip</button>
        <button @click=${() => this.go(this.current + 1)}>Next \u2192</button>
      </div>`;
  }

  /** The sign-off panel, given this session's context when it changed (a new session, or what was written). */
  #panelFor(item: QueueItem): SignOffPanel {
    const { session } = item;
    let panel = this.#panel;
    if (!panel) {
      panel = this.#panel = document.createElement('alyx-qc-signoff');
      this.#panelSession = null;
      panel.addEventListener('input', (event) => {
        // The queue's own `input` is its statuses: the panel's choice stays inside.
        event.stopPropagation();
        const eid = this.#panelSession?.eid;
        if (eid !== undefined) this.#setChoice(eid, (event.target as SignOffPanel).value);
      });
    }
    if (this.#panelSession !== session) {
      this.#keepAttach();
      this.#panelSession = session;
      panel.context = {
        eid: session.eid,
        kind: this.data!.kind,
        signOffKey: this.data!.signOffKey,
        user: this.data!.user,
        existingNotes: session.existingNotes,
        // Alyx's list has no `json`: who signed off without a note is not known here.
        checklistEntry: session.signedOff ? (session.entry ?? UNKNOWN_ENTRY) : null,
      };
      // The panel's own button goes through the queue too: written in the background, then the next session.
      panel.submit = async (submission: SignOffSubmission): Promise<SignOffResult> => {
        this.#panelDirty = true;
        const result = await this.signOffAndNext(submission);
        if (result) return result;
        const status = this.#state?.item(session.eid)?.status;
        throw new Error(status?.status === 'failed' ? status.message : 'Not signed off.');
      };
    }
    panel.value = this.#choices.get(session.eid) ?? NO_CHOICE;
    panel.now = this.now;
    // The session's plot as the figure of its sign-off (issue 16), once the kernel holds it.
    const plot = this.#plots?.get(session.eid);
    const caption = plot?.status === 'ready' ? this.figureOf?.(session.eid) : undefined;
    const src = caption && plot?.status === 'ready' ? plot.url : undefined;
    if (panel.figure?.src !== src) panel.figure = src && caption ? { src, caption } : null;
    panel.attachFigure = this.#attach.get(session.eid) ?? true;
    return panel;
  }
}

defineElement('alyx-qc-review-queue', ReviewQueueElement);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-review-queue': ReviewQueueElement;
  }
}
