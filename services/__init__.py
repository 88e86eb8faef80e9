"""newsfacts: news articles in, an append-only log of facts out, folded into read models."""
