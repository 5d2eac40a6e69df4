"""The build of ``data/catalogue.json`` (the command is ``scripts/build_catalogue.py``).

Modules, one concern each:

- ``model``: the build's error, the regulations, delmål codes and the raw delmål read from a source;
- ``register``: the specialty register (bas, gren, tillägg, aliases, name fixes);
- ``activities``: the activity types and the rules that classify an activity string;
- ``transcription``: reading the transcription's folders;
- ``official``: reading Socialstyrelsen's official texts;
- ``corrections``: every correction of the transcription, each recorded with where, what and why;
- ``convert``: one delmål of a source to its catalogue record (required and recommended types);
- ``assemble``: putting the catalogue together, checking and rendering it;
- ``cli``: the command line.

``official/`` holds official text transcribed into this repository (psykiatri's STc delmål, HSLF-FS 2021:8).

Standard library only; the same input gives the same bytes.
"""
