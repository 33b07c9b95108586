// Staff token handling shared by the consoles: taken from the URL fragment
// (#token=...) and then wiped from the address bar so it does not linger in
// history or screenshots, kept in sessionStorage for reloads, or pasted in.

const TOKEN_KEY = 'companion:token';

export function take_token_from_fragment(loc = window.location) {
  const hash = loc.hash.startsWith('#') ? loc.hash.slice(1) : loc.hash;
  const params = new URLSearchParams(hash);
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', loc.pathname + loc.search + (rest ? `#${rest}` : ''));
  save_token(token);
  return token;
}

export function load_token() {
  return take_token_from_fragment() || stored_token();
}

export function stored_token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch (e) {
    return null;
  }
}

export function save_token(token) {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch (e) {
    // No storage: the token lives only as long as the page.
  }
}

export function forget_token() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) {
    // Nothing stored.
  }
}

// The token's claims ({sub, role, event, exp}), or null when the token cannot be
// read. Only the payload is decoded, for display; the server checks the signature.
export function token_claims(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch (e) {
    return null;
  }
}

// The token's expiry (`exp` claim) in ms since the epoch, or null when the token cannot be read.
export function token_expires_at(token) {
  const claims = token_claims(token);
  return claims && typeof claims.exp === 'number' ? claims.exp * 1000 : null;
}
