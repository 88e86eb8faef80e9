"""Publishing articles into the ingest stream (the ``newsfacts publish`` boundary)."""
