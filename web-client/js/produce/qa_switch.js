// Audience Q&A open or closed: the state in words and the button that flips it.

import { t } from '../strings.js';
import { $, set_text } from '../dom.js';
import { can_command } from '../staff.js';

export function qa_switch_panel(conn, run) {
  function qa_open() {
    return Boolean(conn.state && conn.state.qa && conn.state.qa.open);
  }

  function render() {
    const node = $('qa-state');
    const btn = $('qa-toggle');
    btn.disabled = !can_command(conn);
    if (!conn.state) {
      node.dataset.open = 'unknown';
      set_text(node, '');
      set_text(btn, t('qa_close'));
      return;
    }
    const open = qa_open();
    node.dataset.open = open ? 'true' : 'false';
    set_text(node, open ? t('qa_state_open') : t('qa_state_closed'));
    set_text(btn, open ? t('qa_close') : t('qa_open'));
    btn.classList.toggle('btn-primary', !open);
  }

  $('qa-toggle').addEventListener('click', () => {
    if (!conn.state) return;
    const open = !qa_open();
    run({ type: 'qa.set', open }, open ? 'open Q&A' : 'close Q&A').catch(() => {});
  });

  render();
  return { render, status: render };
}
