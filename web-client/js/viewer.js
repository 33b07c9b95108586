// The viewer page (/): the top bar, the announcement, Now and Up next, the
// reaction bar, the hashtags, the open poll, and the Agenda, Wall, Q&A and Polls tabs,
// each a panel (js/viewer/) drawn from the shared connection's copy of the state, through
// the in-step view that holds changes back to match the event's video (viewer/in_step.js).
// The page is the list of its panels.

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
import { InStepView } from './viewer/in_step.js';
import { player_panel } from './viewer/player.js';

const event_id = event_from_url();
const conn = new Connection({ event: event_id });

translate_page();
apply_embed_layout();
const memory = event_memory(event_id);
const mine = my_qa(memory);
// The panels draw from the view: the connection's state, held back to match the video
// when the event has a stream. The viewer's own questions are never held from them
// (their ballots and votes show at once from what they sent).
const my_questions = (change) =>
  (change.kind === 'question.added' || change.kind === 'question.updated') &&
  !!change.data && mine.asked().some((q) => q.id === change.data.id);
const view = new InStepView(conn, { memory, urgent: my_questions });
const wall = wall_panel(view);
const tabs = setup_tabs((name) => {
  if (name === 'wall') wall.shown();
});
const panels = [
  player_panel(view),
  topbar_panel(view),
  announcement_panel(),
  now_panel(view),
  // Reactions are of the moment, outside the changes: never held.
  reactions_panel(conn),
  hashtags_panel(),
  agenda_panel(view),
  wall,
  qa_panel(view, mine),
  poll_panel(view, my_ballots(memory), tabs),
  // Last: it speaks of what the others have just drawn.
  live_region_panel(),
];
mount_panels(view, panels);
conn.start();
