# Porchlight — the two commands of the quick start, and the benchmark.
SWIFT ?= swift
NOW ?= 2026-11-21T12:00:00-06:00
DEMO_AXE_PAGES ?= / /letters/ /letters/engagement-every-shift/ /strategy/ /districts/north/ /events/ /events/block-roll-calls/ /calendar/ /search/

.PHONY: demo test unit race asan judge bench bench-growth instructions clibs theme fixtures clean

## Build the demo site into Public/ (installs libcmark-dev and libjemalloc-dev when missing).
demo: clibs
	$(SWIFT) build -c release --product porchlight
	.build/release/porchlight build --now $(NOW)

## Everything CI runs: unit and fixture tests, then the demo site judged by real validators.
test: clibs
	.ci/install-deps
	$(SWIFT) test
	$(SWIFT) build --product porchlight
	.build/debug/porchlight check --now $(NOW)
	.build/debug/porchlight build --now $(NOW)
	python3 .ci/judge_site.py Public --axe $(DEMO_AXE_PAGES)
	.build/debug/porchlight occurrences --now $(NOW) > .build/occurrences.json
	python3 .ci/judge_calendars.py Public .build/occurrences.json
	.build/debug/porchlight occurrences --source Tests/PorchlightTests/Fixtures/good-site --now $(NOW) > .build/occurrences-fixture.json
	python3 .ci/judge_calendars.py Tests/PorchlightTests/Fixtures/good-site-expected .build/occurrences-fixture.json
	scripts/check-one-core .build/debug/porchlight

## Only the Swift tests.
unit: clibs
	$(SWIFT) test

## The Swift tests under ThreadSanitizer, which fails them on any data race (the build renders and writes on all cores).
race: clibs
	PORCHLIGHT_SYSTEM_MALLOC=1 TSAN_OPTIONS=halt_on_error=0 $(SWIFT) test --sanitize=thread --build-path .build-tsan

## The Swift tests under AddressSanitizer, which fails them on any read or write outside memory they own.
asan: clibs
	PORCHLIGHT_SYSTEM_MALLOC=1 ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --build-path .build-asan

## Porchlight against Hugo on the yardstick corpus (see BENCHMARKS.md).
bench: clibs
	scripts/bench

## Full builds of 10,000 and 100,000 letters, alternating: does the time grow linearly?
bench-growth: clibs
	scripts/bench-growth

## Instructions of one full build under callgrind: repeatable where times are not (scripts/count-instructions).
instructions: clibs
	scripts/count-instructions

## The C libraries Porchlight links to: cmark, and jemalloc as its allocator.
clibs:
	@pkg-config --exists libcmark jemalloc 2>/dev/null || { echo "installing libcmark-dev libjemalloc-dev"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq libcmark-dev libjemalloc-dev; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq libcmark-dev libjemalloc-dev; fi; }

## After editing Templates/: compile the theme into the executable.
theme:
	scripts/embed-theme

## After changing output on purpose: rewrite the fixture expectations, then review the diff.
fixtures:
	UPDATE_FIXTURES=1 $(SWIFT) test --filter FixtureSiteTests

clean:
	rm -rf .build Public
