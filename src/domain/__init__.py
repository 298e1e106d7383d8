"""The ClassPlus study-material domain: value objects, models, errors and pure rules."""
