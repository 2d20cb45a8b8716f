# One image for the API and the worker (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DOCBATCH_DATA_DIR=/data
# Fonts for PDF exports (Latin, Thai, CJK), WeasyPrint's native libraries, OpenMP for LightGBM.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-thai-tlwg \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libglib2.0-0 libgl1 \
      libgomp1 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY api api
COPY workflows workflows
COPY activities activities
COPY exporters exporters
COPY extraction extraction
COPY cli cli
COPY migrations migrations
COPY worker.py ./
RUN pip install --no-cache-dir .

RUN useradd --create-home --uid 10001 docbatch && mkdir -p /data && chown docbatch /data
USER docbatch
VOLUME ["/data"]
EXPOSE 8000
CMD ["uvicorn", "api.app:app_factory", "--factory", "--host", "0.0.0.0", "--port", "8000"]
