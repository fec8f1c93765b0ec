/** Alyx REST records as alyx-qc reads them (snake_case fields, exactly as on the wire). */

/** A row of `/notes`. */
export interface AlyxNote {
  readonly id: string;
  /** Username of the author. */
  readonly user: string;
  /** ISO date-time set by the server. */
  readonly date_time: string;
  /** Read back as `<app>.<model>`, e.g. `actions.session`. */
  readonly content_type: string;
  readonly object_id: string;
  readonly text: string;
  readonly image?: string | null;
  readonly json?: unknown;
}

/** One entry of a session's `json.sign_off_checklist`; `null` until the part is signed off. */
export interface SignOffEntry {
  /** `YYYY-MM-DD` */
  readonly date: string;
  readonly user: string;
}

/** The parts of a `/sessions/<eid>` record alyx-qc uses. */
export interface AlyxSession {
  readonly id: string;
  readonly subject?: string;
  readonly start_time?: string;
  readonly number?: number;
  readonly task_protocol?: string | null;
  readonly qc?: string;
  /** Free-form; usually an object holding `sign_off_checklist`, but Alyx allows any JSON. */
  readonly json: unknown;
  readonly [field: string]: unknown;
}

/** A page of a DRF limit/offset list. */
export interface AlyxPage<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: readonly T[];
}
