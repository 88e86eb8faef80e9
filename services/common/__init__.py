"""What every stage shares: event envelope and models, names, settings, logging, Redis."""
