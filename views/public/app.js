// Progressive enhancement only: every page works without this file.
document.addEventListener('click', (e) => {
  const print = e.target.closest('[data-print]');
  if (print) {
    e.preventDefault();
    window.print();
  }
});
// A form that refuses something (cancel, audit failed) asks once more before it is sent, in the page's language.
document.addEventListener('submit', (e) => {
  const button = e.target.querySelector('button[data-confirm]');
  if (button && e.target.dataset.confirmed !== '1' && !window.confirm(button.dataset.confirm)) e.preventDefault();
});
// Open the form the address points at (#event-START from the inbox).
if (location.hash.startsWith('#event-')) {
  const d = document.getElementById(location.hash.slice(1));
  if (d && d.tagName === 'DETAILS') d.open = true;
}
// The plan form's checklist follows the sections as they are written (the server checks everything again when the plan is saved or filed).
document.addEventListener('input', (e) => {
  const field = e.target;
  if (!field.name || !field.closest('form.plan-form')) return;
  const line = document.querySelector(`[data-testid=filing-checklist] li[data-check="section.${field.name}"]`);
  if (!line) return;
  const ok = field.value.trim() !== '';
  line.dataset.ok = String(ok);
  line.className = ok ? 'ok' : 'todo';
  const mark = line.querySelector('span[aria-hidden]');
  if (mark) mark.textContent = ok ? '✓' : '✗';
  const why = line.querySelector('.muted');
  if (why) why.hidden = ok;
});
// The navigation's menus are <details> and work without this; with it, one menu is open at a time, and a click elsewhere or Escape closes it.
const navMenus = () => document.querySelectorAll('.main-nav details.nav-menu[open]');
document.addEventListener(
  'toggle',
  (e) => {
    const opened = e.target;
    if (!(opened instanceof HTMLDetailsElement) || !opened.matches('.nav-menu') || !opened.open) return;
    for (const d of navMenus()) if (d !== opened) d.open = false;
  },
  true,
);
document.addEventListener('click', (e) => {
  for (const d of navMenus()) if (!d.contains(e.target)) d.open = false;
});
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  for (const d of navMenus()) {
    d.open = false;
    d.querySelector('summary').focus();
  }
});
