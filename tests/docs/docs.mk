# tests/docs: docs-check: docs/system.svg, the README's picture of the
# whole system, is what docs/system.dot draws (`make docs` redraws it).
TEST_TARGETS += docs-check

.PHONY: docs-check
docs-check:
	@if dot -Tsvg $(TOP)/docs/system.dot | cmp -s - $(TOP)/docs/system.svg; \
	then echo "docs: 1 passed, 0 failed"; \
	else echo "FAIL docs: docs/system.svg is not what docs/system.dot draws (make docs)"; \
		echo "docs: 0 passed, 1 failed"; exit 1; fi
