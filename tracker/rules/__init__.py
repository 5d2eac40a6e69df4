"""The rules of RULES.md, computed twice on purpose: ``reference`` (one trainee, day by day, exact
fractions: the path anyone can follow by hand) and ``setbased`` (every trainee at once in DuckDB, for
the dashboards); ``progress`` loads records and runs the reference path. Tests hold both to the same
answers."""
