import { sendKeys } from '@web/test-runner-commands';
import './figure-thumbnail.ts';
import './signoff-panel.ts';
import type { SignOffSubmission } from '../core/workflow-types.ts';
import {
  afterEach,
  cleanup,
  deepActiveElement,
  deepQuery,
  deepQueryAll,
  deferred,
  describe,
  equal,
  expect,
  expectAccessible,
  fixture,
  it,
  recordEvents,
  settle,
  visibleText,
  waitFor,
} from './test-support.ts';

/** A real PNG drawn on a canvas: a plot-like blue line on white. */
async function plotPng(width: number, height: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.strokeStyle = '#1f77b4';
  context.lineWidth = 3;
  context.beginPath();
  context.moveTo(0, height);
  context.lineTo(width / 2, height / 4);
  context.lineTo(width, height / 2);
  context.stroke();
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob!), 'image/png'));
}

const dataUrl = (blob: Blob): Promise<string> => new Promise((resolve) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result));
  reader.readAsDataURL(blob);
});

const dialogOf = (el: Element): HTMLDialogElement => deepQuery<HTMLDialogElement>(el, 'dialog');
const fullImage = (el: Element): HTMLImageElement | null => dialogOf(el).querySelector('img');

describe('<alyx-qc-figure-thumbnail>', () => {
  afterEach(cleanup);

  it('shows the thumbnail with its alt text and caption, and the attach checkbox on by default', async () => {
    const src = await dataUrl(await plotPng(160, 120));
    const el = await fixture('alyx-qc-figure-thumbnail', { src, label: 'Figure of the sign-off', caption: 'PNG, 41.3 KB', attachable: true });
    const img = deepQuery<HTMLImageElement>(el, 'button.thumb img');
    await waitFor(() => img.complete && img.naturalWidth === 160, 'the thumbnail to load');
    equal(img.alt, 'Figure of the sign-off', 'alt text');
    equal(visibleText(el), 'PNG, 41.3 KB Attach this figure to the note', 'visible text');
    expect(deepQuery<HTMLInputElement>(el, 'input[type=checkbox]').checked && el.value, 'attach is on');
    await expectAccessible(el, 'thumbnail with checkbox');
  });

  it('opens full size with the keyboard, while its bytes load, and Escape brings focus back', async () => {
    const full = await plotPng(900, 600);
    const loaded = deferred<Blob>();
    let calls = 0;
    const el = await fixture('alyx-qc-figure-thumbnail', {
      label: 'Figure of 2024-01-15_test_user',
      loadFull: () => (calls++, loaded.promise),
    });
    deepQuery<HTMLButtonElement>(el, 'button.thumb').focus();
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(dialogOf(el).open, 'Enter opens the dialog');
    equal(visibleText(dialogOf(el)), 'Loading the figure… Close', 'while loading');
    equal(calls, 1, 'loader calls: the thumbnail\u2019s load, awaited by the dialog');
    loaded.resolve(full);
    await waitFor(() => !!fullImage(el)?.complete && fullImage(el)!.naturalWidth === 900, 'the full image');
    expect(fullImage(el)!.src.startsWith('blob:'), 'shown from an object URL');
    equal(deepActiveElement()?.textContent, 'Close', 'focus on Close');
    await sendKeys({ press: 'Escape' });
    await settle(el);
    expect(!dialogOf(el).open, 'Escape closes');
    expect(deepActiveElement()?.classList.contains('thumb'), 'focus back on the thumbnail');
    // Space opens it too; Close shuts it.
    await sendKeys({ press: 'Space' });
    await settle(el);
    expect(dialogOf(el).open, 'Space opens the dialog');
    await waitFor(() => !!fullImage(el), 'the full image again');
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(!dialogOf(el).open, 'Enter on Close closes');
    equal(calls, 1, 'the image is read once');
  });

  it('without src, a figure already in Alyx is loaded once and is its own thumbnail', async () => {
    const blob = await plotPng(300, 200);
    let calls = 0;
    const el = await fixture('alyx-qc-figure-thumbnail', { label: 'Figure of 2024-01-15_alice', caption: '2024-01-15_alice', loadFull: async () => (calls++, blob) });
    await waitFor(() => deepQueryAll<HTMLImageElement>(el, 'button.thumb img')[0]?.naturalWidth === 300, 'the thumbnail from the loaded image');
    deepQuery<HTMLButtonElement>(el, 'button.thumb').click();
    await waitFor(() => fullImage(el)?.naturalWidth === 300, 'the full image');
    equal(calls, 1, 'the image is read once');
  });

  it('says why when the full image cannot be loaded', async () => {
    const el = await fixture('alyx-qc-figure-thumbnail', { src: '', label: 'Figure', loadFull: () => Promise.reject(new Error('Alyx did not serve the image')) });
    deepQuery<HTMLButtonElement>(el, 'button.thumb').click();
    await waitFor(() => visibleText(dialogOf(el)).includes('could not be loaded'), 'the error');
    equal(deepQuery(el, '[role=alert]').textContent, 'The figure could not be loaded: Alyx did not serve the image', 'error text');
  });

  it('the checkbox, toggled with Space, fires one input event each time and sets value', async () => {
    const el = await fixture('alyx-qc-figure-thumbnail', { src: await dataUrl(await plotPng(40, 30)), attachable: true });
    const events = recordEvents(document.body, 'input');
    deepQuery<HTMLInputElement>(el, 'input[type=checkbox]').focus();
    await sendKeys({ press: 'Space' });
    await settle(el);
    equal([el.value, events.length, (events[0] as CustomEvent).detail], [false, 1, false], 'after one Space');
    await sendKeys({ press: 'Space' });
    await settle(el);
    equal([el.value, events.length], [true, 2], 'after two');
    el.value = false;
    await settle(el);
    equal(events.length, 2, 'setting value from code fires nothing');
  });

  it('in JupyterLab\u2019s dark theme: dark colours, a visible border, readable caption', async () => {
    const el = await fixture('alyx-qc-figure-thumbnail', { src: await dataUrl(await plotPng(40, 30)), caption: 'JPEG, 633 bytes', attachable: true }, 'jupyterlab-dark');
    const root = getComputedStyle(deepQuery(el, '.root'));
    equal([root.colorScheme, root.color], ['dark', 'rgba(255, 255, 255, 0.87)'], 'scheme and text colour');
    const button = getComputedStyle(deepQuery(el, 'button.thumb'));
    equal([button.backgroundColor, button.borderTopColor], ['rgb(66, 66, 66)', 'rgb(97, 97, 97)'], 'thumbnail frame');
    equal(getComputedStyle(deepQuery(el, 'figcaption')).color, 'rgba(255, 255, 255, 0.54)', 'caption');
    await expectAccessible(el, 'dark thumbnail');
  });
});

