"""Utbildningsenhet: studierektor, verksamhetschef and administratör pages over the whole scope."""
