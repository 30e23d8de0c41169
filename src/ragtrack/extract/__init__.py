"""Reading sources and parsing them into records: read -> segment -> parse."""
