FROM python:3.11-slim-trixie
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/app/data
# pg_dump and pg_restore for `manage.py backup` and `restore`: Debian's PostgreSQL 17 client
# reads and writes the PostgreSQL 16 server of docker-compose.yml. Pango, HarfBuzz and a font
# for WeasyPrint, which makes the quarterly report's PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY okrapp okrapp
COPY objectives objectives
COPY checkins checkins
COPY kpis kpis
RUN pip install --no-cache-dir .
COPY . .
# The same line as .ci/prod-smoke, which checks it: the production static storage (hashed
# names, compressed), and a placeholder key, as collectstatic signs nothing.
RUN DEBUG=false STATIC_MANIFEST=true SECRET_KEY=collectstatic-needs-no-secret python manage.py collectstatic --noinput
EXPOSE 8000
# gunicorn.conf.py (read from /app) adds up the metrics of the workers.
CMD ["gunicorn", "okrapp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
