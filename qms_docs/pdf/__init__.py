"""Controlled PDF (`qms pdf`, `qms copies`, `qms verify-pdf`): the site's selection and templates on paper.

- `compose` turns a `publishing.Publication` into one HTML document (the site's control block,
  revision history, master list and clause matrix, from `qms_docs/templates/pages`, inside the
  print templates of `qms_docs/templates/pdf`);
- `fetcher` is the only way WeasyPrint reads anything: it refuses every URL but the attachments
  that a revision in force links to (read from that revision's commit) and `data:` URLs;
- `render` runs WeasyPrint (imported there only, on the first render; it needs Pango from the
  system) and embeds the `manifest`;
- `copies` is the register of controlled copies (`records/controlled-copies.yml`)."""
