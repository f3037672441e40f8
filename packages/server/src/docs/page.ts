/**
 * The reference page: Swagger UI with its own files, served by this server (no CDN: the page works offline).
 * Every URL is relative to `/docs`, so the page also works behind a proxy that mounts the server under a path.
 */
export const docsPage = (version: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>bpkit API reference</title>
  <link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="docs/assets/swagger-ui.css?v=${version}">
  <link rel="stylesheet" href="docs/assets/docs.css?v=${version}">
</head>
<body>
  <div id="swagger-ui"></div>
  <noscript>The interactive reference needs JavaScript. The OpenAPI document is at <a href="docs/openapi.json">docs/openapi.json</a>.</noscript>
  <script src="docs/assets/swagger-ui-bundle.js?v=${version}"></script>
  <script src="docs/assets/docs.js?v=${version}"></script>
</body>
</html>
`

/** Starts Swagger UI on the server's own document. A file rather than an inline script, so the page's CSP can forbid inline scripts. */
export const docsScript = `window.ui = SwaggerUIBundle({
  url: 'docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayOperationId: true,
  docExpansion: 'none',
  defaultModelsExpandDepth: 0,
  filter: true,
  tryItOutEnabled: true,
  showExtensions: false,
  persistAuthorization: false,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
})
`

export const docsStyle = `body { margin: 0; }
.swagger-ui .information-container { padding-top: 1rem; }
`
