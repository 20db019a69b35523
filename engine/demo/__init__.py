"""Demo data and the month simulator: the two demo companies on the built-in packs,
and `simulate`, which drives a whole month through the same services as the pages."""
