"""Scale benchmark (issue 13): `python -m portal.bench_scale [--scale 1] [--reuse] [--only a,b] [--strict]`.

A 10,000-person company with 1,000-pair programs. At scale 1 it builds, in a PostgreSQL database of
its own (`bench_scale` on postgres://postgres@127.0.0.1:5432/, or the database named by
BENCH_DATABASE_URL, which must start with "bench"), 10,069 people in real manager chains, a program
in matching with 2,000 junior and 2,000 senior accepted applicants and an evaluating program with
999 confirmed pairs, ~21,000 meetings, ~10,000 session logs, ~6,000 check-ins and ~11,000 survey
answers (`dataset.py`); then it measures what HR does with them and prints each figure next to its
target (PASS / MISS), ending with a markdown table for README.

  --reuse                   measure the database an earlier run built (it stays after a run)
  --only a,b                some sections: program-list, dashboard, report, matching-run, review,
                            approve, import, sweep, mail, gunicorn
  --sqlite                  a smaller smoke run (scale 0.1 unless --scale) in a throw-away SQLite file
  --sqlite-if-no-postgres   the same when no PostgreSQL answers (`make bench`); otherwise it refuses (exit 2)
  --import-100k             also import a 100,000-row people file
  --strict                  exit 1 when a figure misses its target or a section fails

Pages are timed through django.test.Client as a signed-in HR coordinator, the median of --runs after
a warm-up whose queries are counted (`pages.py`). Writes the benchmark measures (approving, importing,
the sweep) run in a transaction that is rolled back, so the database can be measured again. The
matching run, the mail workers and gunicorn run in processes of their own (`processes.py`). A section
that fails prints its error and the others go on.
"""
