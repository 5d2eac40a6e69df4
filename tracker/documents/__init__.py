"""Documents on paper: PDF files rendered from plain data (no database, no services).

- ``report``: a trainee's IUP / progress report on A4, for the handledarsamtal and the studierektor's
  yearly review.
"""
