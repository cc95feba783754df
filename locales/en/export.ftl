export-ready = Here is everything we hold about you, as JSON. Keep it somewhere safe: it is your data.
