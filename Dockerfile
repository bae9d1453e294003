# One image for every service; docker-compose.yml picks the command (web, worker, migrate).
FROM python:3.11.10-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY shared ./shared
COPY services ./services
# the versions of constraints.txt, so every build installs the same; /credentials belongs to the
# app user, so the named volume mounted there (created from the image) is writable by uid 10001
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --uid 10001 app \
    && mkdir -p /credentials \
    && chown app:app /credentials
USER app
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "services.registration.entrypoints.flask_app:create_app()"]
