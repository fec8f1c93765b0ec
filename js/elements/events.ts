/** The events the elements dispatch, and the one way they dispatch them. */
import type { ReasonChoice } from '../core/reasons.ts';
import type { CriticalResult, SignOffResult } from '../core/workflow-types.ts';

/** Detail of `alyx-qc-failed`: what the submit function threw, and the words the panel shows. */
export interface FailedDetail {
  readonly error: unknown;
  readonly message: string;
}

/**
 * Dispatches a bubbling, composed event from `host`: composed so it leaves the shadow roots of
 * hosts (marimo, a panel around a checklist), as Observable's `viewof` needs for `input`.
 */
export function emit<T>(host: EventTarget, type: string, detail?: T): void {
  host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/**
 * Stops an event where it is: native `input` events are composed and would leave the shadow root
 * as if the element's value had changed; the elements dispatch their own.
 */
export function stop(event: Event): void {
  event.stopPropagation();
}

declare global {
  interface HTMLElementEventMap {
    'alyx-qc-written': CustomEvent<SignOffResult | CriticalResult>;
    'alyx-qc-failed': CustomEvent<FailedDetail>;
    'alyx-qc-confirm': Event;
    'alyx-qc-cancel': Event;
  }
}

/** `input`/`change` from a checklist or panel carry the new value as `detail` (also `target.value`). */
export type ReasonChoiceEvent = CustomEvent<ReasonChoice>;
