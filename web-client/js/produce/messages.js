// The producer's two messages: the announcement every viewer sees above the Now
// card, and the short message to the stage's timer (/timer). Each has Send and Clear.

import { $ } from '../dom.js';
import { can_command } from '../staff.js';

export function messages_panel(conn, run) {
  function render_buttons() {
    const connected = can_command(conn);
    $('announce-send').disabled = !connected;
    $('announce-clear').disabled = !connected;
    $('stage-send').disabled = !connected;
    $('stage-clear').disabled = !connected || !(conn.state && conn.state.stage);
  }

  // A form that sends its text field as `type` and empties it once acknowledged.
  function send_on_submit(form_id, field_id, type, label) {
    $(form_id).addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = $(field_id).value.trim();
      if (!text) return;
      run({ type, text }, label)
        .then(() => {
          $(field_id).value = '';
        })
        .catch(() => {});
    });
  }

  send_on_submit('announce-form', 'announce-text', 'announce', 'announce');
  send_on_submit('stage-form', 'stage-text', 'stage.message', 'stage message');
  $('stage-clear').addEventListener('click', () => run({ type: 'stage.message', text: '' }, 'clear stage message').catch(() => {}));
  $('announce-clear').addEventListener('click', () => run({ type: 'announce', text: '' }, 'clear announcement').catch(() => {}));

  render_buttons();
  return { render: render_buttons, status: render_buttons };
}
