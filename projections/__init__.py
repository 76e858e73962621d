"""Read models: pure folds over domain events. No IO here."""
