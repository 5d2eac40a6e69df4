"""Synthetic demo data: several regions, specialties and both regelverk, reproducible from a seed.

``reference`` holds the fixed tables, ``people`` the demo people, ``simulate`` a trainee's plan laid out
month by month, ``generate`` the generator of every row and ``write`` the bulk insert and ``load_demo``.
"""

from tracker.demo.reference import DEMO_ACCOUNTS, DEMO_PASSWORD
from tracker.demo.write import load_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "load_demo"]
