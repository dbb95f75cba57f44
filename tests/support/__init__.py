"""Helpers shared by the tests and the benchmarks; no tests live here.

A test module never imports another test module (``tests/test_architecture.py`` checks it):
what two of them share lives in this package.

- :mod:`tests.support.e2e`: the synthetic city, starting and stopping the app, Chromium,
  the 方案模拟 page in a browser (also used by ``bench/ui.py``).
- :mod:`tests.support.hostile`: hostile names, the HTML checks, the hostile city.
- :mod:`tests.support.corpus`: the bad-input corpus and the problem code of each file.
- :mod:`tests.support.bad_villages`: a village table with 1,204 bad rows.
- :mod:`tests.support.coverage_fixtures`: the hand-worked tiny city of the coverage tests.
- :mod:`tests.support.outside_china`: the tiny city moved to Kenya or Germany, as files.
- :mod:`tests.support.scenario_city`: a small city for the scenario and workspace tests.
- :mod:`tests.support.optimise_city`: the seeded four-county city of the optimiser tests.
- :mod:`tests.support.optimise_problems`: seeded random array problems for the optimiser.
- :mod:`tests.support.export_fixtures`: the export tests' city, plan and coverages.
- :mod:`tests.support.export_formulas`: formula-like names and the inert-file checks.
- :mod:`tests.support.solver_hold`: holds a running solve at a known point (cancel tests).
"""
