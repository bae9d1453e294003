"""Server-rendered pages every service shares: ``layout`` (blueprints, layout, errors),
``csrf`` (form tokens) and ``login`` (organiser login on the pages).

Pages are plain Flask blueprints, outside the OpenAPI document; the JSON API is not affected.
"""
