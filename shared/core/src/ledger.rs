//! Day ledgers (design.md §4): busy intervals per resource and local day.
