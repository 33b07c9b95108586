// One confirmation dialog for the consoles: asked before an action that airs
// something or cannot be taken back. Resolves true when the person confirms.

import { t } from './strings.js';
import { el, set_text } from './dom.js';

let dialog = null;

function build() {
  const title = el('h2', { id: 'confirm-title' });
  const body = el('p', { class: 'confirm-body', testid: 'confirm-body' });
  const cancel = el('button', { type: 'submit', class: 'btn', value: 'cancel', testid: 'confirm-cancel', text: t('cancel') });
  const ok = el('button', { type: 'submit', class: 'btn btn-primary', value: 'ok', testid: 'confirm-ok' });
  const form = el('form', { method: 'dialog' }, title, body, el('div', { class: 'row' }, cancel, ok));
  const node = el('dialog', { class: 'confirm-dialog', testid: 'confirm-dialog', 'aria-labelledby': 'confirm-title' }, form);
  document.body.append(node);
  return { node, title, body, ok, cancel };
}

export function confirm_action(title, body, ok_label) {
  if (!dialog) dialog = build();
  set_text(dialog.title, title);
  set_text(dialog.body, body);
  set_text(dialog.ok, ok_label);
  dialog.node.returnValue = '';
  return new Promise((resolve) => {
    dialog.node.addEventListener('close', () => resolve(dialog.node.returnValue === 'ok'), { once: true });
    dialog.node.showModal();
    dialog.cancel.focus();
  });
}
