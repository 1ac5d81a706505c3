// Accessibility (issue 13, WCAG 3.3.1 and 2.4.3). Progressive enhancement only: without this file a refused form still shows
// its error summary at the top, each field says what is wrong, and the summary's links lead to the fields.
(() => {
  /** Shows `el` (opening any folded <details> around it) and gives it the focus. */
  const focusOn = (el) => {
    for (let d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
    el.focus();
    if (el.scrollIntoView) el.scrollIntoView({ block: 'center' });
  };
  // A refused page: the focus goes to the first field with an error, else to the summary, so the user starts where the fix is.
  const invalid = document.querySelector('main [aria-invalid="true"]');
  const summary = document.querySelector('main [data-error-summary]');
  if (invalid) focusOn(invalid);
  else if (summary) focusOn(summary);
  // A link of the summary focuses its field (a fragment alone scrolls, and would not open a folded form).
  document.addEventListener('click', (e) => {
    const link = e.target.closest && e.target.closest('[data-error-summary] a[href^="#"]');
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)));
    if (!field) return;
    e.preventDefault();
    focusOn(field);
  });
})();
