/**
 * The page shell: the token in a meta tag, the stylesheet and the bundle.
 *
 * @module
 */

/** The HTML of `/` (the token is hex, so it needs no escaping; checked anyway). */
export function pageHtml(token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new RangeError(
      `Cannot build page: token "${token}" has characters outside [A-Za-z0-9_-]`,
    );
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="keeper-token" content="${token}">
<title>keeper review</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<div id="app">Loading…</div>
<script type="module" src="/static/app.js"></script>
</body>
</html>
`;
}
