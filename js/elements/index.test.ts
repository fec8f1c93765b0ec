import * as elements from './index.ts';
import { defineElement } from './define.ts';
import { describe, equal, expect, it } from './test-support.ts';

describe('index and registration', () => {
  it('registers the four tags and exports their classes', () => {
    equal(customElements.get('alyx-qc-reason-checklist'), elements.ReasonChecklist, 'checklist');
    equal(customElements.get('alyx-qc-overwrite-dialog'), elements.OverwriteDialog, 'dialog');
    expect(customElements.get('alyx-qc-signoff') === elements.SignOffPanel, 'sign-off panel');
    expect(customElements.get('alyx-qc-critical-note') === elements.CriticalNotePanel, 'critical panel');
  });

  it('registers a tag only once, so a host re-importing the module does not throw', async () => {
    class First extends HTMLElement {}
    class Second extends HTMLElement {}
    defineElement('alyx-qc-test-once', First);
    defineElement('alyx-qc-test-once', Second);
    expect(customElements.get('alyx-qc-test-once') === First, 'the first definition stays');
    // Fresh copies of the element modules (a notebook re-running its cell) define new classes
    // under the same tags: nothing throws, and the first classes stay registered.
    for (const file of ['reason-checklist', 'overwrite-dialog', 'signoff-panel', 'critical-note-panel']) {
      const copy = (await import(`./${file}.ts?copy=${Date.now()}`)) as Record<string, unknown>;
      expect(Object.values(copy).every((value) => !Object.values(elements).includes(value as never)), `${file} was re-evaluated`);
    }
    expect(customElements.get('alyx-qc-signoff') === elements.SignOffPanel, 'still the first class');
  });
});
