"""Fault injection: the whole pipeline under random SIGKILLs and a server restart (``NEWSFACTS_CHAOS=1``)."""
