// The viewer page (/): the top bar, the announcement, Now and Up next, the
// reaction bar, the hashtags, the open poll, and the Agenda, Wall, Q&A and Polls tabs,
// each a panel (js/viewer/) drawn from the shared connection's copy of the state. The
// page is the list of its panels.

import { Connection, event_from_url } from './connection.js';
import { translate_page } from './strings.js';
import { mount_panels } from './panels.js';
import { event_memory, my_qa } from './viewer/mine.js';
import { topbar_panel } from './viewer/topbar.js';
import { announcement_panel, now_panel } from './viewer/now_panel.js';
import { hashtags_panel } from './viewer/hashtags.js';
import { reactions_panel } from './viewer/reactions_panel.js';
import { agenda_panel } from './viewer/agenda_panel.js';
import { wall_panel } from './viewer/wall_panel.js';
import { qa_panel } from './viewer/qa_panel.js';
import { live_region_panel } from './viewer/live_region.js';
import { setup_tabs } from './viewer/tabs.js';
import { poll_panel, my_ballots } from './viewer/poll_panel.js';
import { apply_embed_layout } from './viewer/embed.js';

const event_id = event_from_url();
const conn = new Connection({ event: event_id });

translate_page();
apply_embed_layout();
const wall = wall_panel(conn);
const tabs = setup_tabs((name) => {
  if (name === 'wall') wall.shown();
});
const panels = [
  topbar_panel(conn),
  announcement_panel(),
  now_panel(conn),
  reactions_panel(conn),
  hashtags_panel(),
  agenda_panel(conn),
  wall,
  qa_panel(conn, my_qa(event_memory(event_id))),
  poll_panel(conn, my_ballots(event_memory(event_id)), tabs),
  // Last: it speaks of what the others have just drawn.
  live_region_panel(),
];
mount_panels(conn, panels);
conn.start();
