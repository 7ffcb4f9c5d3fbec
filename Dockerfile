# syntax=docker/dockerfile:1
# hexapi: `docker build -t hexapi .`, then see compose.yaml (or README, "Running in containers").

FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
# Every distribution pinned in the lock, each checked against its hash (a layer that is
# rebuilt only when the lock changes).
COPY requirements.lock ./
RUN pip download --require-hashes --no-deps --only-binary=:all: --dest /wheels -r requirements.lock
# hexapi's own wheel, built by the pinned backend from the lock, offline.
COPY pyproject.toml README.md ./
COPY domain/ domain/
COPY application/ application/
COPY adapters/ adapters/
COPY entrypoints/ entrypoints/
RUN pip install --no-index --find-links /wheels hatchling \
 && pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .
# The wheel and exactly the runtime dependencies it needs (the lock also pins development
# tools, which stay behind), from the hash-checked wheels only.
RUN python -m venv /opt/hexapi \
 && /opt/hexapi/bin/pip install --no-index --find-links /wheels hexapi

FROM python:3.12-slim
# Production unless told otherwise: it needs a real SECRET_KEY, logs JSON, and never the
# development console mail's reset links.
ENV PATH=/opt/hexapi/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    DATA_DIR=/var/lib/hexapi \
    UPLOAD_DIR=/var/lib/hexapi/uploads \
    DATABASE_URL=sqlite+aiosqlite:////var/lib/hexapi/hexapi.db
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/hexapi hexapi
COPY --from=build /opt/hexapi /opt/hexapi
USER hexapi
WORKDIR /var/lib/hexapi
EXPOSE 8000
# Ready means the database answers; the check itself answers within about 2 s.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/ready', timeout=4)"]
# SIGTERM (docker stop) lets requests in flight finish, then exits 0.
ENTRYPOINT ["hexapi"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