describe('<alyx-qc-signoff> with a figure', () => {
  afterEach(cleanup);

  it('shows the figure with "Attach this figure to the note", says so in the preview, and submits the choice', async () => {
    const submissions: SignOffSubmission[] = [];
    const context = { eid: '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', kind: 'signoff-task', signOffKey: '_ephysChoiceWorld_00', user: 'carol', existingNotes: [], checklistEntry: null } as const;
    const el = await fixture('alyx-qc-signoff', {
      context,
      figure: { src: await dataUrl(await plotPng(160, 90)), caption: 'PNG, 12.5 KB' },
      submit: async (submission: SignOffSubmission) => {
        submissions.push(submission);
        throw new Error('Alyx is down');
      },
    });
    const box = deepQuery<HTMLInputElement>(deepQuery(el, 'alyx-qc-figure-thumbnail'), 'input[type=checkbox]');
    expect(box.checked, 'attach is ticked when a figure is given');
    deepQuery<HTMLElement>(el, 'details summary').click();
    await settle(el);
    expect(visibleText(el).includes('The figure (PNG, 12.5 KB), as a note of its own naming this sign-off.'), visibleText(el));
    const inputs = recordEvents(el, 'input');
    box.focus();
    await sendKeys({ press: 'Space' });
    await settle(el);
    equal(inputs.length, 0, 'the panel\u2019s value did not change: no input event from the panel');
    await settle(el);
    expect(!visibleText(el).includes('as a note of its own'), 'the preview drops the figure');
    deepQueryAll<HTMLInputElement>(deepQuery(el, 'alyx-qc-reason-checklist'), 'input[type=checkbox]')[1]!.click();
    await settle(el);
    deepQuery<HTMLButtonElement>(el, '.actions > button').click();
    await waitFor(() => submissions.length === 1, 'the submission');
    equal(submissions[0]?.attachFigure, false, 'attachFigure');
    await expectAccessible(el, 'sign-off panel with a figure');
  });
});
