"""The proposal pages: the product catalog, the proposal list and the builder."""
