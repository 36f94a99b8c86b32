"""The benchmark (`manage.py bench`, `make bench`): a city-sized dataset and the cases of issue 17.

`seed` lays out the city (venues, spaces, members, organisations, bookings and their
django-scheduler mirror) through the real constraints; `cases_*` build each case as a contender
with its peer and floor; `measure` times them interleaved in one process; `report` writes the
table (docs/benchmarks.md). Nothing else imports this package.
"""
