"""The stylesheet and script the plugin adds to the site (kept as text so they ship with the code)."""

from __future__ import annotations

CSS_URI = "assets/qms/qms.css"
JS_URI = "assets/qms/qms.js"

CSS = """\
/* qms-docs: control block, revision history, generated pages, print marking. */
.qms-control { border: 1px solid var(--md-default-fg-color--lighter); border-left: 4px solid var(--md-primary-fg-color);
  border-radius: 4px; padding: .6rem .9rem; margin: 0 0 1.4rem; font-size: .72rem; background: var(--md-code-bg-color); }
.qms-control__head { display: flex; flex-wrap: wrap; gap: .4rem .8rem; align-items: baseline; margin-bottom: .4rem; }
.qms-control__id { font-weight: 700; font-size: .9rem; letter-spacing: .02em; }
.qms-control__title { font-size: .9rem; }
.qms-control__fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: .3rem 1rem; margin: 0; }
.md-typeset .qms-control__fields div { margin: 0; }
.md-typeset .qms-control__fields dt { font-size: .6rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--md-default-fg-color--light); margin: 0; }
.md-typeset .qms-control__fields dd { margin: 0; }
.md-typeset .qms-table table:not([class]) { font-size: .68rem; margin: .6rem 0; }
.md-typeset .qms-table table:not([class]) :is(th, td) { padding: .45em .9em; }
.md-typeset .qms-signatures table:not([class]) :is(th, td) { padding: .3em .6em; }
.md-typeset .qms-signatures td:is(:nth-child(2), :nth-child(3), :nth-child(5)) { white-space: nowrap; }
.md-typeset .qms-signatures table:not([class]) { margin: .6rem 0 .2rem; background: var(--md-default-bg-color); }
.qms-control__source { margin: .3rem 0 0; font-size: .6rem; color: var(--md-default-fg-color--light); }
.qms-badge { display: inline-block; padding: 0 .45em; border-radius: .2rem; font-size: .62rem; font-weight: 700;
  letter-spacing: .04em; text-transform: uppercase; color: #fff; background: #2e7d32; }
.qms-badge--obsolete { background: #b71c1c; }
.qms-badge--gap { background: #e65100; }
.qms-badge--excluded { background: #546e7a; }
.qms-badge--superseded { background: #6a1b9a; }
.qms-badge--upcoming { background: #0277bd; }
.qms-badge--stale { background: #e65100; }
.qms-badge--untranslated { background: #546e7a; }
.qms-language-notice { border: 2px solid #e65100; border-radius: 4px; padding: .5rem .8rem; margin: 0 0 1rem; }
.qms-superseded { border: 2px solid #6a1b9a; border-radius: 4px; padding: .5rem .8rem; margin: 0 0 1rem;
  font-size: .75rem; background: rgba(106, 27, 154, .08); }
.md-typeset .qms-sortable th { cursor: pointer; user-select: none; }
.md-typeset .qms-sortable th[aria-sort="ascending"]::after { content: " \\25B2"; }
.md-typeset .qms-sortable th[aria-sort="descending"]::after { content: " \\25BC"; }
.md-typeset .qms-type-index td:nth-child(n+3), .md-typeset .qms-upcoming td:nth-child(4) { white-space: nowrap; }
.qms-badge--not-issued { background: #757575; font-size: .55rem; vertical-align: .1em; }
.md-typeset tr.qms-gap td { background: rgba(230, 81, 0, .12); }
.md-typeset tr.qms-excluded td { color: var(--md-default-fg-color--light); }
.qms-not-issued { white-space: nowrap; color: var(--md-default-fg-color--light); }
/* Ids, dates and revisions never break mid-token; long tables scroll inside their card. */
.qms-control__id, .qms-ref, .qms-print-date, .qms-badge, .md-typeset .qms-table:not(.qms-signatures) td:first-child,
.md-typeset .qms-mdl td:nth-child(n+4), .md-typeset .qms-history-table td:nth-child(-n+2),
.md-typeset .qms-recent td:nth-child(3), .md-typeset .qms-recent td:nth-child(4),
.md-typeset .qms-archive td:nth-child(n+4):not(:last-child) { white-space: nowrap; }
.md-typeset .qms-signatures { max-width: 100%; overflow-x: auto; }
.md-typeset .qms-signatures table:not([class]) { display: table; width: 100%; }
/* Material wraps each table in a scroll wrapper with negative margins (bleeding into the page's padding):
   inside the card, that made the signature table 2 x .8rem wider than the card, clipping the digests. */
.md-typeset .qms-signatures .md-typeset__scrollwrap { margin: 0; }
.md-typeset .qms-signatures .md-typeset__table { padding: 0; display: block; }
.md-typeset tr.qms-chapter td { font-weight: 700; }
.qms-overdue { color: #c62828; font-weight: 700; }
.qms-print-notice { display: none; }
/* The plain page of a superseded revision (no theme around it). */
.qms-plain { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; max-width: 58rem;
  margin: 1.5rem auto; padding: 0 1rem; }
.qms-plain table { border-collapse: collapse; width: 100%; }
.qms-plain :is(th, td) { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
.qms-plain .qms-control { background: #f5f5f7; border-left-color: #6a1b9a; }
@media print {
  /* Every sheet: the notice on top; the document, revision and print date at the foot (CSS page
     margin boxes, Chromium 131+). The first sheet also carries it in the flow, for every browser. */
  @page {
    margin: 18mm 14mm 18mm;
    @top-center { content: "UNCONTROLLED COPY WHEN PRINTED"; font: 700 9pt sans-serif; color: #000; }
    @bottom-left { content: var(--qms-print-label, ""); font: 8pt sans-serif; color: #000; }
    @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #000; }
  }
  .qms-print-notice { display: block; border: 2px solid #000; padding: 2mm 3mm; margin: 0 0 4mm;
    font: 700 10pt/1.3 sans-serif; color: #000; background: #fff; text-align: center; }
  .qms-control { break-inside: avoid; background: none; }
}
"""

JS = """\
// qms-docs: stamp the print date (the day the page is printed) into the uncontrolled-copy notice
// and into the label at the foot of every printed sheet. Without JavaScript the build date stays.
(function () {
  function cssString(text) {  // every character but letters and digits as a CSS escape
    return '"' + Array.from(text).map(function (c) {
      return /[A-Za-z0-9]/.test(c) ? c : "\\\\" + c.codePointAt(0).toString(16).padStart(6, "0");
    }).join("") + '"';
  }
  function stamp() {
    var d = new Date();
    var day = d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
    document.querySelectorAll(".qms-print-date").forEach(function (el) { el.textContent = day; });
    var notice = document.querySelector(".qms-print-notice[data-qms-foot]");
    if (notice) {
      var label = notice.getAttribute("data-qms-foot").split("{date}").join(day);
      document.documentElement.style.setProperty("--qms-print-label", cssString(label));
    }
  }
  function sortable() {  // a type's index page: select a column heading to sort by it (again: reverse)
    document.querySelectorAll(".qms-sortable table").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (th, col) {
        th.tabIndex = 0;
        function sort() {
          var up = th.getAttribute("aria-sort") !== "ascending";
          table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", up ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.from(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
            var order = x.localeCompare(y, undefined, {numeric: true});
            return up ? order : -order;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        }
        th.addEventListener("click", sort);
        th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
      });
    });
  }
  function ready() { stamp(); sortable(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  window.addEventListener("beforeprint", stamp);
})();
"""
