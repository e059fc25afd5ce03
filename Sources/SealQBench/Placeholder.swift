// SealQBench
