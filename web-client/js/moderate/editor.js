// The inline editor of a question's text in the moderator console: the row's text
// turns into an input with Save and Cancel; Enter saves, Escape cancels.
// `on_save(text, old_text)` gets the new text when it is not empty and differs from
// the text the editor opened with.

import { t } from '../strings.js';
import { el } from '../dom.js';

export function open_editor(row, on_save) {
  const li = document.querySelector(`.view-active [data-key="${CSS.escape(row.key)}"]`) || document.querySelector(`[data-key="${CSS.escape(row.key)}"]`);
  if (!li || li.querySelector('.edit-box')) return;
  const old_text = row.data.text;
  const input = el('input', { type: 'text', dir: 'auto', testid: 'edit-input', 'aria-label': t('act_edit') });
  input.value = old_text;
  const save = el('button', { type: 'button', class: 'btn btn-small btn-primary', testid: 'edit-save', text: t('act_save') });
  const cancel = el('button', { type: 'button', class: 'btn btn-small', text: t('cancel') });
  const box = el('div', { class: 'edit-box' }, input, save, cancel);
  const text_node = li.querySelector('.item-text');
  text_node.hidden = true;
  text_node.after(box);
  const close = () => {
    box.remove();
    text_node.hidden = false;
    li.focus();
  };
  const commit = () => {
    const text = input.value.trim();
    close();
    if (!text || text === old_text) return;
    on_save(text, old_text);
  };
  save.addEventListener('click', commit);
  cancel.addEventListener('click', close);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      commit();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    }
  });
  input.focus();
  input.select();
}
