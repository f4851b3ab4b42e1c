#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The mutation table follows the code (part of `make test`).

`make mutate` takes an hour and more, so it is not in `make test`, and a
row whose "find" text a change removed was seen only when the gate next
ran (hc-unknown-fn, after HVB_HC_CHANNEL_TIMEOUT moved the range's upper
end).  This check is the gate's first step alone: each row's file exists
and holds at least n occurrences of its text, its replacement differs,
and its id is unique.  Prints "mutate-table: N passed, N failed".
"""
import os
import sys

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
table = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(top, "tests", "mutate", "mutations.txt")
passed = failed = 0
seen = set()
for lineno, line in enumerate(open(table), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    f = line.split(" | ")
    why = None
    if len(f) < 5:
        why = "fewer than 5 fields"
    else:
        rid, path, n, find, repl = f[:5]
        find = find.replace("{TAB}", "\t")
        repl = repl.replace("{TAB}", "\t")
        full = os.path.join(top, path)
        if rid in seen:
            why = "id used twice"
        elif not n.isdigit() or int(n) < 1:
            why = "n is not a positive number"
        elif not os.path.isfile(full):
            why = "no file " + path
        elif find == repl:
            why = "the replacement is the text itself"
        else:
            count = open(full).read().count(find)
            if count < int(n):
                why = "occurrence %s of '%s' is not in %s (%d found)" % (
                    n, find, path, count)
        seen.add(rid)
    if why:
        failed += 1
        print("FAIL mutate-table %s:%d %s: %s" % (
            os.path.relpath(table, top), lineno, f[0], why))
    else:
        passed += 1
print("mutate-table: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
