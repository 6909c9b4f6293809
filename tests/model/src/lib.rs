//! Reference models of `atomicarena`'s kinds, shared by the property tests and the fuzz targets.
