// SQSWire
