// Tests draw their generated data from the project's one seeded generator.
@_exported import struct RunControl.SplitMix64
