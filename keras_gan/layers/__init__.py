"""Keras layers for GAN networks (all backends, no `Lambda` layers)."""
