// `?embed=1`: the viewer page framed on the organiser's own site (allowed with
// --embed-origin). The compact layout leaves out what the host page already shows
// around the frame and keeps the live parts in a small height.

export function embed_requested(loc = window.location) {
  return new URLSearchParams(loc.search).get('embed') === '1';
}

export function apply_embed_layout() {
  if (!embed_requested()) return;
  document.documentElement.classList.add('embedded');
  // The title is only read out here, so it is no longer a control to tab to.
  const title = document.getElementById('event-title');
  for (const name of ['tabindex', 'role', 'aria-expanded']) title.removeAttribute(name);
}
