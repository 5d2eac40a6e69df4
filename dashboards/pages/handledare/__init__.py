"""Handledare: their ST-läkare and the intyg waiting for their signature (also the verksamhetschef's)."""
