# `make demo`: set up and run the main job on the bundled real reports.
# `make test`: set up and run the tests.
.PHONY: setup demo test bench

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/nianbao extract data/corpus/real/*.txt data/corpus/real/*.pdf --format csv > demo.csv; \
	  echo "wrote demo.csv"

test: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider tests

bench: setup
	.venv/bin/python benchmarks/bench_ocr.py
