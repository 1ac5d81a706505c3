// Issue 13, a phone in the street. Progressive enhancement only: without this file the menu opens by its #site-menu link
// (:target in phone.css) and every page works.

// The menu button: a real button (aria-expanded), the focus into the panel on opening, Escape or a tap elsewhere closes it
// and the focus comes back to the button.
(() => {
  const link = document.querySelector('a.menu-button');
  const panel = document.getElementById('site-menu');
  if (!link || !panel) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'menu-button';
  button.setAttribute('aria-controls', panel.id);
  button.setAttribute('aria-expanded', 'false');
  button.dataset.testid = link.dataset.testid;
  button.append(...link.childNodes);
  link.replaceWith(button);
  panel.classList.add('scripted');
  const isOpen = () => panel.classList.contains('open');
  const setOpen = (open, focus) => {
    panel.classList.toggle('open', open);
    button.setAttribute('aria-expanded', String(open));
    if (open && focus) panel.querySelector('a, summary, button')?.focus();
    if (!open && focus) button.focus();
  };
  // Came here by the no-script link (#site-menu): open, as the address asks.
  if (location.hash === '#' + panel.id) setOpen(true, false);
  button.addEventListener('click', () => setOpen(!isOpen(), true));
  document.addEventListener('click', (e) => {
    if (isOpen() && !panel.contains(e.target) && !button.contains(e.target)) setOpen(false, false);
  });
  // Escape closes an open menu inside the panel first (app.js does that), the panel on the next press.
  let menuWasOpen = false;
  document.addEventListener('keydown', () => (menuWasOpen = !!panel.querySelector('details.nav-menu[open]')), true);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen() && !menuWasOpen && getComputedStyle(button).display !== 'none')
      setOpen(false, true);
  });
  // A wide screen shows the navigation in the header's row: nothing is "open" there.
  matchMedia('(min-width: 641px)').addEventListener('change', (m) => m.matches && setOpen(false, false));
})();

// The state diagram is wider than a phone: its box scrolls so the current state is in view (the page itself does not move).
for (const box of document.querySelectorAll('.diagram-box')) {
  const node = box.querySelector('.node.current');
  if (!node || box.scrollWidth <= box.clientWidth) continue;
  const b = box.getBoundingClientRect();
  const n = node.getBoundingClientRect();
  box.scrollLeft += n.left + n.width / 2 - (b.left + b.width / 2);
}

// A box that scrolls sideways (a wide table, a chart, the diagram) takes the keyboard's focus, so it can be scrolled without a
// pointer; it is named after its section's heading.
for (const box of document.querySelectorAll('.table-wrap, .chart-box, .diagram-box')) {
  if (box.scrollWidth <= box.clientWidth || box.hasAttribute('tabindex')) continue;
  box.tabIndex = 0;
  if (!box.hasAttribute('role')) box.setAttribute('role', 'region');
  const before = box.previousElementSibling;
  const heading = before?.matches('h1, h2, h3, legend')
    ? before
    : box.closest('section, fieldset, main')?.querySelector('h2, legend, h1');
  if (!box.hasAttribute('aria-label') && heading) box.setAttribute('aria-label', heading.textContent.trim());
}

// A field marked enterkeyhint="next" goes on to the next field on Enter instead of sending a half-filled form (a phone's
// keyboard shows "next"); Enter that ends a Chinese input method's composition is the method's own.
document.addEventListener('keydown', (e) => {
  const field = e.target;
  if (e.key !== 'Enter' || e.isComposing || !(field instanceof HTMLInputElement) || field.enterKeyHint !== 'next')
    return;
  if (!field.form) return;
  const fields = [...field.form.elements].filter(
    (el) =>
      el.matches('input, select, textarea, button') && el.type !== 'hidden' && !el.disabled && el.offsetParent !== null,
  );
  const next = fields[fields.indexOf(field) + 1];
  if (!next) return;
  e.preventDefault();
  next.focus();
});
