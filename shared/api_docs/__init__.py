"""Interactive API documentation (Swagger UI) served by every service; see ``swagger_ui``."""
