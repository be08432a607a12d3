# innomatch demo image: the API over the bundled demo data (SQLite inside the image).
FROM python:3.11-slim

WORKDIR /app
# The installed package is not a checkout: data paths are relative to /app, the working directory.
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HF_HUB_OFFLINE=1

# torch first, from the CPU index: otherwise sentence-transformers pulls a multi-GB CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

COPY pyproject.toml README.md ./
COPY matcher ./matcher
COPY api ./api
COPY data ./data
COPY models ./models
RUN pip install .

# Ingest and index at build time, so the container serves at once.
RUN innomatch ingest data/demo && innomatch build

EXPOSE 8000
CMD ["innomatch", "serve", "--host", "0.0.0.0", "--port", "8000"]
