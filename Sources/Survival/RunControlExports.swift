// Kernels poll `Cancellation.check()` and ask `MemoryBudget` before large
// allocations; both live in RunControl so that Datasets can use them too.
@_exported import RunControl
