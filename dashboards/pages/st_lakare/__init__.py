"""Min ST: the ST-läkare's own pages."""
