"""Hue Innovation Exchange: the web application and the domain."""
