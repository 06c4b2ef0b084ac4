FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/app/data
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
CMD ["gunicorn", "okrapp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
