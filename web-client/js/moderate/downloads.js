// The CSV downloads of the moderator console (questions, audit log). The CSV needs
// the staff token in a header, so a plain link cannot fetch it: it is fetched here
// and the browser is handed a blob: URL to save.

import { t, error_text } from '../strings.js';
import { $, el, set_text } from '../dom.js';
import { staff_fetch } from '../staff.js';

// Long enough for the browser to have started saving; the URL is not needed after.
const REVOKE_AFTER_MS = 60000;

export function setup_downloads(conn) {
  async function download_csv(what) {
    const event = conn.event || (conn.state && conn.state.event.id);
    const line = $('last-command');
    if (!event || !conn.token) return;
    try {
      const response = await staff_fetch(conn, `/api/events/${encodeURIComponent(event)}/${what}.csv`);
      const blob = await response.blob();
      const href = URL.createObjectURL(blob);
      const link = el('a', { href, download: `${event}-${what}.csv`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(href), REVOKE_AFTER_MS);
    } catch (err) {
      line.dataset.state = 'error';
      set_text(line, t('download_failed', { message: err.message || error_text(err) }));
    }
  }

  $('download-questions').addEventListener('click', () => download_csv('questions'));
  $('download-audit').addEventListener('click', () => download_csv('audit'));
}
