#!/usr/bin/env python3
"""Expand RRULEs with python-dateutil, the oracle the .ics output is checked against.

Reads JSON lines  {"id", "rule", "dtstart", "tz", "through", "limit"}  on stdin and writes
{"id", "occurrences"} (wall-clock YYYYMMDDTHHMMSS) or {"id", "error"} per line, in order.

- dtstart is YYYYMMDDTHHMMSS (or YYYYMMDD: midnight); tz is an IANA name, or null for floating.
- With a tz, dtstart is made aware with zoneinfo, so UNTIL=...Z is compared as an instant
  (Python's fold=0: a time in a DST gap is read with the offset before the gap, a repeated time
  as its first occurrence; the same rule as RFC 5545 §3.3.5 and ZoneResolver).
- Occurrences are printed as dateutil generates them: naive wall-clock times, so a time inside a
  spring-forward gap stays as written (e.g. 02:30), just as the Swift expander returns it.
"""
import datetime as datetime_module
import json
import sys
import types
from datetime import datetime
from zoneinfo import ZoneInfo

import dateutil.rrule
from dateutil.rrule import rrulestr

# dateutil checks UNTIL only when a date matches, so a rule that never matches (DAILY;BYSETPOS=2)
# is searched up to datetime.MAXYEAR, which takes seconds to minutes. Give dateutil.rrule its own
# copy of the datetime module and lower MAXYEAR to just past each window; nothing else changes.
bounded_datetime = types.ModuleType("datetime")
bounded_datetime.__dict__.update(vars(datetime_module))
dateutil.rrule.datetime = bounded_datetime


def parse(text):
    text = text.rstrip("Z")
    return datetime.strptime(text, "%Y%m%d" if len(text) == 8 else "%Y%m%dT%H%M%S")


for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    try:
        zone = ZoneInfo(request["tz"]) if request.get("tz") else None
        start = parse(request["dtstart"])
        if zone:
            start = start.replace(tzinfo=zone)
        through = parse(request["through"])
        rule = rrulestr(request["rule"], dtstart=start)
        bounded_datetime.MAXYEAR = min(datetime_module.MAXYEAR, through.year + 1)
        found = []
        for occurrence in rule:
            wall = occurrence.replace(tzinfo=None)
            if wall > through:
                break
            found.append(wall.strftime("%Y%m%dT%H%M%S"))
            if len(found) >= request.get("limit", 1000):
                break
        print(json.dumps({"id": request["id"], "occurrences": found}))
    except Exception as error:  # report per rule, keep going
        print(json.dumps({"id": request["id"], "error": f"{type(error).__name__}: {error}"}))
    sys.stdout.flush()
