"""Synthetic demo data: several regions, specialties and both regelverk, reproducible from a seed."""

from tracker.demo.generator import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "load_demo"]
