// What both staff consoles share: the token gate (fragment, sessionStorage or
// paste box), the connection with that token, refreshing the token before it
// expires, the loud lost-connection banner, and a "last command" line that
// follows one command from sent to ack or error.

import { Connection, event_from_url } from './connection.js';
import { load_token, save_token, forget_token, token_expires_at, token_claims } from './token.js';
import { t, error_text, translate_page } from './strings.js';
import { $, set_text, show, connection_text } from './dom.js';

// A token with less than this left is exchanged for a fresh one (token.refresh),
// so a console left open through a long event never drops to the sign-in form.
const REFRESH_BEFORE_MS = 10 * 60 * 1000;
const REFRESH_CHECK_MS = 30 * 1000;

// Expects in the page: #token-gate (form with #token-input, #token-submit, #token-error),
// #console (hidden until a token is present), #conn-banner, #conn-text, #connection-state.
export function start_staff_page() {
  translate_page();
  const conn = new Connection({ event: event_from_url(), remember_viewer: false });
  let token = load_token();
  let ever_connected = false;

  const gate = $('token-gate');
  const console_root = $('console');

  function show_gate(error) {
    show(gate, true);
    show(console_root, false);
    show($('conn-banner'), false);
    set_text($('token-error'), error || '');
    $('token-input').focus();
  }

  // Who this console is signed in as (the token's subject: a person's name when the
  // token was made with --subject), and a pointer to the other console when the token
  // is for it: a moderator token on /produce can do nothing there.
  function render_identity() {
    const claims = token_claims(token) || {};
    const who = $('signed-in-as');
    if (who) {
      set_text(who, claims.sub ? t('signed_in_as', { name: claims.sub, role: t(`staff_role_${claims.role}`) }) : '');
      who.dataset.role = claims.role || '';
    }
    const wrong = $('wrong-console');
    if (!wrong) return;
    const page = document.body.dataset.console;
    const other = claims.role === 'moderator' && page === 'producer' ? 'moderate' : claims.role === 'producer' && page === 'moderator' ? 'produce' : null;
    show(wrong, other !== null);
    if (other === null) return;
    const link = $('wrong-console-link');
    link.href = `/${other}${window.location.search}`;
    set_text($('wrong-console-text'), t(other === 'moderate' ? 'wrong_console_moderator' : 'other_console_producer'));
    set_text(link, t(other === 'moderate' ? 'open_moderator_console' : 'open_producer_console'));
    wrong.dataset.kind = other === 'moderate' ? 'wrong' : 'also';
  }

  function show_console() {
    show(gate, false);
    show(console_root, true);
    render_identity();
  }

  gate.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = $('token-input').value.trim();
    if (!value) return;
    token = value;
    save_token(value);
    $('token-input').value = '';
    show_console();
    conn.set_token(value);
  });

  const forget = $('forget-token');
  if (forget) {
    forget.addEventListener('click', () => {
      forget_token();
      token = null;
      conn.stop();
      show_gate('');
    });
  }

  function render_status(status) {
    const node = $('connection-state');
    node.dataset.state = status.state;
    set_text($('conn-text'), connection_text(status, t));
    document.body.classList.toggle('not-connected', status.state !== 'connected');
    if (status.state === 'connected') ever_connected = true;
    if (status.state === 'unauthorized') {
      if (token) {
        forget_token();
        token = null;
        show_gate(t('token_rejected'));
      }
      return;
    }
    const banner = $('conn-banner');
    const lost = Boolean(token) && status.state !== 'connected' && (ever_connected || status.state !== 'connecting');
    show(banner, lost);
    if (lost) set_text($('conn-banner-text'), t('conn_lost_banner', { detail: connection_text(status, t) }));
  }

  conn.on_status(render_status);
  setInterval(() => render_status(conn.status), 1000);

  let refreshing = false;
  async function refresh_token_if_due() {
    if (!token || refreshing || conn.status.state !== 'connected') return;
    const expires_at = token_expires_at(token);
    if (expires_at === null || expires_at - conn.server_now() > REFRESH_BEFORE_MS) return;
    refreshing = true;
    try {
      const ack = await conn.send({ type: 'token.refresh' });
      if (typeof ack.token === 'string' && ack.token && token) {
        // The open socket stays as it is; the new token serves the next hello.
        token = ack.token;
        conn.token = ack.token;
        save_token(ack.token);
      }
    } catch (err) {
      // Tried again at the next check; an expired token ends at the sign-in form.
    } finally {
      refreshing = false;
    }
  }
  conn.on_status((status) => {
    if (status.state === 'connected') refresh_token_if_due();
  });
  setInterval(refresh_token_if_due, REFRESH_CHECK_MS);

  if (token) {
    show_console();
    conn.token = token;
    conn.start();
  } else {
    show_gate('');
  }
  return conn;
}

// Sends a command and reports its fate in #last-command (data-testid=last-command).
export function make_command_sender(conn) {
  const line = $('last-command');
  return async function run(command, label = command.type) {
    line.dataset.state = 'sent';
    set_text(line, t('cmd_sent', { command: label }));
    try {
      const ack = await conn.send(command);
      line.dataset.state = 'ack';
      set_text(
        line,
        typeof ack.seq === 'number' ? t('cmd_acked', { command: label, seq: ack.seq }) : t('cmd_acked_noseq', { command: label }),
      );
      return ack;
    } catch (err) {
      line.dataset.state = 'error';
      set_text(line, t('cmd_error', { command: label, message: err.message && err.code !== 'offline' && err.code !== 'timeout' && err.code !== 'disconnected' ? err.message : error_text(err) }));
      throw err;
    }
  };
}

// Fetches a staff-only route with the console's token. A refusal throws an Error
// carrying the server's message (or the HTTP status when the body has none).
export async function staff_fetch(conn, url) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${conn.token}` }, cache: 'no-store' });
  if (response.ok) return response;
  let message = `HTTP ${response.status}`;
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) message = body.error.message;
  } catch (e) {
    // Not JSON: the status alone explains it.
  }
  throw new Error(message);
}

// Whether a console's command buttons can act: connected, with the state known.
export function can_command(conn) {
  return conn.status.state === 'connected' && conn.state !== null;
}
