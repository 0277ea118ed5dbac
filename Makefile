# `make demo`: set up and run the main job on the bundled real reports.
# `make test`: set up and run the tests.
.PHONY: setup demo test test-slow bench

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/nianbao batch data/corpus/real data/seeds data/corpus/written --out runs/demo
	.venv/bin/nianbao report runs/demo
	@echo "results in runs/demo: report.html report.xlsx fields.csv fields.parquet fields.xlsx cells.parquet checks.csv cross_year.csv errors.csv summary.json"
	@echo "check and correct them: .venv/bin/nianbao review runs/demo"

test: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider tests

test-slow: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider -m slow tests

bench: setup
	.venv/bin/python benchmarks/bench_ocr.py
