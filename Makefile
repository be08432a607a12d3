.PHONY: demo test bench lint
demo:  ## set up, ingest the demo data, build the index, serve on localhost:8000
	bash scripts/demo.sh
test:  ## set up and run the whole test suite (SQLite and PostgreSQL)
	bash scripts/test.sh
bench:  ## print ingest, embedding and /v1/match latency figures
	.venv/bin/python bench/bench.py
lint:
	.venv/bin/ruff check matcher api tests bench && .venv/bin/mypy
