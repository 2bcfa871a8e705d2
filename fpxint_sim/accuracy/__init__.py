"""Accuracy of expanded networks against their float originals."""
