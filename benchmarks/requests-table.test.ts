/** The requests table's verdicts: what counts as the sign-off's read-back, which rows are flagged. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBacks, requestsSection } from './requests-table.ts';
import { sequentialRoundTrips, type RoundTripRow, type WorkflowFigures } from './round-trips.ts';

function figures(calls: string[]): WorkflowFigures {
  return { medianMs: 100, p90Ms: 100, writtenMs: 100, requests: calls.length, calls, sequential: 2, sequentialWritten: 2, failures: 0 };
}

const SIGN_OFF = ['GET /sessions/1', 'GET /notes?django=x', 'POST /notes', 'PATCH /sessions/1', 'GET /notes?django=x', 'GET /sessions/1'];
const IBLLIB_SIGN_OFF = ['GET /sessions/1', 'GET /notes?django=x', 'POST /notes', 'GET /sessions/1', 'PATCH /sessions/1'];

describe('requests table', () => {
  it('counts as read-back only the GETs a sign-off sends after its first write', () => {
    assert.equal(readBacks('sign-off-new', SIGN_OFF), 2);
    assert.equal(readBacks('sign-off-no-note', ['GET /sessions/1', 'PATCH /sessions/1', 'GET /sessions/1']), 1);
    // A critical note has no read-back allowance: its re-list after the create counts in full.
    assert.equal(readBacks('critical-new-known', ['GET /notes', 'POST /notes', 'GET /notes']), 0);
  });

  it('flags a row over ibllib plus the read-back, and leaves the others alone', () => {
    const rows: RoundTripRow[] = [
      { workflow: 'sign-off-new', label: 'sign-off', alyxQc: figures(SIGN_OFF), ibllib: figures(IBLLIB_SIGN_OFF) },
      { workflow: 'critical-new-known', label: 'critical', alyxQc: figures(['GET /notes', 'POST /notes', 'GET /notes']), ibllib: figures(['GET /notes', 'POST /notes']) },
    ];
    const { flagged, markdown } = requestsSection({
      roundTrips: rows,
      cli: [{ workflow: 'sign-off-new', requests: 7, logins: 1, calls: [], failures: 0 }],
      widget: [{ workflow: 'sign-off-new', load: 3, write: 8, calls: [], failures: 0 }],
    });
    assert.deepEqual(
      flagged.map((f) => [f.who, f.workflow, f.requests, f.allowed]),
      [
        ['widget', 'sign-off-new', 11, 7],
        ['core', 'critical-new-known', 3, 2],
      ],
    );
    assert.match(markdown, /\*\*11 \(\+4\)\*\*/);
    // The CLI's 6 without its login is within 5 + 2.
    assert.match(markdown, /\| 6 \+ 1 login/);
  });
});

describe('sequential round trips', () => {
  it('counts requests sent together once, and a request sent after an answer as one more', () => {
    const together = [{ start: 0, end: 50 }, { start: 1, end: 51 }];
    assert.equal(sequentialRoundTrips(together), 1);
    assert.equal(sequentialRoundTrips([...together, { start: 52, end: 100 }, { start: 101, end: 150 }]), 3);
  });
});
