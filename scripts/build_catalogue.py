#!/usr/bin/env python3
"""Build data/catalogue.json, the delmål catalogue the tracker reads at runtime.

Sources (see data/PROVENANCE.md):
- the ST-ARK project's transcription of Socialstyrelsen's målbeskrivningar (Apache-2.0):
  ``<source>/2015/*.json``, ``<source>/2021/*.json`` (63 specialties + ``common.json`` each) and
  ``<source>/bt-2021.json``;
- Socialstyrelsen's målbeskrivning for psykiatri under SOSFS 2015:8 (``<official>/targets2015.txt``),
  which replaces the transcription's defective Psykiatri 2015;
- Svenska Psykiatriska Föreningen's guide for HSLF-FS 2021:8 (``<official>/recommendations2021.txt``),
  used for the psykiatri 2021 code list;
- Socialstyrelsen's pages on psykiatri's STc delmål under HSLF-FS 2021:8, a scan transcribed into this
  repository (``scripts/catalogue_build/official/psykiatri-2021-stc.txt``), which replaces the
  transcription's Psykiatri 2021 STc texts.

Usage::

    python scripts/build_catalogue.py [--source DIR] [--official DIR] [--out data/catalogue.json] [--report]

The script uses the standard library only and writes the same bytes for the same input. It stops
with an error on anything it cannot interpret (an unmapped activity string, an unknown specialty
name, a duplicated delmål code with different content, ...) rather than guessing. The work is done
by the package ``scripts/catalogue_build/``; this file is its command.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from catalogue_build.cli import main  # noqa: E402  (needs the folder above on the path)

if __name__ == "__main__":
    sys.exit(main())
