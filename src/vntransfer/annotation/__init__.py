"""The SPEC.md document model and everything that reads, writes, checks and counts gold annotation."""
