// The producer console (/produce): what viewers see right now, the run-of-show
// controls, the rundown, the announcement and stage message, audience Q&A open or
// closed, the "put on screen" panel (preview, then take), the polls and the reset
// after a rehearsal. Each is a panel in js/produce/ (the polls panel, shared with
// /moderate, in js/staff_polls.js); the page mounts them on the staff connection.

import { start_staff_page, make_command_sender } from './staff.js';
import { mount_panels } from './panels.js';
import { take_panel } from './produce/take_panel.js';
import { qa_switch_panel } from './produce/qa_switch.js';
import { on_air_panel } from './produce/on_air.js';
import { rundown_panel } from './produce/rundown.js';
import { show_controls_panel } from './produce/show_controls.js';
import { messages_panel } from './produce/messages.js';
import { staff_polls_panel } from './staff_polls.js';
import { $ } from './dom.js';
import { rehearsal_reset_panel } from './produce/rehearsal_reset.js';

const conn = start_staff_page();
const run = make_command_sender(conn);

mount_panels(conn, [
  take_panel(conn, run),
  qa_switch_panel(conn, run),
  on_air_panel(conn),
  rundown_panel(conn, run),
  show_controls_panel(conn, run),
  messages_panel(conn, run),
  staff_polls_panel(conn, run, $('polls-panel')),
  rehearsal_reset_panel(conn, run),
]);
