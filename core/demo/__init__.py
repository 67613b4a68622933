"""The demo county: a deterministic synthetic bank built on the real 平塘县 geography."""
