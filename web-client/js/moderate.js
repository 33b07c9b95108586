// The moderator console (/moderate): the moderation queue (posts and questions,
// oldest first, with the rule that held each, filtered and searched on the server), what is live (wall and approved
// questions), the Q&A view with merged questions, the polls (js/staff_polls.js, shared
// with /produce), one-key actions on the selected row with undo, the author lists,
// CSV downloads and the health of the ingest
// sources. Each part is a panel in js/moderate/; the page mounts them on the staff
// connection and redraws them when the public state or the staff queue changes.

import { start_staff_page, make_command_sender } from './staff.js';
import { t } from './strings.js';
import { mount_panels } from './panels.js';
import { moderation_rows } from './moderate/rows.js';
import { moderation_actions } from './moderate/actions.js';
import { row_selection } from './moderate/selection.js';
import { bulk_bar } from './moderate/bulk.js';
import { row_items } from './moderate/items.js';
import { queue_panel } from './moderate/queue_panel.js';
import { queue_filter_state, queue_filter_panel } from './moderate/queue_filter_panel.js';
import { live_panel } from './moderate/live_panel.js';
import { qa_panel } from './moderate/qa_panel.js';
import { authors_panel } from './moderate/authors_panel.js';
import { counters_panel } from './moderate/counters.js';
import { sources_panel } from './moderate/sources_panel.js';
import { setup_downloads } from './moderate/downloads.js';
import { setup_keys } from './moderate/keys.js';
import { staff_polls_panel } from './staff_polls.js';
import { $ } from './dom.js';

// Ages ("3 min ago") move by the minute; the lists are redrawn twice a minute.
const AGES_REFRESH_MS = 30000;

const conn = start_staff_page();
const run = make_command_sender(conn);
let page = null;
const ctx = { conn, run, redraw: () => page && page.redraw() };
ctx.filter = queue_filter_state(conn, ctx.redraw);
ctx.rows = moderation_rows(conn, ctx.filter);
ctx.actions = moderation_actions(ctx);
ctx.selection = row_selection();
ctx.bulk = bulk_bar(ctx);
const draw = row_items(ctx);

page = mount_panels(conn, [
  queue_filter_panel(ctx),
  queue_panel(ctx, draw),
  live_panel(ctx, draw),
  qa_panel(ctx, draw),
  ctx.bulk,
  authors_panel(ctx),
  // After every list: the selection moves to what is drawn now.
  ctx.selection,
  counters_panel(ctx),
  sources_panel(ctx),
  ctx.actions,
  staff_polls_panel(conn, run, $('polls-panel'), () => ctx.selection.view() === 'polls'),
]);
conn.on_staff(() => page.redraw());
setInterval(() => {
  if (conn.state) page.redraw();
}, AGES_REFRESH_MS);
setup_downloads(conn);
setup_keys(ctx);

// The keys help is cut to the toolbar's one line; all of it is in the tooltip.
document.querySelector('.mod-toolbar .keys-help').title = t('mod_keys_help');
