"""Analyses built on the series core (convergence of model weights, ...)."""
