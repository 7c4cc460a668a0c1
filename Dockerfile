# Production image: a non-root user, pinned dependencies, uvicorn workers behind a proxy.
# Debian 12 (bookworm): its postgresql-client is 15, the server's version in docker-compose.yml, for `backup`
# (pg_dump) and `verify-backup` (pg_restore): the same major version as the server dumps and restores without
# surprises (an older pg_dump refuses a newer server; a newer one may write settings an older server lacks).
FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 ENVIRONMENT=production
WORKDIR /app
RUN groupadd --system exchange && useradd --system --gid exchange --home /app exchange
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml constraints.txt README.md ./
COPY marketplace ./marketplace
COPY matching ./matching
RUN pip install -c constraints.txt .
COPY templates ./templates
COPY seed_data ./seed_data
# /backups: the compose file's backups volume, which takes this owner when first created
RUN mkdir -p /app/var /backups && chown -R exchange:exchange /app/var /backups && chmod 700 /backups
USER exchange
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
# Migrations run at start; several containers may share one database (Alembic takes a lock on PostgreSQL).
CMD ["sh", "-c", "python -m marketplace migrate && exec uvicorn marketplace.main:app --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2} --proxy-headers --forwarded-allow-ips='*' --no-server-header"]
