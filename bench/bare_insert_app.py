"""Baseline for the registration benchmark: bare Flask doing one PostgreSQL insert.

The table ``bare (id text primary key, body text)`` is created by the benchmark.
"""

import os
import uuid

from flask import Flask, request
from sqlalchemy import create_engine, text


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["BARE_DATABASE_URL"], pool_size=8)

    @app.post("/insert")
    def insert():
        with engine.begin() as db:
            db.execute(
                text("INSERT INTO bare VALUES (:id, :body)"),
                {"id": str(uuid.uuid4()), "body": request.get_data(as_text=True)},
            )
        return {"ok": True}, 201

    app.add_url_rule("/healthz", "healthz", lambda: "ok")  # readiness, as the services have
    return app
