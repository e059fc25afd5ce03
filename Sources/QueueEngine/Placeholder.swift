// QueueEngine
