"""Offline evaluation of the matcher: `python -m matching.evaluate {judged,vire}`."""
