// Swagger UI over this service's OpenAPI document. No validator badge: served from a public host, it would call validator.swagger.io.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.openapi, domNode: root, validatorUrl: null, deepLinking: true });
});
