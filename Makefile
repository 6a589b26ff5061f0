# Meter-to-Cash. `make demo` and `make test` are all a new machine needs (Python 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCK   := requirements.lock

.PHONY: demo test lint format ui apps browser fonts install lock hooks clean-var

# Installs exactly the locked versions (requirements.lock, with hashes), then the project itself.
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP) fonts
	$(BIN)/m2c demo

test: $(STAMP) browser fonts
	$(BIN)/pytest

# Fonts the customer bills embed (Debian packages): DejaVu Sans for Latin scripts, NanumGothic for Korean
# (TrueType: ReportLab embeds no CFF outlines, so not Noto CJK; D104).
fonts:
	@test -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -qq fonts-dejavu-core fonts-nanum >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq fonts-dejavu-core fonts-nanum >/dev/null; } || \
	  echo "fonts-nanum could not be installed: Korean bills cannot be rendered"; }

# Headless Chromium for the one real-browser test (Debian packages; needs root or sudo, else skipped).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "chromium could not be installed: the browser test will be skipped"; }

# Re-resolves pyproject.toml's dependencies into requirements.lock (after changing them).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
	  --no-header --quiet -o $(LOCK)

# Installs the pre-commit hooks (.pre-commit-config.yaml: ruff, yamllint, sqlfluff from this venv).
hooks: $(STAMP)
	$(BIN)/pre-commit install

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .
	eval "$$($(BIN)/m2c db env)" && cd dbt && ../$(BIN)/sqlfluff lint models tests macros

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ui: $(STAMP)
	$(BIN)/m2c ui

apps: $(STAMP)
	$(BIN)/m2c apps

# Stops the embedded database and deletes var/ (all local data, run history and exports).
clean-var: $(STAMP)
	-$(BIN)/m2c db stop
	rm -rf var
