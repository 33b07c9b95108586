// Reset after a rehearsal: asks first (it clears every screen), then sends
// event.reset with the event's id as the server's confirmation.

import { t } from '../strings.js';
import { $ } from '../dom.js';
import { can_command } from '../staff.js';
import { confirm_action } from '../confirm.js';

export function rehearsal_reset_panel(conn, run) {
  const btn = $('rehearsal-reset');

  function render() {
    btn.disabled = !can_command(conn) || !conn.state;
  }

  btn.addEventListener('click', async () => {
    const event = conn.state && conn.state.event && conn.state.event.id;
    if (!event) return;
    const sure = await confirm_action(t('reset_title'), t('reset_body'), t('reset_ok'));
    if (!sure) return;
    run({ type: 'event.reset', confirm: event }, t('reset_label')).catch(() => {});
  });

  render();
  return { render, status: render };
}
