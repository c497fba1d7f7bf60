"""The benchmark harness of `make bench` (issue 13): the national data set, the pages, the deadline
rush, the PDFs and the reminder sweep, measured and written to benchmarks/results/. Not tests: the
figures are printed beside their targets; tests only guard correctness (CONVENTIONS.md)."""
