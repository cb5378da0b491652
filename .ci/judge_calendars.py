#!/usr/bin/env python3
"""Checks every .ics of a built site with independent tools: python's icalendar parses it, and
recurring-ical-events expands it; the occurrences found must equal Porchlight's own list
(`porchlight occurrences`, JSON), feed by feed.

    judge_calendars.py PUBLIC_DIR OCCURRENCES_JSON

Prints one line per feed and a closing `N passed, M failed`; exits 1 when any failed.
"""
import datetime as dt
import json
import os
import sys

import icalendar
import recurring_ical_events


def text(value):
    """A date as YYYY-MM-DD, a date-time as UTC ISO with Z."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"floating time {value} (no TZID)")
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def found(path, start, end):
    with open(path, "rb") as f:
        calendar = icalendar.Calendar.from_ical(f.read())
    rows = []
    for component in recurring_ical_events.of(calendar).between(start, end):
        rows.append((str(component["UID"]), text(component["DTSTART"].dt), text(component["DTEND"].dt),
                     str(component.get("STATUS", "CONFIRMED"))))
    return sorted(rows)


def main():
    public, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path) as f:
        expected = json.load(f)
    start = dt.datetime.fromisoformat(expected["windowStart"].replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(expected["windowEnd"].replace("Z", "+00:00"))
    passed = failed = 0
    on_disk = sorted(os.path.relpath(os.path.join(d, n), public) for d, _, names in os.walk(public) for n in names if n.endswith(".ics"))
    missing = sorted(set(expected["files"]) ^ set(on_disk))
    if missing:
        failed += 1
        print(f"FAIL feeds: listed and written .ics files differ: {missing}")
    for path, rows in sorted(expected["files"].items()):
        ours = sorted((r["uid"], r["start"], r["end"], r["status"]) for r in rows)
        try:
            theirs = found(os.path.join(public, path), start, end)
        except Exception as error:  # a file that does not parse is a failure, not a crash
            failed += 1
            print(f"FAIL {path}: {type(error).__name__}: {error}")
            continue
        if ours == theirs:
            passed += 1
            print(f"PASS {path}: {len(ours)} occurrences agree")
        else:
            failed += 1
            only_ours = [r for r in ours if r not in theirs][:5]
            only_theirs = [r for r in theirs if r not in ours][:5]
            print(f"FAIL {path}: Porchlight lists {len(ours)}, recurring-ical-events finds {len(theirs)}")
            for r in only_ours:
                print(f"    only in Porchlight: {r}")
            for r in only_theirs:
                print(f"    only in the .ics:   {r}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
