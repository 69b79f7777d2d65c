import path from "node:path";
import { createRequire } from "node:module";
import express, { Router } from "express";
import { openApiDocument } from "../docs/openapi-document.js";

const require = createRequire(import.meta.url);

/**
 * `/openapi.json` and a browsable `/docs` page (Swagger UI, served from the npm package: nothing is loaded from
 * elsewhere, and the page works offline).
 */
export function docsRouter(): Router {
  const router = Router();
  const assets = path.dirname(require.resolve("swagger-ui-dist/package.json"));
  router.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });
  router.get(["/docs", "/docs/"], (_req, res) => {
    res
      .type("html")
      .set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
      .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Conduit API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`);
  });
  router.get("/docs/init.js", (_req, res) => {
    res
      .type("application/javascript")
      .send('window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });');
  });
  router.use("/docs/assets", express.static(assets, { index: false, fallthrough: false }));
  return router;
}
