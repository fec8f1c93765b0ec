/**
 * Registers a custom element unless its tag is already taken. Notebook hosts re-import modules
 * (re-running a cell, reloading a widget), and a second `customElements.define` of a tag throws.
 * The first definition wins: templates only use tag names, so elements keep working together.
 */
export function defineElement(tag: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}
